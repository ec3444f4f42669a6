"""Structured logs: one JSON object per line, with the update and entry ids as fields.

Anything that looks like an ID or phone number is masked in the finished line (message,
fields and traceback alike), the same way as in chat lists and exports (`dialogs.masking`), so
personal numbers never reach a log file in clear.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from dialogs.masking import mask_text

FIELDS = ("update", "entry", "chat", "event")


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
        return mask_text(json.dumps(line, ensure_ascii=False, default=str))


def setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
