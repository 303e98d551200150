"""Messages waiting in the outbox get the mark for the public address in their links, as
every message queued from now on has it: the mail worker puts in the address of the
moment when it sends (`recruitment.core.links.fill_public_url`), so a change of
`VERVE_PUBLIC_URL` or the `public_base_url` setting reaches them too. Self-contained
(a copy of the marking), so later changes to the app do not change this step.

Revision ID: 0190_outbox_public_url_mark
Revises: 0180_timeline_actor
"""

import html
import os
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0190_outbox_public_url_mark"
down_revision: str | None = "0180_timeline_actor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARK = "{verve_public_url}"
DEFAULT = "http://localhost:8501"
WAITING = ("queued", "sending", "failed")  # failed ones can be retried
_FOLD = re.compile(r"\r?\n[ \t]")

setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.JSON))
outbox = sa.table(
    "outbox_message",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("subject", sa.Text),
    sa.column("body_text", sa.Text),
    sa.column("body_html", sa.Text),
    sa.column("ics", sa.Text),
)


def _base(bind) -> str:
    from_env = os.environ.get("VERVE_PUBLIC_URL", "").strip()
    if from_env:
        return from_env.rstrip("/")
    value = bind.execute(
        sa.select(setting.c.value).where(setting.c.key == "public_base_url")
    ).scalar()
    return str(value or DEFAULT).strip().rstrip("/")


def _fold(line: str) -> str:
    parts, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > 75:
            parts.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n".join(parts)


def _swap(text: str | None, old: str, new: str, fmt: str) -> str | None:
    if not text:
        return text
    if fmt != "ics":
        return text.replace(old, new)
    unfolded = _FOLD.sub("", text)
    if old not in unfolded:
        return text
    return "\r\n".join(_fold(line) for line in unfolded.replace(old, new).split("\r\n"))


def _written(base: str, fmt: str) -> str:
    if fmt == "html":
        return html.escape(base, quote=True)
    if fmt == "ics":
        return base.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return base


def _rewrite(to_mark: bool) -> None:
    bind = op.get_bind()
    base = _base(bind)
    fields = {"subject": "text", "body_text": "text", "body_html": "html", "ics": "ics"}
    rows = bind.execute(
        sa.select(outbox.c.id, *(outbox.c[name] for name in fields)).where(
            outbox.c.status.in_(WAITING)
        )
    ).all()
    for row in rows:
        values = {}
        for name, fmt in fields.items():
            address, mark = _written(base, fmt) + "/", MARK + "/"
            old, new = (address, mark) if to_mark else (mark, address)
            changed = _swap(getattr(row, name), old, new, fmt)
            if changed != getattr(row, name):
                values[name] = changed
        if values:
            bind.execute(sa.update(outbox).where(outbox.c.id == row.id).values(**values))


def upgrade() -> None:
    _rewrite(to_mark=True)


def downgrade() -> None:
    _rewrite(to_mark=False)
