"""Norwegian postcodes: the place, municipality and coordinates of each
(`data/postcodes_no.csv`, GeoNames' export for Norway, CC BY 4.0; docs/geography.md
says how it was made). An applicant's and a service user's area is the municipality of
their postcode; distances are in `recruitment.placement.geography`."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data" / "postcodes_no.csv"


@dataclass(frozen=True, slots=True)
class Place:
    postcode: str
    place: str
    municipality: str
    county: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def postcode_table() -> dict[str, Place]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return {
            row["postcode"]: Place(
                postcode=row["postcode"],
                place=row["place"],
                municipality=row["municipality"],
                county=row["county"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(handle)
        }


def lookup(postcode: str | None) -> Place | None:
    """The place a postcode belongs to, or None for an unknown or empty postcode."""
    if not postcode:
        return None
    return postcode_table().get(str(postcode).strip())


def municipality(postcode: str | None) -> str | None:
    place = lookup(postcode)
    return place.municipality if place else None


def area_for(postcode: str | None) -> str | None:
    """The area of a postcode as lists and analytics group by it: its municipality."""
    return municipality(postcode)


def set_postcode(person: Any, postcode: str | None) -> None:
    """Give `person` (an applicant) this postcode and the area that follows from it; an
    unknown postcode keeps an area given by hand only while the postcode is unchanged."""
    derived = area_for(postcode)
    if derived is not None:
        person.area = derived
    elif postcode != person.postcode:
        person.area = None
    person.postcode = postcode
