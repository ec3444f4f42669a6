"""Structured logs: one JSON object per line, with the update and entry ids as fields.

Anything that looks like an ID or phone number is masked in the finished line (message,
fields and traceback alike), so personal numbers never reach a log file in clear.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

# 11+ digit runs (phones, ID numbers, possibly ending in X) keep only their ends.
_NUMBER = re.compile(r"(?<![\dA-Za-z])(\+?\d{3})\d{5,14}([\dXx]{2})(?![\dXx])")
FIELDS = ("update", "entry", "chat", "event")


def mask(text: str) -> str:
    return _NUMBER.sub(r"\1****\2", text)


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update({k: getattr(record, k) for k in FIELDS if hasattr(record, k)})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return mask(json.dumps(line, ensure_ascii=False, default=str))


def setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
