"""The page frame's few additions to Streamlit: a stylesheet (visible keyboard focus,
meeting choices spaced on a phone) and a script that puts Streamlit's own English
("Skip to main content", "Open", …) into the user's language, brings the first error
into view after a refused form and, for staff, loads Streamlit's table, chart and form
modules while the browser is idle (so the first page with a table or a chart is not
the one that waits for them). The applicants' form pages instead name their widgets'
modules in the page's head (`module_preload_links`, put in by dashboard/web/middleware.py).

Both are constant files in dashboard/static; the only things filled in are the language
code, one of Verve's own, and file names of Streamlit's modules, read from Streamlit's
own static folder. This is the one place the dashboard hands HTML to
Streamlit (tests/unit/test_no_raw_html.py keeps it that way)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import streamlit as st

from recruitment.core.i18n import LANGUAGES

STATIC = Path(__file__).resolve().parent / "static"
STYLESHEET = STATIC / "verve.css"
SCRIPT = STATIC / "frame.html"


#: A file name of Streamlit's bundle: letters, digits, dots, dashes and underscores.
_FILE_NAME = re.compile(r"[A-Za-z0-9_.-]+\.(js|css)")

#: Streamlit's parts that staff pages draw and that Streamlit loads only when a page first
#: shows one (each is a module of its own, the table and the chart half a second of
#: fetching and compiling on the first page that has one): loaded ahead while the
#: browser is idle, biggest first.
PRELOADED = (
    "DataFrame",
    "ArrowVegaLiteChart",
    "Multiselect",
    "Selectbox",
    "DateInput",
    "TextInput",
    "TextArea",
    "NumberInput",
    "Checkbox",
    "Radio",
    "ButtonGroup",
    "DownloadButton",
    "TimeInput",  # a new meeting's time
    "Slider",  # the combined meeting's reminder settings
    "FileUploader",  # the import
    "remark-emoji",  # markdown with a :shortcode: (the applicant page)
    # st.code (the HTML of a mail template): 1.5 MB, last, so it never holds up the rest.
    "StreamlitSyntaxHighlighter",
)


@cache
def preloaded_modules() -> tuple[str, ...]:
    """The file names (`DataFrame.<hash>.js`, ...) of `PRELOADED` in this Streamlit's
    bundle, and their stylesheets (`DataFrame.<hash>.css`, which Streamlit waits for
    before it draws the first table); a name this version lacks is left out."""
    static = Path(st.__file__).parent / "static" / "static"
    found = []
    for stem in PRELOADED:
        for folder, suffix in (("js", ".js"), ("css", ".css")):
            names = sorted(path.name for path in (static / folder).glob(f"{stem}.*{suffix}"))
            name = next((n for n in names if n.count(".") == 2 and _FILE_NAME.fullmatch(n)), None)
            if name:
                found.append(name)
    return tuple(found)


#: Streamlit's form widgets on the applicants' form pages (the sign-up and My page):
#: without a hint the browser asks for them only once the page's first answer arrives and
#: draws them, a chain of about 35 small modules (0.3-0.5 s on a phone's first visit).
FORM_MODULES = (
    "Selectbox",
    "Radio",
    "TextInput",
    "Multiselect",
    "TextArea",
    "Checkbox",
    "ButtonGroup",
    "PageLink",
    # The frame's own st.html on every page (and DOMPurify, which it imports): asked for
    # only after the first answer, too.
    "Html",
)

_STATIC_IMPORT = re.compile(r'(?:from|import)\s*"\./([A-Za-z0-9_.-]+\.js)"')


@cache
def module_preload_links(stems: tuple[str, ...] = FORM_MODULES) -> bytes:
    """`<link rel="modulepreload">` elements for the modules `stems` of Streamlit's bundle
    and every module they import, but those its index.html already names: put into the
    page's head, the browser fetches and compiles them while the page connects and its
    script runs, instead of one after another when the first widget is drawn."""
    static = Path(st.__file__).parent / "static"
    folder = static / "static" / "js"
    index = (static / "index.html").read_text(encoding="utf-8")
    named = set(re.findall(r"\./static/js/([A-Za-z0-9_.-]+\.js)", index))
    wanted: list[str] = []
    for stem in stems:
        names = sorted(p.name for p in folder.glob(f"{stem}.*.js") if p.name.count(".") == 2)
        wanted.extend(names[:1])
    found: list[str] = []
    while wanted:
        name = wanted.pop(0)
        if name in named or name in found or not (folder / name).is_file():
            continue
        found.append(name)
        wanted.extend(_STATIC_IMPORT.findall((folder / name).read_text(encoding="utf-8")))
    return "".join(
        f'<link rel="modulepreload" crossorigin href="./static/js/{name}">' for name in found
    ).encode()


def frame_html(language: str, *, preload_modules: bool = False) -> str:
    """The frame's script element for `language` (constant but for the language code and,
    with `preload_modules`, the file names of the modules to load ahead)."""
    if language not in LANGUAGES:
        raise ValueError(f"not one of Verve's languages: {language!r}")
    preload = " ".join(preloaded_modules()) if preload_modules else ""
    fill = {"__LANG__": language, "__PRELOAD__": preload}
    return re.sub("__LANG__|__PRELOAD__", lambda match: fill[match[0]], SCRIPT.read_text("utf-8"))


def frame(language: str, *, preload_modules: bool = False) -> None:
    """Draw the stylesheet and the frame script for `language` (call once per run).
    Staff pass `preload_modules`: an applicant on a phone never loads more than the page
    needs."""
    script = frame_html(language, preload_modules=preload_modules)
    st.html(STYLESHEET)
    st.html(script, unsafe_allow_javascript=True)
