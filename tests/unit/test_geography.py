import math

import numpy as np
import pytest

from recruitment.core.errors import ValidationFailed
from recruitment.placement import geography
from recruitment.placement.service_users import clean_case_ref


def test_a_postcode_gives_its_place_and_municipality():
    place = geography.lookup("1300")
    assert (place.place, place.municipality) == ("Sandvika", "Bærum")
    assert geography.lookup("0000") is None
    assert geography.lookup(None) is None


def test_oslo_to_bergen_is_about_three_hundred_kilometres():
    assert geography.distance_km("0150", "5003") == pytest.approx(305, abs=10)
    assert geography.distance_km("0150", "0150") == 0
    assert geography.distance_km("0150", "9999") is None


def test_the_vectorised_distance_agrees_with_the_single_one():
    lats, lons = geography.coordinates(["5003", "9008", None])
    oslo = geography.lookup("0150")
    many = geography.distances_km(oslo.lat, oslo.lon, lats, lons)
    assert many[0] == pytest.approx(geography.distance_km("0150", "5003"))
    assert many[1] == pytest.approx(geography.distance_km("0150", "9008"))
    assert math.isnan(many[2]) and np.isnan(many).sum() == 1


@pytest.mark.parametrize(
    "value", ["01019012345", "010190 12345", "SAK 010190-12345", "12345678901"]
)
def test_a_case_reference_shaped_like_a_national_identity_number_is_refused(value):
    with pytest.raises(ValidationFailed) as error:
        clean_case_ref(value)
    assert error.value.fields == {"case_ref": "service_users.error_national_id"}


@pytest.mark.parametrize("value", ["SAK-2024/117", "2024-00123", "1234567890", "123456789012"])
def test_ordinary_case_references_are_accepted(value):
    assert clean_case_ref(value) == value
