"""Reminders, as a background task of the serving process: checked hourly, sent through the
outbox to whichever channel each person uses.

Reviewers hear once a day (China time, daytime) how many entries have waited longer than
HONOREE_REVIEW_REMINDER_DAYS; a honoree whose form lies idle for HONOREE_DRAFT_REMINDER_DAYS
hears once. The outbox's dedup keys make "once" hold across rounds and restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from dialogs.texts import t
from services.review.intake import recipients
from storage.clock import utcnow
from storage.records import Address, RegistrationRecord, Status
from storage.settings import Settings
from storage.uow import Database

log = logging.getLogger(__name__)

CHINA = ZoneInfo("Asia/Shanghai")
EVERY = 3600.0  # seconds between rounds
PAGE = 500
DAYTIME = (time(8, 0), time(20, 0))  # reminders wait for the morning outside these hours
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
            if entry.state.get("stopped"):
                continue  # nothing to finish: the person was told they need not register
            if entry.updated_at < now - timedelta(days=draft_days):
                key = (
                    "review.remind.draft"
                    if entry.status is Status.DRAFT
                    else ("review.remind.returned")
                )
                dedup = f"idle|{entry.id}|{entry.status.value}"
                queued += await _queue(uow, entry.owner, t(key), dedup, send_at)
        await uow.commit()
    if queued:
        log.info("queued %s reminders", queued)
    return queued


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
