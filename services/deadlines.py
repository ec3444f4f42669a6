"""The drive's time line: a deadline for each level of the chain (village committees review,
townships hand over to the county, counties to the city, cities to the province), set by staff
because each drive sets its own dates. Reviewers and staff see the days left; reminders count
down to them; an entry that comes in after the village committees' date is marked late."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialogs.texts import t
from storage.records import CommitteeKind
from storage.uow import Database

LEVELS = ("village", "township", "county", "city")  # the chain, lowest first
REMINDER_POINTS = (7, 3, 1)  # days before a deadline that reviewers and honorees hear of it
CHINA = ZoneInfo("Asia/Shanghai")
_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")


class DeadlineRefused(ValueError):
    """The deadline cannot be set as asked; the message says why, in Chinese."""


def level_name(level: str) -> str:
    return t(f"deadline.level.{level}")


def parse_due(text: str) -> date:
    """2027-01-15, 2027/1/15, 2027.1.15 or 2027年1月15日."""
    found = _DATE.fullmatch(text)
    try:
        if found is None:
            raise ValueError(text)
        return date(*(int(part) for part in found.groups()))
    except ValueError as exc:
        raise DeadlineRefused(t("deadline.refused.date", text=text)) from exc


def _check_level(level: str) -> None:
    if level not in LEVELS:
        names = "、".join(f"{code}（{level_name(code)}）" for code in LEVELS)
        raise DeadlineRefused(t("deadline.refused.level", level=level, levels=names))


def _check_order(level: str, due: date, others: dict[str, date]) -> None:
    """A level cannot be due before the level below it, nor after the level above."""
    rank = LEVELS.index(level)
    for other, other_due in others.items():
        if other == level:
            continue
        below = LEVELS.index(other) < rank
        if (below and other_due > due) or (not below and other_due < due):
            key = "deadline.refused.order" if below else "deadline.refused.order_above"
            raise DeadlineRefused(t(
                key, level=level_name(level), due=china_day(due),
                other=level_name(other), other_due=china_day(other_due),
            ))


async def set_deadline(db: Database, level: str, text: str, actor: str) -> dict[str, date]:
    """Set (or move) a level's deadline; returns all deadlines. Audited."""
    _check_level(level)
    due = parse_due(text)
    async with db.uow() as uow:
        current = await uow.deadlines.all()
        _check_order(level, due, current)
        await uow.deadlines.set(level, due, actor=actor)
        await uow.audit.record(actor, "deadline.set", level=level, due=due.isoformat(),
                               before=current[level].isoformat() if level in current else None)
        await uow.commit()
    return {**current, level: due}


async def clear_deadline(db: Database, level: str, actor: str) -> bool:
    """False if the level had none. Audited when one is cleared."""
    _check_level(level)
    async with db.uow() as uow:
        cleared = await uow.deadlines.clear(level)
        if cleared:
            await uow.audit.record(actor, "deadline.cleared", level=level)
        await uow.commit()
    return cleared


async def deadlines(db: Database) -> dict[str, date]:
    async with db.uow(read_only=True) as uow:
        return await uow.deadlines.all()


def ordered(found: dict[str, date]) -> list[tuple[str, date]]:
    return [(level, found[level]) for level in LEVELS if level in found]


def due_for(found: dict[str, date], level: str) -> tuple[str, date] | None:
    """The date a level works to: its own, else the next one up that is set (its work has
    to be done by then anyway)."""
    for higher in LEVELS[LEVELS.index(level):]:
        if higher in found:
            return higher, found[higher]
    return None


def committee_level(kind: CommitteeKind) -> str:
    return "township" if kind is CommitteeKind.TOWNSHIP else "village"


def days_left(due: date, today: date) -> int:
    return (due - today).days


def days_left_text(due: date, today: date) -> str:
    """"还有 5 天（1月15日截止）", "今天截止", "已过截止日期 3 天"."""
    n = days_left(due, today)
    if n > 0:
        return t("deadline.left", days=n, due=china_day(due))
    if n == 0:
        return t("deadline.today", due=china_day(due))
    return t("deadline.passed", days=-n, due=china_day(due))


def deadline_days(found: dict[str, date], today: date) -> dict[str, dict]:
    """Each set deadline with the days left, for `stats` (and its --json)."""
    return {
        level: {"name": level_name(level), "due": due.isoformat(),
                "days_left": days_left(due, today), "left_text": days_left_text(due, today)}
        for level, due in ordered(found)
    }


def deadline_line(found: dict[str, date], kind: CommitteeKind, today: date) -> str | None:
    """What a committee's queue says of the date it works to, if one is set."""
    due = due_for(found, committee_level(kind))
    if due is None:
        return None
    return t("deadline.queue", level=level_name(due[0]), left=days_left_text(due[1], today))


def is_late(submitted_at: datetime | None, found: dict[str, date]) -> bool:
    """An entry first sent to its committee after the committees' date (registration is
    still accepted after it, and marked 逾期 in the 汇总表)."""
    due = due_for(found, "village")
    if submitted_at is None or due is None:
        return False
    return submitted_at.astimezone(CHINA).date() > due[1]


def reminder_point(left: int) -> int | None:
    """Which countdown reminder is due with `left` days to go: the nearest point not yet
    passed, so a process that was down on the day still sends the next one (once)."""
    if left < 0:
        return None
    return min((p for p in REMINDER_POINTS if p >= left), default=None)


def china_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def china_today() -> date:
    return datetime.now(CHINA).date()
