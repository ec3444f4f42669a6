"""Reminders, as a background task of the serving process: checked hourly, sent through the
outbox to whichever channel each person uses, never in the quiet hours (21:00–08:00 China time).

Reviewers hear once a day how many entries have waited longer than
HONOREE_REVIEW_REMINDER_DAYS; a honoree whose form lies idle for HONOREE_DRAFT_REMINDER_DAYS
hears once. Where staff set deadlines, reviewers with waiting entries and honorees with an
unfinished form also hear 7, 3 and 1 days before the date their level works to. The outbox's
dedup keys make "once" hold across rounds and restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.texts import speaking, t
from services.deadlines import committee_level, days_left, days_left_text, due_for, reminder_point
from services.review.intake import recipients
from storage.clock import utcnow
from storage.records import Address, CommitteeKind, RegistrationRecord, Status
from storage.settings import Settings
from storage.uow import Database

log = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
EVERY = 3600.0  # seconds between rounds
PAGE = 500
DAYTIME = (time(8, 0), time(21, 0))  # reminders wait for the morning outside these hours
IDLE = timedelta(days=1)  # a form untouched this long hears of the deadline
MORNING = time(9, 0)


async def run(db: Database, settings: Settings) -> None:
    while True:
        try:
            await remind_once(db, settings, utcnow())
        except Exception:
            log.exception("reminder round failed")
        await asyncio.sleep(EVERY)


async def remind_once(db: Database, settings: Settings, now: datetime) -> int:
    """Queue the reminders due at `now`; returns how many were newly queued."""
    send_at = daytime(now)
    day = send_at.astimezone(CHINA).date().isoformat()
    review_days, draft_days = settings.review_reminder_days, settings.draft_reminder_days
    queued = 0
    async with db.uow() as uow:
        waiting: Counter[Address] = Counter()
        for entry in await _all(uow, [Status.SUBMITTED]):
            if entry.submitted_at and entry.submitted_at < now - timedelta(days=review_days):
                waiting.update(await recipients(uow, entry))
        for who, n in sorted(waiting.items()):
            text = t("review.remind.reviewer", n=n, days=review_days)
            queued += await _queue(uow, who, text, f"remind|{who.actor}|{day}", send_at)
        for entry in await _all(uow, [Status.DRAFT, Status.RETURNED]):
            if entry.stopped:
                continue  # nothing to finish: the person was told they need not register
            if entry.updated_at < now - timedelta(days=draft_days):
                key = (
                    "review.remind.draft"
                    if entry.status is Status.DRAFT
                    else ("review.remind.returned")
                )
                dedup = f"idle|{entry.id}|{entry.status.value}"
                text = t(key, entry.state.get("lang"))  # the honoree's own language
                queued += await _queue(uow, entry.owner, text, dedup, send_at)
        queued += await _countdown(uow, now, send_at)
        await uow.commit()
    if queued:
        log.info("queued %s reminders", queued)
    return queued


async def _countdown(uow, now: datetime, send_at: datetime) -> int:
    """The deadline reminders due today: each person hears each point once."""
    found = await uow.deadlines.all()
    if not found:
        return 0
    today = send_at.astimezone(CHINA).date()
    queued = 0
    waiting: Counter[tuple[Address, str]] = Counter()
    kinds: dict[int | None, CommitteeKind] = {None: CommitteeKind.TOWNSHIP}
    for entry in await _all(uow, [Status.SUBMITTED]):
        if entry.committee_id not in kinds:
            committee = await uow.committees.get(entry.committee_id)
            kinds[entry.committee_id] = committee.kind if committee else CommitteeKind.VILLAGE
        level = committee_level(kinds[entry.committee_id])
        waiting.update((who, level) for who in await recipients(uow, entry))
    for (who, level), n in sorted(waiting.items()):
        if (due := _point(found, level, today)) is None:
            continue
        works_to, day, point = due
        text = t("deadline.remind.reviewer", n=n, left=days_left_text(day, today))
        dedup = f"deadline|{who.actor}|{works_to}|{day.isoformat()}|{point}"
        queued += await _queue(uow, who, text, dedup, send_at)
    for entry in await _all(uow, [Status.DRAFT, Status.RETURNED]):
        if entry.stopped or entry.updated_at >= now - IDLE:
            continue  # told they need not register, or busy with it now
        if (due := _point(found, "village", today)) is None:
            continue
        works_to, day, point = due
        with speaking(entry.state.get("lang")):  # the honoree's own language
            text = t("deadline.remind.draft", left=days_left_text(day, today))
        dedup = f"deadline|{entry.id}|{works_to}|{day.isoformat()}|{point}"
        queued += await _queue(uow, entry.owner, text, dedup, send_at)
    return queued


def _point(found: dict[str, date], level: str, today: date) -> tuple[str, date, int] | None:
    """(level worked to, its date, reminder point) if a countdown reminder is due today."""
    due = due_for(found, level)
    if due is None:
        return None
    point = reminder_point(days_left(due[1], today))
    return None if point is None else (due[0], due[1], point)


async def _all(uow, statuses: list[Status]) -> list[RegistrationRecord]:
    found: list[RegistrationRecord] = []
    while batch := await uow.registrations.list(statuses=statuses, offset=len(found), limit=PAGE):
        found += batch
        if len(batch) < PAGE:
            break
    return found


async def _queue(uow, to: Address, text: str, dedup: str, send_at: datetime) -> int:
    return int(
        await uow.notifications.enqueue(to, text, dedup_key=dedup, not_before=send_at)
        is not None
    )


def daytime(now: datetime) -> datetime:
    """`now` if it is daytime in China, else 9:00 of the coming morning."""
    local = now.astimezone(CHINA)
    if DAYTIME[0] <= local.time() < DAYTIME[1]:
        return now
    morning = local.date() + timedelta(days=1 if local.time() >= DAYTIME[1] else 0)
    return datetime.combine(morning, MORNING, CHINA)
