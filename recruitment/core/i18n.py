"""The translation catalogue: Norwegian bokmål (default) and English.

Messages live in `recruitment/locales/<area>.toml`, one table per message with an
`nb` and an `en` value; the key of a message is `<area>.<name>`. The UI, e-mails and
domain errors all look their text up here, so nothing user-facing is hard-coded.

A message about a number of things has plural forms instead of one text, keyed by CLDR
plural category: `nb = { one = "{count} søker", other = "{count} søkere" }`. `t(key, lang,
count=n)` picks the form by the language's plural rule (Babel) and writes `count` with the
language's digits ("1 234"). Dates and times given as placeholders are written in short
on the office's clock (`recruitment.core.timefmt`).
"""

from __future__ import annotations

import tomllib
from functools import cache
from numbers import Number
from pathlib import Path

from recruitment.core.timefmt import format_number, format_value, plural_category

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
LOCALES = Path(__file__).resolve().parents[1] / "locales"


#: A message in one language: one text, or a text per plural category.
Text = str | dict[str, str]


@cache
def catalogue() -> dict[str, dict[str, Text]]:
    """Every message: key -> {language: text, or {plural category: text}}."""
    messages: dict[str, dict[str, Text]] = {}
    for path in sorted(LOCALES.glob("*.toml")):
        with path.open("rb") as handle:
            for name, texts in tomllib.load(handle).items():
                messages[f"{path.stem}.{name}"] = texts
    return messages


def language(value: str | None) -> str:
    """A supported language code for `value`, falling back to bokmål."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message `key` in `lang`, with `{placeholders}` filled from `params`.

    For a message with plural forms, `count` chooses the form (without it, "other").
    Dates and datetimes among `params` are written for people in `lang`.
    An unknown key returns the key itself, so a missing text is visible rather than
    fatal; the catalogue test keeps that from ever shipping.
    """
    texts = catalogue().get(key)
    if texts is None:
        return key
    code = language(lang)
    text = texts.get(code) or texts.get(DEFAULT_LANGUAGE, key)
    if isinstance(text, dict):
        count = params.get("count")
        if isinstance(count, Number) and not isinstance(count, bool):
            text = text.get(plural_category(count, code)) or text["other"]
            params = {**params, "count": format_number(count, code)}
        else:
            text = text["other"]
    if not params:
        return text
    return text.format(**{name: format_value(value, code) for name, value in params.items()})
