import pytest

from recruitment.accounts.office_settings import change_setting
from recruitment.core.errors import PermissionDenied, ValidationFailed
from recruitment.core.settings import DEFAULTS, all_settings, get_setting


def test_unset_settings_fall_back_to_the_defaults(session):
    assert all_settings(session) == DEFAULTS


def test_an_admin_changes_a_setting_and_everyone_reads_the_new_value(session, admin):
    change_setting(session=session, actor=admin, key="stuck_after_days", value=30)
    session.commit()
    assert get_setting(session, "stuck_after_days") == 30
    assert all_settings(session)["stuck_after_days"] == 30


@pytest.mark.parametrize("value", [-1, "30", True, 2.5])
def test_a_setting_of_the_wrong_type_is_refused(session, admin, value):
    with pytest.raises(ValidationFailed):
        change_setting(session=session, actor=admin, key="stuck_after_days", value=value)


def test_a_coordinator_cannot_change_settings(session, coordinator):
    with pytest.raises(PermissionDenied):
        change_setting(session=session, actor=coordinator, key="stuck_after_days", value=3)


def test_an_unknown_time_zone_is_refused_and_a_real_one_kept(session, admin):
    with pytest.raises(ValidationFailed):
        change_setting(session=session, actor=admin, key="time_zone", value="Mars/Olympus")
    change_setting(session=session, actor=admin, key="time_zone", value="Europe/Copenhagen")
    assert get_setting(session, "time_zone") == "Europe/Copenhagen"
