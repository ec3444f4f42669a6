"""How staff read statuses, personal numbers and times (China time, Chinese labels).
Personal numbers are masked by the one policy of dialogs.masking."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dialogs.masking import mask_id, mask_phone
from dialogs.review import status_name
from storage.records import Status

__all__ = ["mask_id", "mask_phone"]  # re-exported: one masking policy everywhere

CHINA = ZoneInfo("Asia/Shanghai")

# Statuses as the catalogue names them (one place for the bot, the CLI and the exports).
STATUS_LABELS: dict[Status, str] = {s: status_name(s.value) for s in Status}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(Status(status), status)


def china_time(at: datetime | None) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if at else ""


def china_date(at: datetime | None) -> str:
    """2026年11月26日, the way dates are written on the forms."""
    if at is None:
        return ""
    local = at.astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日"
