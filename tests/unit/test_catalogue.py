import re
import string

import pytest

from db.models import Role, Stage
from recruitment.core import vocabulary
from recruitment.core.i18n import LANGUAGES, catalogue, t
from recruitment.core.pipeline import EXIT_REASONS, REOPEN_REASON

KEYS = sorted(catalogue())


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", KEYS)
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key):
    texts = catalogue()[key]
    assert set(texts) == set(LANGUAGES), f"{key} has languages {sorted(texts)}"
    assert all(text.strip() for text in texts.values()), f"{key} has an empty text"
    assert _fields(texts["nb"]) == _fields(texts["en"]), key


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
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_]+)["']""")
    missing = set()
    for folder in ("dashboard", "recruitment"):
        for path in (root / folder).rglob("*.py"):
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                if key not in catalogue():
                    missing.add(f"{path.relative_to(root)}: {key}")
    assert not missing, sorted(missing)
