"""Every page x every role x both languages, opened through the app shell (router,
sidebar, language switch) on a demo database: no exception, no raw catalogue key, no raw
enum code, and in bokmål no English text that Streamlit fills in by default.

What the browser alone renders (the skip link, heading anchors) is checked in
tests/browser/test_every_page_browser.py."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PUBLIC_PAGES, STAFF_PAGES
from db import models
from db.models import Applicant, InfoMeeting, ServiceUser
from db.session import make_engine, make_session_factory
from recruitment.core import vocabulary
from recruitment.core.access import Actor, allowed
from recruitment.core.i18n import catalogue
from tests.dashboard.conftest import APP, logged_in

ROLES = ("admin", "coordinator", "manager")
LANGUAGES = ("nb", "en")

#: English that Streamlit writes by itself unless the app says otherwise; none of it may
#: show in the bokmål UI. (The browser test keeps the client-side part of this list.)
STREAMLIT_DEFAULTS = (
    "Choose an option",
    "Choose options",
    "Select all",
    "No results",
    "Press Enter to apply",
    "Press Enter to submit form",
    "Drag and drop file here",
    "Browse files",
    "Skip to main content",
    "Link to heading",
    "you@example.com",
    "+1 234 567 8900",
    "https://example.com",
)

#: Stored codes that must never reach a person: every enumeration of the database and
#: every fixed list. Codes with an underscore are refused anywhere in a text; plain
#: words ("digital", "waiting") only as a whole cell, option or value.
_ENUMS = [
    value.value
    for value in vars(models).values()
    if isinstance(value, type) and issubclass(value, enum.StrEnum) and value is not enum.StrEnum
    for value in value
]
_LISTS = [
    code
    for name in ("INTERESTS", "TARGET_GROUPS", "AVAILABILITY", "SOURCES")
    for code in getattr(vocabulary, name)
]
RAW_CODES = {code for code in (*_ENUMS, *_LISTS) if len(code) > 3}
SNAKE_CODES = {code for code in RAW_CODES if "_" in code}
KEYS = set(catalogue())
_KEY_LIKE = re.compile(r"\b[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\b")
_WORD = re.compile(r"[A-Za-z0-9_]+")
#: "2026-11-29", "2026/11/29", "11:00:00+00:00": dates as machines write them.
ISO_MOMENT = re.compile(r"\b\d{4}[-/]\d\d[-/]\d\d\b|\d\d:\d\d:\d\d[+-]\d\d:\d\d")
#: Streamlit's date pickers in each language's usual numeric form.
DATE_FORMATS = {"nb": "DD.MM.YYYY", "en": "DD/MM/YYYY"}

#: Proto fields that hold no user-facing text.
_SKIP_FIELDS = {"id", "formId", "key", "type", "spec", "icon", "url", "pageScriptHash"}
_SKIP_FIELDS |= {"useContainerWidth", "vegaLiteTheme", "selectionMode", "data", "datasets"}
_SKIP_FIELDS |= {"pageName", "urlPath", "page", "mainScriptHash", "format", "accept", "queryString"}
_SKIP_FIELDS |= {"autocomplete", "columns", "columnOrder", "editingMode", "min", "max"}


def _strings(value, field: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for name, item in value.items():
            if name not in _SKIP_FIELDS:
                yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, field)
    elif isinstance(value, str):
        yield field, value


def _elements(node) -> Iterator:
    children = getattr(node, "children", None)
    if children is not None:
        for child in children.values():
            yield from _elements(child)
    else:
        yield node


def seen(at: AppTest) -> list[tuple[str, str]]:
    """Every (where, text) a person can see on the page: element texts, labels,
    placeholders, options, table headers and cells, chart titles and data."""
    found: list[tuple[str, str]] = []
    for element in _elements(at._tree):
        proto = getattr(element, "proto", None)
        kind = getattr(element, "type", type(element).__name__)
        if proto is None or kind == "html":
            continue  # html: only the frame's constant script (dashboard/frame.py)
        as_dict = MessageToDict(proto)
        found += [(f"{kind}.{field}", text) for field, text in _strings(as_dict)]
        if kind in {"selectbox", "multiselect"} and not as_dict.get("placeholder"):
            # Shown when nothing is chosen, and read out as the field's hint even when
            # something is.
            found.append((f"{kind}.placeholder", "Choose an option"))
        if kind == "date_input" and proto.format != DATE_FORMATS[lang_of(at)]:
            found.append(("date_input.format", proto.format or "YYYY/MM/DD"))
        if kind in {"title", "header", "subheader"} and not proto.hide_anchor:
            found.append((f"{kind}.anchor", "Link to heading"))
        if kind == "multiselect" and proto.select_all:
            found.append((f"{kind}.select_all", "Select all"))
        if kind in {"arrow_vega_lite_chart", "vega_lite_chart"}:
            found += _chart_strings(proto)
    for frame in at.dataframe:
        found += _table_strings(frame)
    return found


def _table_strings(frame) -> list[tuple[str, str]]:
    """Headers and cells of a table as shown: `column_config` labels and hides columns,
    `column_order` keeps only the listed ones."""
    import json

    table = frame.value
    config = json.loads(frame.proto.columns or "{}")
    order = list(frame.proto.column_order) or [str(column) for column in table.columns]
    found = []
    for column in table.columns:
        settings = config.get(str(column)) or {}
        if str(column) not in order or settings.get("hidden"):
            continue
        found.append(("table.column", str(settings.get("label") or column)))
        for value in table[column].tolist():
            if isinstance(value, str):
                found.append(("table.cell", value))
            elif isinstance(value, date | datetime | pd.Timestamp) and value == value:
                # Streamlit writes a raw moment as an ISO string in UTC.
                found.append(("table.moment", str(value)))
    return found


def _chart_strings(proto) -> list[tuple[str, str]]:
    import json

    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    spec = json.loads(proto.spec)
    found = [("chart.spec", text) for _, text in _strings(_titles(spec))]
    # Without a locale Vega writes months and numbers in English ("January", "1,234.5").
    months = spec.get("config", {}).get("locale", {}).get("time", {}).get("months", ["January"])
    found.append(("chart.months", months[0]))
    datasets = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets]
    if proto.data.data:
        datasets.append(convert_arrow_bytes_to_pandas_df(proto.data.data))
    shown = _encoded_fields(spec)
    for data in datasets:
        for column in data.columns:
            if column in shown and data[column].dtype == object:
                found += [("chart.value", v) for v in data[column].tolist() if isinstance(v, str)]
    return found


def _titles(spec) -> dict:
    """The texts a chart spec writes on screen: titles, axis and legend titles, labels."""
    found: dict = {}
    if isinstance(spec, dict):
        for name, value in spec.items():
            if name in {"title", "text", "labelExpr"} and isinstance(value, str | list):
                found[f"t{len(found)}"] = value
            elif isinstance(value, dict | list):
                found[f"n{len(found)}"] = _titles(value)
    elif isinstance(spec, list):
        return {f"i{i}": _titles(item) for i, item in enumerate(spec)}
    return found


def _encoded_fields(spec) -> set[str]:
    """The data fields a chart shows as nominal text (axis labels, legends, facets)."""
    fields: set[str] = set()
    if isinstance(spec, dict):
        if spec.get("type") in {"nominal", "ordinal"} and isinstance(spec.get("field"), str):
            fields.add(spec["field"])
        for value in spec.values():
            fields |= _encoded_fields(value)
    elif isinstance(spec, list):
        for item in spec:
            fields |= _encoded_fields(item)
    return fields


def _is_typed_value(where: str) -> bool:
    """A widget's current value (what was typed or chosen), not a text the app wrote."""
    kind, _, field = where.partition(".")
    return kind not in {"table", "chart"} and field in {"value", "default", "rawValues"}


