import pytest

from db.models import Stage
from recruitment.core.pipeline import EXITS, FUNNEL, allowed_moves, is_allowed, needs_reason

OPEN = list(FUNNEL)
ALL = list(Stage)

# The complete table of legal moves; every pair not listed here must be refused.
LEGAL = {
    (Stage.SIGNED_UP, Stage.MEETING_BOOKED),
    (Stage.MEETING_BOOKED, Stage.MEETING_ATTENDED),
    (Stage.MEETING_BOOKED, Stage.SIGNED_UP),
    (Stage.MEETING_ATTENDED, Stage.INTERVIEW_SCHEDULED),
    (Stage.INTERVIEW_SCHEDULED, Stage.INTERVIEWED),
    (Stage.INTERVIEW_SCHEDULED, Stage.MEETING_ATTENDED),
    (Stage.INTERVIEWED, Stage.APPROVED),
    (Stage.APPROVED, Stage.PLACED),
    (Stage.PLACED, Stage.APPROVED),
    *((stage, exit_) for stage in OPEN for exit_ in EXITS),
    *((exit_, Stage.SIGNED_UP) for exit_ in EXITS),
}


@pytest.mark.parametrize("from_stage", ALL)
@pytest.mark.parametrize("to_stage", ALL)
def test_every_pair_of_stages_is_allowed_exactly_when_the_table_says_so(from_stage, to_stage):
    assert is_allowed(from_stage, to_stage) == ((from_stage, to_stage) in LEGAL)


def test_the_funnel_has_the_seven_canonical_stages_in_order():
    assert [s.value for s in FUNNEL] == [
        "signed_up",
        "meeting_booked",
        "meeting_attended",
        "interview_scheduled",
        "interviewed",
        "approved",
        "placed",
    ]


def test_an_exit_cannot_lead_to_the_other_exit_or_skip_ahead():
    assert allowed_moves(Stage.WITHDRAWN) == {Stage.SIGNED_UP}
    assert not is_allowed(Stage.REJECTED, Stage.APPROVED)


def test_leaving_and_coming_back_need_a_reason_but_ordinary_steps_do_not():
    assert needs_reason(Stage.INTERVIEWED, Stage.REJECTED)
    assert needs_reason(Stage.WITHDRAWN, Stage.SIGNED_UP)
    assert not needs_reason(Stage.SIGNED_UP, Stage.MEETING_BOOKED)
