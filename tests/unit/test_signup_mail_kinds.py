"""Every message the applicant's journey queues has a shipped template in both languages."""

import pytest

from recruitment.messaging.mail import KINDS, template_source

#: The kinds recruitment.journey.booking and recruitment.journey.applicants queue.
JOURNEY_KINDS = [
    "booking_confirmation",
    "waitlisted",
    "booking_cancelled",
    "waitlist_moved_up",
    "rebooked",
    "callback_requested",
]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("kind", JOURNEY_KINDS)
def test_every_journey_message_kind_has_a_template(kind, lang):
    assert kind in KINDS
    assert template_source(kind, lang) is not None
