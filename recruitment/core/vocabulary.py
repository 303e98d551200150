"""The fixed lists people choose from. Codes are stored; labels live in the catalogue
under `vocab.<list>_<code>` so they are translated like everything else."""

from __future__ import annotations

INTERESTS: tuple[str, ...] = (
    "outdoors",
    "sports",
    "music",
    "art_crafts",
    "cooking",
    "games",
    "reading",
    "animals",
    "fishing",
    "cinema_theatre",
    "computers",
    "church_community",
    "cafe_chat",
    "shopping_errands",
)
TARGET_GROUPS: tuple[str, ...] = (
    "children",
    "youth",
    "adults",
    "elderly",
    "disability",
    "mental_health",
)
AVAILABILITY: tuple[str, ...] = ("weekday_daytime", "weekday_evening", "weekend")
LANGUAGES: tuple[str, ...] = (
    "no",
    "en",
    "sv",
    "da",
    "pl",
    "lt",
    "ar",
    "so",
    "ti",
    "fa",
    "ur",
    "uk",
    "ru",
    "es",
    "de",
    "se",  # Northern Sami
    "sign",  # Norwegian sign language
)
SOURCES: tuple[str, ...] = (
    "website",
    "social_media",
    "newspaper",
    "friend",
    "nav",
    "event",
    "school",
    "phone",
    "import",
    "other",
)
AGE_GROUPS: tuple[str, ...] = ("child", "youth", "adult", "elderly")


def age_group_for_birth_year(birth_year: int | None, year: int) -> str | None:
    """The applicant age band used in analytics filters."""
    if birth_year is None:
        return None
    age = year - birth_year
    if age < 26:
        return "18-25"
    if age < 40:
        return "26-39"
    if age < 55:
        return "40-54"
    if age < 67:
        return "55-66"
    return "67+"


APPLICANT_AGE_BANDS: tuple[str, ...] = ("18-25", "26-39", "40-54", "55-66", "67+")
