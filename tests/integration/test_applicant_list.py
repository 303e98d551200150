from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from db.models import Applicant, AuditEvent, Registration
from recruitment.accounts.office_settings import change_setting
from recruitment.casework import applicant_list
from recruitment.casework.applicant_list import (
    FULL_COLUMNS,
    LIST_COLUMNS,
    UNASSIGNED,
    ApplicantFilters,
    applicant_page,
    count_applicants,
    export_applicants,
    filter_choices,
    stage_counts,
)
from recruitment.casework.stage_moves import advance_stage
from recruitment.core.errors import PermissionDenied
from tests.stages import step_to

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _names(session, actor, **filters):
    frame, total = applicant_page(
        session=session, actor=actor, filters=ApplicantFilters(**filters), page_size=500, now=NOW
    )
    assert total == len(frame)
    return sorted(frame["name"])


@pytest.fixture
def register(make_applicant, make_staff, make_meeting, session_factory, coordinator):
    """A small register with one applicant standing out on each filter."""
    other = make_staff("coordinator", full_name="Per Pettersen")
    meeting = make_meeting()
    ids = {
        "plain": make_applicant(
            first_name="Anne", last_name="Aas", signed_up_at=NOW - timedelta(days=2)
        ),
        "mine": make_applicant(
            first_name="Bjørn",
            last_name="Berg",
            coordinator_id=coordinator.id,
            signed_up_at=NOW - timedelta(days=1),
        ),
        "others": make_applicant(
            first_name="Cecilie",
            last_name="Dahl",
            coordinator_id=other.id,
            signed_up_at=NOW - timedelta(days=1),
        ),
        "oslo": make_applicant(
            first_name="Daniel", last_name="Eng", area="Oslo", signed_up_at=NOW - timedelta(days=1)
        ),
        "friend": make_applicant(
            first_name="Eva",
            last_name="Fjell",
            source="friend",
            signed_up_at=NOW - timedelta(days=1),
        ),
        "callback": make_applicant(
            first_name="Finn",
            last_name="Gran",
            callback_requested=True,
            signed_up_at=NOW - timedelta(days=1),
        ),
        "stuck": make_applicant(
            first_name="Gro", last_name="Hauge", signed_up_at=NOW - timedelta(days=40)
        ),
        "booked": make_applicant(
            first_name="Hans",
            last_name="Ims",
            email="Hans.Ims@Example.no",
            phone="+4798765432",
            signed_up_at=NOW - timedelta(days=1),
        ),
    }
    with session_factory.begin() as s:
        step_to(
            session=s,
            by_id=coordinator.id,
            applicant_id=ids["booked"],
            to_stage="meeting_booked",
            at=NOW - timedelta(hours=1),
        )
        s.add(
            Registration(
                applicant_id=ids["booked"], meeting_id=meeting, status="registered", ics_uid="uid-1"
            )
        )
    return {"ids": ids, "other": other, "meeting": meeting}


def test_no_filter_lists_everyone_by_name(session, coordinator, register):
    assert _names(session, coordinator) == [
        "Anne Aas",
        "Bjørn Berg",
        "Cecilie Dahl",
        "Daniel Eng",
        "Eva Fjell",
        "Finn Gran",
        "Gro Hauge",
        "Hans Ims",
    ]


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"stage": "meeting_booked"}, ["Hans Ims"]),
        ({"area": "Oslo"}, ["Daniel Eng"]),
        ({"source": "friend"}, ["Eva Fjell"]),
        ({"callback_requested": True}, ["Finn Gran"]),
        ({"stuck": True}, ["Gro Hauge"]),
        ({"search": "hauge"}, ["Gro Hauge"]),
        ({"search": "GRO HAU"}, ["Gro Hauge"]),
        ({"search": "hans.ims@example"}, ["Hans Ims"]),
        ({"search": "987 65 432"}, ["Hans Ims"]),
        ({"search": "100%"}, []),
    ],
)
def test_each_filter_alone_narrows_the_list(session, coordinator, register, filters, expected):
    assert _names(session, coordinator, **filters) == expected


def test_the_coordinator_filter_finds_mine_and_the_unassigned(session, coordinator, register):
    assert _names(session, coordinator, coordinator_id=coordinator.id) == ["Bjørn Berg"]
    assert _names(session, coordinator, coordinator_id=register["other"].id) == ["Cecilie Dahl"]
    assert "Bjørn Berg" not in _names(session, coordinator, coordinator_id=UNASSIGNED)
    assert len(_names(session, coordinator, coordinator_id=UNASSIGNED)) == 6


def test_the_meeting_filter_finds_who_is_registered(session, coordinator, register):
    assert _names(session, coordinator, meeting_id=register["meeting"]) == ["Hans Ims"]


