import ast
import pathlib
import re
import string

import pytest

from db.models import Role, Stage
from recruitment.core import vocabulary
from recruitment.core.i18n import LANGUAGES, catalogue, t
from recruitment.core.pipeline import EXIT_REASONS, REOPEN_REASON
from recruitment.core.timefmt import BABEL_LOCALES, babel_locale

ROOT = pathlib.Path(__file__).resolve().parents[2]
KEYS = sorted(catalogue())
PLURALS = sorted(
    key for key in KEYS if any(isinstance(text, dict) for text in catalogue()[key].values())
)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _forms(text: str | dict[str, str]) -> dict[str, str]:
    """A message's texts in one language: its plural forms, or its one text."""
    return text if isinstance(text, dict) else {"": text}


@pytest.mark.parametrize("key", KEYS)
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key):
    texts = catalogue()[key]
    assert set(texts) == set(LANGUAGES), f"{key} has languages {sorted(texts)}"
    forms = [text for lang in LANGUAGES for text in _forms(texts[lang]).values()]
    assert all(isinstance(text, str) and text.strip() for text in forms), f"{key} has an empty text"
    assert len({frozenset(_fields(text)) for text in forms}) == 1, (
        f"{key}: every language and plural form needs the same placeholders"
    )


def test_every_language_has_a_babel_locale():
    assert set(BABEL_LOCALES) == set(LANGUAGES)


def test_some_messages_have_plural_forms():
    assert len(PLURALS) >= 20


@pytest.mark.parametrize("key", PLURALS)
def test_a_plural_message_has_each_languages_plural_categories_and_a_count(key):
    texts = catalogue()[key]
    assert all(isinstance(texts[lang], dict) for lang in LANGUAGES), f"{key}: plural in one only"
    for lang in LANGUAGES:
        categories = set(babel_locale(lang).plural_form.tags) | {"other"}
        assert set(texts[lang]) == categories, f"{key} [{lang}] has {sorted(texts[lang])}"
        assert all("count" in _fields(text) for text in texts[lang].values()), key
    assert len({frozenset(texts[lang]) for lang in LANGUAGES}) == 1, key


@pytest.mark.parametrize(
    "lang, count, expected",
    [
        ("nb", 0, "0 ledige plasser"),
        ("nb", 1, "1 ledig plass"),
        ("nb", 2, "2 ledige plasser"),
        ("nb", 1234, "1\u00a0234 ledige plasser"),
        ("en", 0, "0 seats left"),
        ("en", 1, "1 seat left"),
        ("en", 2, "2 seats left"),
        ("en", 1234, "1,234 seats left"),
    ],
)
def test_the_count_picks_the_plural_form_by_the_languages_rule(lang, count, expected):
    assert t("signup.seats_left", lang, count=count) == expected


def test_one_reads_in_the_singular_where_people_saw_the_plural():
    assert t("checks.missing", "en", count=1) == "1 required check is missing."
    assert t("checks.missing", "nb", count=1) == "1 påkrevd kontroll mangler."
    assert t("casework.applicants_count", "nb", count=1, page=1, pages=1).startswith("1 søker ")


def _calls_of_t(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name == "t" and node.args and isinstance(node.args[0], ast.Constant):
                yield node


def test_every_call_of_a_plural_message_gives_the_count():
    # A plural message called without `count` would always read in the plural ("1 søkere").
    plurals, missing = set(PLURALS), []
    for folder in ("dashboard", "recruitment"):
        for path in (ROOT / folder).rglob("*.py"):
            for call in _calls_of_t(ast.parse(path.read_text(encoding="utf-8"))):
                if call.args[0].value in plurals and "count" not in {k.arg for k in call.keywords}:
                    missing.append(f"{path.relative_to(ROOT)}:{call.lineno} {call.args[0].value}")
    assert not missing, missing


def test_every_stage_role_and_reason_has_a_label():
    keys = set(KEYS)
    assert {f"stages.{s.value}" for s in Stage} <= keys
    assert {f"roles.{r.value}" for r in Role} <= keys
    reasons = {code for codes in EXIT_REASONS.values() for code in codes} | {REOPEN_REASON}
    assert {f"reasons.{code}" for code in reasons} <= keys


@pytest.mark.parametrize(
    "prefix, codes",
    [
        ("interest", vocabulary.INTERESTS),
        ("target_group", vocabulary.TARGET_GROUPS),
        ("availability", vocabulary.AVAILABILITY),
        ("language", vocabulary.LANGUAGES),
        ("source", vocabulary.SOURCES),
        ("age_group", vocabulary.AGE_GROUPS),
    ],
)
def test_every_vocabulary_code_has_a_label(prefix, codes):
    assert {f"vocab.{prefix}_{code}" for code in codes} <= set(KEYS)


def test_bokmal_is_the_default_and_unknown_languages_fall_back_to_it():
    assert t("stages.placed") == "I oppdrag"
    assert t("stages.placed", "en") == "Placed"
    assert t("stages.placed", "xx") == "I oppdrag"


def test_placeholders_are_filled():
    assert (
        t("validation.too_long", "en", max=100) == "The text is too long (at most 100 characters)."
    )


def test_the_code_uses_no_key_that_the_catalogue_lacks():
    # Literal keys passed to t(...) anywhere in the code must exist.
    root = ROOT
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""")
    missing = set()
    for folder in ("dashboard", "recruitment"):
        for path in (root / folder).rglob("*.py"):
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                if key not in catalogue():
                    missing.add(f"{path.relative_to(root)}: {key}")
    assert not missing, sorted(missing)
