"""Log lines are JSON, carry the ids as fields, and never hold a personal number in clear."""

from __future__ import annotations

import io
import json
import logging
from datetime import date

from bot.logging_setup import JsonLines
from testkit.fakes import fake_id_number

ID = fake_id_number(date(1960, 1, 2), "女", seq=44)


def test_lines_are_json_with_fields_and_numbers_masked():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    log = logging.getLogger("test.privacy")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("saw %s and %s", ID, "+8613912345678", extra={"update": 7, "entry": 3})
        try:
            raise ValueError(f"bad value {ID.lower()} 13912345678")
        except ValueError:
            log.exception("failed", extra={"update": 8})
    finally:
        log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["update"] == 7 and first["entry"] == 3 and first["level"] == "warning"
    everything = stream.getvalue()
    for secret in (ID, ID.lower(), "13912345678", ID[6:14] + ID[14:]):
        assert secret not in everything
    assert "ValueError" in second["error"]
