"""The people: demo staff, the applicants' names and attributes, and when they sign up."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from faker import Faker

from db.models import StaffUser, Stage
from db.search import search_text
from recruitment.core import vocabulary
from recruitment.demo.channels import channels_for, consent_columns
from recruitment.demo.life import Life
from recruitment.demo.world import HISTORY_DAYS, World, weighted

#: Demo staff are recognised by this e-mail domain (a reserved, never-routed TLD), so
#: `force` can remove them again without touching real accounts.
STAFF_EMAIL_DOMAIN = "verve-demo.example"

#: Real postcodes in Østfold with their post town, used as the applicant's `area`.
#: The bigger towns come more than once so they get more people, as in real life.
POSTCODES: tuple[tuple[str, str], ...] = (
    ("1606", "Fredrikstad"),
    ("1607", "Fredrikstad"),
    ("1608", "Fredrikstad"),
    ("1609", "Fredrikstad"),
    ("1610", "Fredrikstad"),
    ("1613", "Fredrikstad"),
    ("1614", "Fredrikstad"),
    ("1615", "Fredrikstad"),
    ("1616", "Fredrikstad"),
    ("1617", "Fredrikstad"),
    ("1618", "Fredrikstad"),
    ("1619", "Fredrikstad"),
    ("1640", "Råde"),
    ("1661", "Rolvsøy"),
    ("1670", "Kråkerøy"),
    ("1680", "Skjærhalden"),
    ("1706", "Sarpsborg"),
    ("1707", "Sarpsborg"),
    ("1708", "Sarpsborg"),
    ("1709", "Sarpsborg"),
    ("1710", "Sarpsborg"),
    ("1711", "Sarpsborg"),
    ("1712", "Sarpsborg"),
    ("1721", "Sarpsborg"),
    ("1722", "Sarpsborg"),
    ("1723", "Sarpsborg"),
    ("1745", "Skjeberg"),
    ("1771", "Halden"),
    ("1772", "Halden"),
    ("1776", "Halden"),
    ("1777", "Halden"),
    ("1778", "Halden"),
    ("1779", "Halden"),
    ("1781", "Halden"),
    ("1782", "Halden"),
    ("1526", "Moss"),
    ("1529", "Moss"),
    ("1530", "Moss"),
    ("1531", "Moss"),
    ("1532", "Moss"),
)

# (username, full name, role); the fourth coordinator is away for two weeks.
STAFF: tuple[tuple[str, str, str], ...] = (
    ("admin.demo", "Astrid Lunde", "admin"),
    ("ingrid.berg", "Ingrid Berg", "coordinator"),
    ("jonas.hansen", "Jonas Hansen", "coordinator"),
    ("fatima.ali", "Fatima Ali", "coordinator"),
    ("per.olsen", "Per Olsen", "coordinator"),
    ("sigrid.moe", "Sigrid Moe", "coordinator"),
    ("tor.eriksen", "Tor Eriksen", "coordinator"),
    ("marte.lie", "Marte Lie", "manager"),
    ("henrik.dahl", "Henrik Dahl", "manager"),
)
AWAY_COORDINATOR = "per.olsen"

#: Every demo staff account logs in with this password (README, "Trying Verve"): the demo
#: is for trying each role. The hash has a fixed salt so the same seed gives the same
#: rows; it is a demo database's password, known to everyone, and nothing else.
DEMO_PASSWORD = "verve-demo-passord"
_DEMO_SALT = b"verve-demo-staff"


@cache
def demo_password_hash() -> str:
    return PasswordHasher().hash(DEMO_PASSWORD, salt=_DEMO_SALT)


_SOURCE_WEIGHTS = {
    "website": 34,
    "social_media": 22,
    "friend": 14,
    "nav": 8,
    "newspaper": 5,
    "event": 5,
    "school": 4,
    "phone": 5,
    "import": 1,
    "other": 2,
}
_ABOUT = (
    "Jeg er pensjonist og har god tid på dagtid.",
    "Student som liker friluftsliv og trening.",
    "Har jobbet i barnehage i mange år.",
    "Glad i musikk og spiller gitar.",
    "Jeg har selv hatt støttekontakt som ung og vil gi noe tilbake.",
    "Jobber turnus og har fri flere ettermiddager i uka.",
    "Liker å lage mat og gå turer med hunden.",
)
# Reserved for documentation (RFC 2606): mail to them goes nowhere.
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


@dataclass(frozen=True, slots=True)
class Names:
    """Pools of Norwegian names and streets; far faster than asking Faker once per person."""

    female: list[str]
    male: list[str]
    last: list[str]
    streets: list[str]

    @classmethod
    def draw(cls, rng: random.Random) -> Names:
        """The pools, from a Faker seeded by one draw of `rng`."""
        faker = Faker("no_NO")
        faker.seed_instance(rng.getrandbits(32))
        return cls(
            female=[faker.first_name_female() for _ in range(400)],
            male=[faker.first_name_male() for _ in range(400)],
            last=[faker.last_name() for _ in range(600)],
            streets=[faker.street_name() for _ in range(200)],
        )


@dataclass(frozen=True, slots=True)
class Staff:
    """The demo staff's coordinators by id, and the one who is away."""

    coordinators: list[int]
    away_id: int | None


