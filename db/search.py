"""Full-text search over applicants' names, e-mail and phone, the same on SQLite and PostgreSQL.

Every applicant row carries `search_text`: its name, e-mail and phone folded here, in
Python, to lower-case words without accents (`Øyvind Ærø` → `oyvind aero`, `José` → `jose`,
`+47 912 34 567` → `4791234567 91234567`). One folding for both databases is what makes
them give the same results. The column is filled on every insert and update of an
applicant, by the ORM events and the column default below, so no service can forget it
(an anonymised applicant's text is empty like their name).

The index over it (migration 0150):
- SQLite: an FTS5 table `applicant_search` (external content, kept in step by triggers
  on `applicant`), queried with prefix terms: `"hans"* AND "ola"*`.
- PostgreSQL: a GIN index on `search_text::tsvector` (the text is already a list of
  plain words, so the cast takes them as they are; no extension, no language config),
  queried with `'hans':* & 'ola':*`.

A search matches when every word typed begins a word of the name, e-mail or phone; a
phone number typed with spaces or a country code (`912 34 567`, `+47 912`) is one word.

How the list's queries use the index (`matches(..., walk=...)` and `search_plan`): a
search that matches a few thousand people at most reads the matches from the index and
sorts them by name; one that matches more (a single letter matches a fifth of the
register) walks the name index in order and stops at the page's last row, checking each
row against the matches. PostgreSQL prices the text-to-tsvector cast like a comparison,
about a hundredth of its cost, so left alone it casts every row of the register (a
sequential scan, 0.4 s at 100,000) instead of asking the GIN index (7 ms); inside a
search's queries `search_plan` therefore turns off the plans that cast every row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, cast, event, literal_column, select, text
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.orm import Session

#: The FTS5 table and its index's shadow tables, and the PostgreSQL expression index:
#: made by the migration, not by the models (schema comparisons skip them).
FTS_TABLE = "applicant_search"
PG_INDEX = "ix_applicant_search_text"
NOT_IN_MODELS = frozenset(
    {FTS_TABLE, PG_INDEX}
    | {f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config", "content")}
)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """For schema comparisons (Alembic): leave out what the migration made beyond the models."""
    return name not in NOT_IN_MODELS


# Letters that Unicode does not decompose into a base letter plus an accent.
_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "œ": "oe"})
_NOT_WORD = re.compile(r"[\W_]+")
_PHONE_CHARS = re.compile(r"[\d\s+()\-./]+")


def fold(value: str | None) -> str:
    """Lower case, accents dropped, everything but letters and digits a single space."""
    if not value:
        return ""
    value = unicodedata.normalize("NFKD", value.casefold().translate(_LETTERS))
    value = "".join(c for c in value if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", value).strip()


def _phone_words(phone: str | None) -> list[str]:
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return []
    words = [digits]
    for country in ("0047", "47"):
        if digits.startswith(country) and len(digits) - len(country) == 8:
            words.append(digits[len(country) :])  # the number as people say it in Norway
            break
    return words


def search_text(
    first_name: str | None, last_name: str | None, email: str | None, phone: str | None
) -> str:
    """The words one applicant is found by."""
    words = [fold(first_name), fold(last_name), fold(email), *_phone_words(phone)]
    return " ".join(w for w in words if w)


def query_words(typed: str) -> list[str]:
    """The words of a search as typed; a phone number (digits, spaces, +, -) is one word,
    and needs three digits at least. No words: nothing to search for, nobody found."""
    typed = " ".join(typed.split())
    if not typed:
        return []
    if any(c.isdigit() for c in typed) and _PHONE_CHARS.fullmatch(typed):
        digits = re.sub(r"\D", "", typed)
        if digits.startswith("0047"):
            digits = digits[2:]
        # A couple of digits match half the register; from three on they identify a number.
        return [digits] if len(digits) >= 3 else []
    return fold(typed).split()


def matches(
    id_column: ColumnElement[int],
    text_column: ColumnElement[str],
    typed: str,
    dialect: str,
    *,
    walk: bool = False,
):
    """The condition "this applicant matches the search" for `dialect`; None when nothing
    searchable was typed (punctuation only).

    `walk=False` (few matches): the database reads the matches from the index first.
    `walk=True` (many matches, known from the count): it walks the list's own order and
    checks each row, so a page of the first 50 stops after a few hundred rows instead of
    fetching and sorting every match. Run the query inside `search_plan(session, walk)`."""
    words = query_words(typed)
    if not words:
        return None
    if dialect == "sqlite":
        # Words are letters and digits only, so quoting them needs no escaping.
        query = " AND ".join(f'"{word}"*' for word in words)
        hits = (
            select(literal_column("rowid"))
            .select_from(text(FTS_TABLE))
            .where(
                text(f"{FTS_TABLE} MATCH :fts_query").bindparams(
                    bindparam("fts_query", query, unique=True)
                )
            )
        )
        # `id + 0` is not the row key to SQLite's planner: the match list becomes a
        # membership test and the ORDER BY's index leads (the classic SQLite hint).
        return (id_column + 0).in_(hits) if walk else id_column.in_(hits)
    if dialect == "postgresql":
        query = " & ".join(f"'{word}':*" for word in words)
        return cast(text_column, TSVECTOR).op("@@")(
            cast(bindparam("ts_query", query, unique=True), TSQUERY)
        )
    # Any other database: the same words, by LIKE on the folded column (slow, but right).
    padded = " " + text_column + " "
    return and_(*(padded.like(f"% {word}%") for word in words))


@contextmanager
def search_plan(session: Session, *, walk: bool = False) -> Iterator[None]:
    """Around a search's queries on PostgreSQL: no plan that casts every row to tsvector.

    Without a walk only bitmap scans are allowed (the GIN index, combined with the other
    filters' indexes, says which rows; only those are read); with a walk, index scans too
    (the name index in order, stopping at the page's end). Sequential scans stay off in
    both. The settings are local to the transaction and put back afterwards; on SQLite
    this does nothing (FTS5 is always asked first, `matches` decides the rest)."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = session.execute(
        text("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')")
    ).one()
    change = text(
        "SELECT set_config('enable_seqscan', :seq, true), "
        "set_config('enable_indexscan', :index, true)"
    )
    session.execute(change, {"seq": "off", "index": "on" if walk else "off"})
    yield
    # Not on an error: the transaction is then rolled back, and the settings with it.
    session.execute(change, {"seq": before[0], "index": before[1]})


def _fill(target: Any) -> None:
    target.search_text = search_text(
        target.first_name, target.last_name, target.email, target.phone
    )


def column_default(context: Any) -> str:
    """For Core inserts (the demo generator's bulk rows), which skip the ORM events."""
    row = context.get_current_parameters()
    return search_text(
        row.get("first_name"), row.get("last_name"), row.get("email"), row.get("phone")
    )


def keep_in_step(model: type) -> None:
    """Fill `model.search_text` on every ORM insert and update, and on Core inserts."""
    event.listen(model, "before_insert", lambda _m, _c, target: _fill(target))
    event.listen(model, "before_update", lambda _m, _c, target: _fill(target))