def lang_of(at: AppTest) -> str:
    """The language the test asked for in the URL (bokmål without one)."""
    value = at.query_params.get("lang") or "nb"
    return value if isinstance(value, str) else value[0]


def problems(at: AppTest, lang: str) -> list[str]:
    """What a person should not see on this page, one line each."""
    found = []
    for where, text in seen(at):
        keys = [k for k in _KEY_LIKE.findall(text) if k in KEYS]
        if keys:
            found.append(f"raw catalogue key {keys} in {where}: {text[:120]!r}")
        words = set(_WORD.findall(text))
        snake = sorted(words & SNAKE_CODES)
        if snake:
            found.append(f"raw code {snake} in {where}: {text[:120]!r}")
        elif text.strip() in RAW_CODES and not _is_typed_value(where):
            found.append(f"raw code {text.strip()!r} in {where}")
        if text.strip() in {"None", "nan", "NaT", "<NA>"} and not _is_typed_value(where):
            found.append(f"an empty value written as {text.strip()!r} in {where}")
        if where in {"table.moment", "date_input.format"}:
            found.append(f"a date not written in the user's language: {where} {text!r}")
        elif ISO_MOMENT.search(text) and not _is_typed_value(where):
            found.append(f"a date written as ISO / UTC in {where}: {text[:80]!r}")
        if where.endswith(".anchor"):
            found.append(f"a heading link (an extra tab stop, 'Link to heading') on {where}")
        if lang == "nb" and where == "chart.months" and text != "januar":
            found.append(f"a chart writes months in English ({text})")
        if lang == "nb":
            english = [s for s in STREAMLIT_DEFAULTS if s in text]
            if english:
                found.append(f"Streamlit's English {english} in {where}")
    return sorted(set(found))