def hire_staff(world: World, base_staff_id: int, taken: set[str]) -> Staff:
    """The demo staff, with ids from `base_staff_id` and usernames not in `taken`."""
    coordinators: list[int] = []
    away_id: int | None = None
    created = world.start - timedelta(days=30)
    for offset, (username, name, role) in enumerate(STAFF):
        while username in taken:
            username += "2"
        staff_id = base_staff_id + offset
        world.rows[StaffUser.__table__].append(
            {
                "id": staff_id,
                "username": username,
                "full_name": name,
                "email": f"{username}@{STAFF_EMAIL_DOMAIN}",
                "phone": f"+4769{world.rng.randrange(100000, 999999)}",
                "role": role,
                "password_hash": demo_password_hash(),
                "oidc_subject": None,
                "active": True,
                "away_until": world.today + timedelta(days=14)
                if username == AWAY_COORDINATOR
                else None,
                "failed_logins": 0,
                "locked_until": None,
                "last_login_at": None,
                "created_at": created,
            }
        )
        if role == "coordinator":
            coordinators.append(staff_id)
            if username.startswith(AWAY_COORDINATOR):
                away_id = staff_id
    return Staff(coordinators, away_id)


def sign_up_times(world: World, n: int) -> list[datetime]:
    """More sign-ups lately and around the recruitment drives in January and August,
    fewer in July and at Christmas."""
    rng = world.rng
    season = {
        1: 1.3,
        2: 1.1,
        3: 1.0,
        4: 0.9,
        5: 0.9,
        6: 0.7,
        7: 0.45,
        8: 1.3,
        9: 1.25,
        10: 1.05,
        11: 1.0,
        12: 0.6,
    }
    seconds = HISTORY_DAYS * 86400
    out = []
    while len(out) < n:
        x = rng.random()
        at = world.start + timedelta(seconds=int(x * seconds))
        if rng.random() * 1.56 < (0.8 + 0.4 * x) * season[at.month]:
            out.append(at)
    out.sort()
    return out


@dataclass(slots=True)
class Person:
    """What an applicant tells the office when signing up."""

    first_name: str
    last_name: str
    birth_year: int
    postcode: str
    area: str
    prefers_phone: bool
    source: str
    languages: list[str]
    target_groups: list[str]
    #: The coordinator who takes the case if anyone does.
    coordinator: int


def draw_person(
    rng: random.Random, names: Names, coordinators: list[int], created: datetime
) -> Person:
    """A new applicant's name, age, place, languages and wishes."""
    female = rng.random() < 0.68
    first = rng.choice(names.female if female else names.male)
    last = rng.choice(names.last)
    age = rng.choice(
        (rng.randint(18, 30), rng.randint(25, 55), rng.randint(45, 66), rng.randint(60, 78))
    )
    postcode, area = rng.choice(POSTCODES)
    prefers_phone = rng.random() < (0.5 if age >= 67 else 0.04)
    source = "phone" if prefers_phone and rng.random() < 0.6 else weighted(rng, _SOURCE_WEIGHTS)
    languages = ["no"]
    if rng.random() < 0.45:
        languages.append("en")
    if rng.random() < 0.12:
        languages.append(rng.choice(vocabulary.LANGUAGES[2:]))
    targets = rng.sample(vocabulary.TARGET_GROUPS, rng.randint(1, 3))
    if age >= 60 and "elderly" not in targets:
        targets.append("elderly")
    coordinator = rng.choice(coordinators)
    return Person(
        first_name=first,
        last_name=last,
        birth_year=created.year - age,
        postcode=postcode,
        area=area,
        prefers_phone=prefers_phone,
        source=source,
        languages=languages,
        target_groups=targets,
        coordinator=coordinator,
    )


def applicant_row(
    rng: random.Random,
    applicant_id: int,
    person: Person,
    created: datetime,
    life: Life,
    assigned: bool,
) -> dict[str, Any]:
    """The applicant's row once their story is lived: the rest of their details are drawn
    now, after the story, so that the draws come in the order they always have."""
    first, last = person.first_name, person.last_name
    stage = life.stage
    last_event = life.events[-1]
    row = {
        "id": applicant_id,
        "first_name": first,
        "last_name": last,
        "email": f"{_ascii(first)}.{_ascii(last)}.{applicant_id}@{rng.choice(_EMAIL_DOMAINS)}",
        "phone": f"+47{rng.choice((4, 9))}{rng.randrange(10**6, 10**7)}",
        "birth_year": person.birth_year,
        "postcode": person.postcode,
        "area": person.area,
        "languages": person.languages,
        "interests": rng.sample(vocabulary.INTERESTS, rng.randint(1, 4)),
        "availability": rng.sample(vocabulary.AVAILABILITY, rng.randint(1, 3)),
        "target_groups": person.target_groups,
        "about": rng.choice(_ABOUT) if rng.random() < 0.3 else None,
        "driving_licence": rng.random() < 0.72,
        "prefers_phone": person.prefers_phone,
        "callback_requested": stage == Stage.SIGNED_UP.value
        and (person.prefers_phone or rng.random() < 0.03),
        "source": person.source,
        "language": "en" if rng.random() < 0.05 else "nb",
        "consent_at": created,
        **consent_columns(channels_for(applicant_id, person.prefers_phone), created),
        "sms_opted_out_at": None,
        "consent_version_id": None,  # the notice in force: its row is set by generate
        "stage": stage,
        "stage_changed_at": life.at,
        "exit_reason": last_event["reason_code"]
        if stage in (Stage.WITHDRAWN, Stage.REJECTED)
        else None,
        "coordinator_id": person.coordinator if assigned else None,
        "token": f"{rng.getrandbits(192):048x}",
        "token_expires_at": created + timedelta(days=365),
        "created_at": created,
        "updated_at": life.at,
        "anonymised_at": None,
    }
    # The bulk writer goes below the ORM, so the search words are written here.
    row["search_text"] = search_text(
        row["first_name"], row["last_name"], row["email"], row["phone"]
    )
    return row


def _ascii(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text if ch.isalnum())
