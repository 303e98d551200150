"""Log lines: UTC with offset, optional JSON, and no personal data or secrets."""

import json
import logging

from recruitment.core.logs import _Formatter, masked_url, redact


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("verve.test", logging.WARNING, __file__, 1, message, (), None)


def test_a_line_has_a_utc_timestamp_with_its_offset():
    line = _Formatter(as_json=False).format(_record("hello"))
    assert line.split(" ", 1)[0].endswith("+00:00")
    assert line.endswith("WARNING verve.test: hello")


def test_json_lines_are_one_object_each():
    data = json.loads(_Formatter(as_json=True).format(_record("hello")))
    assert data["message"] == "hello" and data["time"].endswith("+00:00")


def test_addresses_tokens_and_passwords_never_reach_a_line():
    text = redact(
        "550 <kari.nordmann+x@example.no> rejected; GET /my-page?token=abcDEF-123&lang=nb "
        "postgresql://verve:s3cret@db/verve password=hunter2"
    )
    for secret in ("kari.nordmann", "abcDEF-123", "s3cret", "hunter2"):
        assert secret not in text
    assert "<e-mail>" in text and "token=<hidden>" in text


def test_database_urls_are_written_without_their_password():
    assert "s3cret" not in masked_url("postgresql+psycopg://verve:s3cret@db/verve")
