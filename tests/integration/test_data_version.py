"""The analytics cache key: a sign-up (from any process) gives a new data version."""

from recruitment.analytics.data_version import data_version


def test_a_new_sign_up_changes_the_data_version(session_factory, manager, make_applicant):
    with session_factory() as session:
        before = data_version(session=session, actor=manager)
    make_applicant()
    with session_factory() as session:
        after = data_version(session=session, actor=manager)
        assert data_version(session=session, actor=manager) == after
    assert after != before