def test_filters_combine_with_and(session, coordinator, register):
    assert _names(session, coordinator, area="Fredrikstad", search="berg") == ["Bjørn Berg"]
    assert _names(session, coordinator, area="Oslo", search="berg") == []
    assert _names(session, coordinator, source="website", callback_requested=True) == ["Finn Gran"]
    assert _names(session, coordinator, area="Oslo", source="friend") == []
    assert _names(session, coordinator, stuck=True, search="gro", coordinator_id=UNASSIGNED) == [
        "Gro Hauge"
    ]


def test_stuck_follows_the_admins_setting(session, coordinator, admin, register, session_factory):
    with session_factory.begin() as s:
        change_setting(session=s, actor=admin, key="stuck_after_days", value=1)
    assert "Anne Aas" in _names(session, coordinator, stuck=True)
    assert "Hans Ims" not in _names(session, coordinator, stuck=True)


def test_placed_and_exited_applicants_are_never_stuck(
    session, coordinator, make_applicant, session_factory
):
    gone = make_applicant(first_name="Ida", last_name="Juv", signed_up_at=NOW - timedelta(days=90))
    with session_factory.begin() as s:
        advance_stage(
            session=s,
            actor=coordinator,
            applicant_id=gone,
            to_stage="withdrawn",
            reason_code="moved",
            at=NOW - timedelta(days=80),
        )
    assert _names(session, coordinator, stuck=True) == []


def test_pages_split_the_list_and_the_total_counts_everyone(session, coordinator, make_applicant):
    for i in range(23):
        make_applicant(first_name="P", last_name=f"Person{i:02d}")
    filters = ApplicantFilters(search="person")
    first, total = applicant_page(
        session=session, actor=coordinator, filters=filters, page=1, page_size=10
    )
    third, total_again = applicant_page(
        session=session, actor=coordinator, filters=filters, page=3, page_size=10
    )
    assert (total, total_again) == (23, 23)
    assert len(first) == 10 and len(third) == 3
    assert first["name"].iloc[0] == "P Person00" and third["name"].iloc[-1] == "P Person22"
    assert count_applicants(session=session, actor=coordinator, filters=filters) == 23


def test_a_manager_sees_names_and_stages_but_no_contact_details(
    session, manager, coordinator, register
):
    frame, _ = applicant_page(session=session, actor=manager, filters=ApplicantFilters())
    assert list(frame.columns) == list(LIST_COLUMNS)
    frame, _ = applicant_page(session=session, actor=coordinator, filters=ApplicantFilters())
    assert list(frame.columns) == list(FULL_COLUMNS)
    assert "Hans.Ims@Example.no" in set(frame["email"])


def test_a_manager_cannot_export_personal_data(session, manager, register):
    with pytest.raises(PermissionDenied):
        export_applicants(session=session, actor=manager, filters=ApplicantFilters(), fmt="csv")


def test_stage_counts_cover_every_stage(session, manager, register):
    counts = stage_counts(session=session, actor=manager).set_index("stage")["count"]
    assert counts["signed_up"] == 7 and counts["meeting_booked"] == 1 and counts["placed"] == 0
    assert len(counts) == 9


def test_an_anonymised_applicant_leaves_the_list(
    session, coordinator, make_applicant, session_factory
):
    gone = make_applicant(first_name="Kim", last_name="Lie")
    with session_factory.begin() as s:
        s.get(Applicant, gone).anonymised_at = NOW
    assert _names(session, coordinator) == []


def test_exporting_the_filtered_list_gives_csv_and_excel_and_is_audited(
    session_factory, coordinator, register
):
    with session_factory.begin() as s:
        csv_bytes = export_applicants(
            session=s, actor=coordinator, filters=ApplicantFilters(area="Oslo"), fmt="csv"
        )
        xlsx_bytes = export_applicants(
            session=s, actor=coordinator, filters=ApplicantFilters(), fmt="xlsx"
        )
    text = csv_bytes.decode("utf-8-sig")
    assert "Daniel" in text and "Anne" not in text
    assert xlsx_bytes[:2] == b"PK"
    with session_factory() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.detail["rows"] for e in events] == [1, 8]


def test_an_export_narrowed_by_stage_alone_needs_no_id_list(session_factory, coordinator, register):
    with session_factory.begin() as s:
        data = export_applicants(
            session=s,
            actor=coordinator,
            filters=ApplicantFilters(stage="meeting_booked"),
            fmt="csv",
            lang="en",
        )
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "hans.ims@example.no" in lines[1].lower()


def test_search_ignores_case_in_norwegian_letters_too(session, coordinator, make_applicant):
    make_applicant(first_name="Øyvind", last_name="Ås")
    make_applicant(first_name="Ærlig", last_name="Éclair")
    assert _names(session, coordinator, search="øyvind ås") == ["Øyvind Ås"]
    assert _names(session, coordinator, search="ÆRLIG") == ["Ærlig Éclair"]
    assert _names(session, coordinator, search="éclair") == ["Ærlig Éclair"]


