"""The translation catalogue: Norwegian bokmål (default) and English.

Messages live in `recruitment/locales/<area>.toml`, one table per message with an
`nb` and an `en` value; the key of a message is `<area>.<name>`. The UI, e-mails and
domain errors all look their text up here, so nothing user-facing is hard-coded.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
LOCALES = Path(__file__).resolve().parents[1] / "locales"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message: key -> {language: text}."""
    messages: dict[str, dict[str, str]] = {}
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

    An unknown key returns the key itself, so a missing text is visible rather than
    fatal; the catalogue test keeps that from ever shipping.
    """
    texts = catalogue().get(key)
    if texts is None:
        return key
    text = texts.get(language(lang)) or texts.get(DEFAULT_LANGUAGE, key)
    return text.format(**params) if params else text
