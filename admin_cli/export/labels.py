"""How staff read statuses, personal numbers and times (China time, Chinese labels)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from storage.records import Status

CHINA = ZoneInfo("Asia/Shanghai")

STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "填写中",
    Status.SUBMITTED: "待审核",
    Status.RETURNED: "退回修改",
    Status.CONFIRMED: "已确认",
    Status.REJECTED: "不予登记",
    Status.EXPORTED: "已报送",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(Status(status), status)


def mask_id(number: str | None) -> str:
    """2224**********123X: enough to tell entries apart, not enough to misuse."""
    if not number:
        return ""
    keep = 4 if len(number) > 8 else 1
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def mask_phone(number: str | None) -> str:
    """139****5678 (a leading +86 dropped)."""
    if not number:
        return ""
    digits = number.removeprefix("+86")
    if len(digits) <= 7:
        return digits[:2] + "*" * (len(digits) - 2)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def china_time(at: datetime | None) -> str:
    return at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if at else ""


def china_date(at: datetime | None) -> str:
    """2026年11月26日, the way dates are written on the forms."""
    if at is None:
        return ""
    local = at.astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日"
