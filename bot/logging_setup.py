"""One line per event; anything that looks like an ID or phone number is masked on the way out."""

from __future__ import annotations

import logging
import re
import sys

from storage.settings import Settings

# 11+ digit runs (phones, ID numbers, possibly with a trailing X) never reach a log file in clear.
_NUMBER = re.compile(r"(?<!\d)(\+?\d{3})\d{5,14}([\dXx]{2})(?![\dXx])")


class MaskNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _NUMBER.sub(r"\1****\2", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(MaskNumbers())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
