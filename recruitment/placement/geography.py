"""Norwegian postcodes: place, municipality and coordinates, and distances between them.

The table (`data/postcodes_no.csv`) is GeoNames' postal-code export for Norway
(CC BY 4.0); docs/geography.md says where it comes from and how it was made.
"""

from __future__ import annotations

import math

import numpy as np

# The postcode table itself lives in core: the sign-up derives an applicant's area from it.
from recruitment.core.places import DATA, Place, lookup, municipality, postcode_table

__all__ = ["DATA", "Place", "lookup", "municipality"]

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def distance_km(postcode_a: str | None, postcode_b: str | None) -> float | None:
    """Distance between two postcodes' centres, or None when either is unknown."""
    a, b = lookup(postcode_a), lookup(postcode_b)
    if a is None or b is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def coordinates(postcodes: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes (NaN where unknown) for many postcodes at once."""
    table = postcode_table()
    lat = np.full(len(postcodes), np.nan)
    lon = np.full(len(postcodes), np.nan)
    for i, code in enumerate(postcodes):
        place = table.get(code) if code else None
        if place is not None:
            lat[i], lon[i] = place.lat, place.lon
    return lat, lon


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Haversine distances from one point to many (NaN where a coordinate is unknown)."""
    p1, p2 = np.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))