def test_a_number_searches_phones_only_and_two_digits_find_nobody(
    session, coordinator, make_applicant
):
    make_applicant(
        first_name="Ola", last_name="Nr1", email="ola1980@example.no", phone="+4791234567"
    )
    make_applicant(first_name="Kari", last_name="Nr2", email="kari@example.no", phone="+4790000000")
    assert _names(session, coordinator, search="1980") == []
    assert _names(session, coordinator, search="+47 912") == ["Ola Nr1"]
    assert _names(session, coordinator, search="12") == []


def test_stuck_applicants_come_longest_waiting_first(session, coordinator, make_applicant):
    make_applicant(first_name="Aa", last_name="Recent", signed_up_at=NOW - timedelta(days=30))
    make_applicant(first_name="Zz", last_name="Oldest", signed_up_at=NOW - timedelta(days=90))
    frame, _ = applicant_page(
        session=session, actor=coordinator, filters=ApplicantFilters(stuck=True), now=NOW
    )
    assert list(frame["name"]) == ["Zz Oldest", "Aa Recent"]


def test_a_short_list_is_sorted_in_the_order_a_long_one_walks(
    session, coordinator, make_applicant, monkeypatch
):
    """At most SORT_BELOW matches are sorted (`name || ''`) instead of read along the name
    index; the database must put them in the same order, page by page, whatever the case
    and the Norwegian letters."""
    for first, last in [
        ("Åse", "Ødegård"),
        ("åse", "ødegård"),
        ("Bjørn", "aas"),
        ("Anne", "Aas"),
        ("Anne", "Aas"),
        ("Zara", "Berg"),
        ("Ærlig", "Berg"),
        ("Ola", "Æsen"),
        ("Ola", "berg"),
        ("Per", "Ås"),
    ]:
        make_applicant(first_name=first, last_name=last, coordinator_id=coordinator.id)
    filters = ApplicantFilters(coordinator_id=coordinator.id, open_only=True)

    def pages() -> list[list[int]]:
        return [
            list(
                applicant_page(
                    session=session, actor=coordinator, filters=filters, page=p, page_size=4
                )[0]["id"]
            )
            for p in (1, 2, 3)
        ]

    sorted_pages = pages()
    monkeypatch.setattr(applicant_list, "SORT_BELOW", 0)
    assert pages() == sorted_pages
    assert sum(len(p) for p in sorted_pages) == 10


#: SQLite's statistics of the bench's register of 100,000 applicants (ANALYZE), so the
#: planner weighs a test's few rows as it weighs a real register.
REGISTER_STATS = {
    "ix_applicant_coordinator_stage_changed_live": "100000 14286 1755 1 1",
    "ix_applicant_stage_changed_live": "100000 11112 2 2",
    "ix_applicant_stage_changed": "100000 11112 2",
    "ix_applicant_stage_phone_created": "100000 11112 5556 1 1 1",
    "ix_applicant_source": "100000 10000",
    "ix_applicant_last_name": "100000 991 6",
    "ix_applicant_callback_requested": "100000 50000",
    "ix_applicant_area": "100000 11112",
}


def _sqlite_plan(session, query) -> str:
    """EXPLAIN QUERY PLAN of `query` with its values bound, as the page runs it."""
    compiled = query.compile(session.get_bind(), compile_kwargs={"render_postcompile": True})
    values = compiled.construct_params()
    cursor = session.connection().connection.driver_connection.cursor()
    rows = cursor.execute(
        f"EXPLAIN QUERY PLAN {compiled}", [values[name] for name in compiled.positiontup]
    ).fetchall()
    return str(rows)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_short_list_is_found_by_its_filters_index_not_read_in_name_order(session, coordinator):
    """A coordinator's few call-backs (the start page's query): SQLite chose to read the
    whole register in name order to find them (0.3 s at 100,000 applicants); sorted, the
    coordinator's index finds them. PostgreSQL's planner already sorts few rows."""
    session.execute(text("ANALYZE"))
    session.execute(text("DELETE FROM sqlite_stat1"))
    for index, stat in REGISTER_STATS.items():
        session.execute(
            text("INSERT INTO sqlite_stat1 VALUES ('applicant', :index, :stat)"),
            {"index": index, "stat": stat},
        )
    session.execute(text("ANALYZE sqlite_schema"))  # the planner reads the statistics again
    filters = ApplicantFilters(
        coordinator_id=coordinator.id, callback_requested=True, open_only=True
    )

    def plan(few: bool) -> str:
        query = applicant_list.applicant_query(
            session=session, actor=coordinator, filters=filters, few=few
        )
        return _sqlite_plan(session, query.limit(10).offset(0))

    assert "ix_applicant_last_name" in plan(few=False)  # what the page did
    sorted_plan = plan(few=True)
    # The call-backs' index, not the coordinator's thousands of cases (_conditions).
    assert "ix_applicant_callback_requested" in sorted_plan, sorted_plan
    assert "ix_applicant_last_name" not in sorted_plan, sorted_plan