# --- the demo office and the matrix -------------------------------------------------


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory, sqlite_template) -> Iterator[dict]:
    """A demo database (300 applicants) with one staff account per role, served to
    every AppTest of this module; and one id of each kind for the detail pages."""
    import shutil

    from recruitment.demo import service as demo

    folder = tmp_path_factory.mktemp("every_page")
    path = folder / "verve.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    demo.generate(sessions, applicants=300, seed=1)
    with sessions.begin() as session:
        staff = {}
        for role in ROLES:
            user = models.StaffUser(
                username=f"matrix-{role}", role=role, full_name=f"Matrix {role}"
            )
            session.add(user)
            session.flush()
            staff[role] = Actor(user.id, user.username, role, user.full_name)
        ids = {
            "applicant": session.scalar(select(Applicant.id).order_by(Applicant.id)),
            "meeting": session.scalar(select(InfoMeeting.id).order_by(InfoMeeting.id)),
            "service-user": session.scalar(select(ServiceUser.id).order_by(ServiceUser.id)),
        }
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        yield {"staff": staff, "ids": ids}


def _cases():
    for lang in LANGUAGES:
        for spec in PUBLIC_PAGES:
            yield pytest.param(None, lang, spec, id=f"visitor-{lang}-{spec.url_path}")
        for role in ROLES:
            for spec in STAFF_PAGES:
                if spec.permission is None or allowed(Actor(0, role, role), spec.permission):
                    yield pytest.param(role, lang, spec, id=f"{role}-{lang}-{spec.url_path}")


def open_through_the_shell(demo_office, role: str | None, lang: str, spec) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    if role is not None:
        logged_in(at, demo_office["staff"][role])
    at.run()
    assert not at.exception, at.exception
    if spec.url_path in demo_office["ids"]:
        at.query_params["id"] = str(demo_office["ids"][spec.url_path])
    at.switch_page(spec.path).run()
    return at


@pytest.mark.parametrize(("role", "lang", "spec"), list(_cases()))
def test_every_page_reads_well_for_every_role_in_both_languages(demo_office, role, lang, spec):
    at = open_through_the_shell(demo_office, role, lang, spec)
    assert not at.exception, [e.value for e in at.exception]
    titles = [t.value for t in at.title]
    assert titles, f"{spec.path} shows no title"
    assert not problems(at, lang), "\n".join(problems(at, lang))


def test_the_checks_find_what_they_are_for():
    """The matrix can fail: each kind of defect it looks for is recognised."""

    class Fake:
        def __init__(self, texts):
            self.texts = texts

    import tests.dashboard.test_every_page as me

    original = me.seen
    try:
        me.seen = lambda at: at.texts
        assert problems(Fake([("markdown.body", "analytics.nav_funnel")]), "en")
        assert problems(Fake([("table.cell", "in_person")]), "en")
        assert problems(Fake([("table.cell", "waiting")]), "en")
        assert problems(Fake([("selectbox.placeholder", "Choose an option")]), "nb")
        assert not problems(Fake([("selectbox.placeholder", "Choose an option")]), "en")
        assert not problems(Fake([("markdown.body", "Digitalt eller fysisk")]), "nb")
        assert problems(Fake([("chart.months", "January")]), "nb")
        assert problems(Fake([("markdown.body", "Sendt 2026-11-23 11:00:00+00:00")]), "nb")
        assert problems(Fake([("table.moment", "2026-11-23 11:00:00+00:00")]), "en")
        assert problems(Fake([("title.anchor", "Link to heading")]), "en")
        assert problems(Fake([("table.cell", "None")]), "en")
        assert not problems(Fake([("chart.months", "januar")]), "nb")
    finally:
        me.seen = original


def test_the_page_list_is_whole():
    """Every page file under dashboard/ is declared, so the matrix opens all of them."""
    root = Path(APP).parent
    declared = {spec.path for spec in (*PUBLIC_PAGES, *STAFF_PAGES)} | {"accounts/first_run.py"}
    helpers = {
        "data.py",
        "widgets.py",
        "fields.py",
        "applicant_panels.py",
        "applicant_form.py",
        "forecast_charts.py",
        "forecast_data.py",
        "public_address.py",
    }
    files = {
        str(path.relative_to(root))
        for path in root.glob("*/*.py")
        # dashboard/web/ holds the HTTP routes and middleware of `verve serve`, not pages.
        if path.name != "__init__.py" and path.name not in helpers and path.parent.name != "web"
    }
    assert files == declared
