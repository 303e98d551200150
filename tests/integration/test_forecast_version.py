"""The forecast's cache key (`forecast_version`): writes that cannot change the forecast
keep it, so the Forecast page keeps its estimates; writes that can, change it."""

from __future__ import annotations

from recruitment.analytics.data_version import forecast_version
from recruitment.analytics.forecast import scenarios
from recruitment.analytics.forecast.model import Levers
from recruitment.casework import journal
from recruitment.casework.stage_moves import advance_stage
from recruitment.placement import service_users

USER = {
    "case_ref": "SAK-2026/001",
    "age_group": "youth",
    "postcode": "1606",
    "interests": ["music"],
    "hours_per_month": 8,
}


def _version(session_factory, actor) -> tuple:
    with session_factory() as session:
        return forecast_version(session=session, actor=actor)


def test_a_saved_scenario_or_a_note_keeps_the_forecast_version(
    session_factory, manager, coordinator, make_applicant
):
    applicant = make_applicant()
    before = _version(session_factory, manager)
    with session_factory.begin() as session:
        scenarios.save_scenario(
            session=session, actor=manager, name="Vår", levers=Levers(meetings_per_month=8)
        )
        journal.add_entry(
            session=session, actor=coordinator, applicant_id=applicant, channel="note", body="Ringt"
        )
    assert _version(session_factory, manager) == before


def test_a_stage_change_a_new_or_edited_service_user_change_the_forecast_version(
    session_factory, manager, coordinator, make_applicant
):
    applicant = make_applicant()
    seen = [_version(session_factory, manager)]
    with session_factory.begin() as session:
        advance_stage(
            session=session,
            actor=coordinator,
            applicant_id=applicant,
            to_stage="withdrawn",
            reason_code="other",
            reason_text="Flyttet",
        )
    seen.append(_version(session_factory, manager))
    with session_factory.begin() as session:
        user = service_users.create_service_user(session=session, actor=coordinator, **USER)
    seen.append(_version(session_factory, manager))
    with session_factory.begin() as session:
        service_users.update_service_user(
            session=session,
            actor=coordinator,
            service_user_id=user,
            **{**USER, "hours_per_month": 12},
        )
    seen.append(_version(session_factory, manager))
    assert len(set(seen)) == len(seen), seen