def test_a_coordinators_call_backs_are_theirs_and_still_open(
    session, coordinator, make_staff, make_applicant
):
    """The call-back filter with a coordinator reads the call-backs' index first; the
    answer is still the coordinator's own open call-backs and the count agrees."""
    other = make_staff("coordinator", full_name="Per Pettersen")
    make_applicant(
        first_name="Mine",
        last_name="Waiting",
        coordinator_id=coordinator.id,
        callback_requested=True,
    )
    make_applicant(first_name="Mine", last_name="Quiet", coordinator_id=coordinator.id)
    make_applicant(
        first_name="Theirs", last_name="Waiting", coordinator_id=other.id, callback_requested=True
    )
    make_applicant(first_name="Nobodys", last_name="Waiting", callback_requested=True)
    filters = {"coordinator_id": coordinator.id, "callback_requested": True, "open_only": True}
    assert _names(session, coordinator, **filters) == ["Mine Waiting"]
    assert (
        count_applicants(session=session, actor=coordinator, filters=ApplicantFilters(**filters))
        == 1
    )


def test_the_filters_offer_each_area_and_source_in_use_once_in_order(
    session, coordinator, make_applicant
):
    """Read one index lookup per value (a loose index scan); the answer must be DISTINCT's:
    every value once, in the database's order, no NULL, whatever the case and letters."""
    for area, source in [
        ("Sarpsborg", "friend"),
        ("Råde", "website"),
        ("Rolvsøy", "friend"),
        (None, "nav"),
        ("Sarpsborg", "website"),
        ("råde", "event"),
        ("Ås", "website"),
        (None, "friend"),
    ]:
        make_applicant(area=area, source=source)
    choices = filter_choices(session=session, actor=coordinator)
    areas = session.scalars(
        select(Applicant.area)
        .where(Applicant.area.is_not(None))
        .distinct()
        .order_by(Applicant.area)
    )
    sources = session.scalars(select(Applicant.source).distinct().order_by(Applicant.source))
    assert choices["areas"] == list(areas)
    assert sorted(choices["areas"]) == sorted({"Sarpsborg", "Råde", "Rolvsøy", "råde", "Ås"})
    assert choices["sources"] == list(sources) == ["event", "friend", "nav", "website"]


def test_the_filters_of_an_empty_register_offer_no_area_or_source(session, coordinator):
    choices = filter_choices(session=session, actor=coordinator)
    assert (choices["areas"], choices["sources"]) == ([], [])


def test_the_start_page_lists_at_most_ten_of_mine_call_backs_first_each_person_once(
    session, session_factory, coordinator, make_applicant
):
    long_ago = datetime.now(UTC) - timedelta(days=90)
    mine = {"coordinator_id": coordinator.id}
    both = [
        make_applicant(first_name="Both", callback_requested=True, signed_up_at=long_ago, **mine)
        for _ in range(3)
    ]
    calls = [make_applicant(first_name="Call", callback_requested=True, **mine) for _ in range(4)]
    stuck = [make_applicant(first_name="Stuck", signed_up_at=long_ago, **mine) for _ in range(5)]

    summary = applicant_list.work_summary(session=session, actor=coordinator)
    callback_ids = summary["mine_callback"]["id"].tolist()
    stuck_ids = summary["mine_stuck"]["id"].tolist()
    assert sorted(callback_ids) == sorted(both + calls)
    assert len(callback_ids + stuck_ids) == len(set(callback_ids + stuck_ids)) == 10
    assert set(stuck_ids) < set(stuck)
    assert summary["mine_more"]


def test_the_start_page_shows_a_short_list_whole_with_no_link_to_more(
    session, coordinator, make_applicant
):
    long_ago = datetime.now(UTC) - timedelta(days=90)
    mine = {"coordinator_id": coordinator.id}
    both = make_applicant(callback_requested=True, signed_up_at=long_ago, **mine)
    call = make_applicant(callback_requested=True, **mine)
    stuck = make_applicant(signed_up_at=long_ago, **mine)

    summary = applicant_list.work_summary(session=session, actor=coordinator)
    assert sorted(summary["mine_callback"]["id"]) == sorted([both, call])
    assert summary["mine_stuck"]["id"].tolist() == [stuck]
    assert not summary["mine_more"]
