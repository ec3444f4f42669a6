"""The outbox worker and the reminders, against a real database and a scripted bot."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage

from bot import notifier
from bot.notifier import Notifier
from services import reminders
from services.outbox import plan
from storage.models import utcnow
from storage.records import NotificationRecord, NotificationStatus
from testkit.fakes import tg
from tests.test_review_storage import VILLAGE, committee, submit

METHOD = SendMessage(chat_id=1, text="x")


class ScriptedBot:
    """send_message that fails as scripted (one exception per call, then succeeds)."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.sent: list[tuple[int, str, object]] = []

    async def send_message(self, chat_id: int, text: str, reply_markup=None) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((chat_id, text, reply_markup))


def row(id_: int, chat: int, key: str | None, at: datetime) -> NotificationRecord:
    return NotificationRecord(
        id_, tg(chat), f"text {id_}", (), NotificationStatus.PENDING, 0, at, at, None, key
    )


async def enqueue(db, chat_id: int, text: str, key: str | None = None) -> int:
    async with db.uow() as uow:
        nid = await uow.notifications.enqueue(tg(chat_id), text, dedup_key=key)
        await uow.commit()
    return nid


async def statuses(db) -> dict[str, tuple[NotificationStatus, int]]:
    async with db.uow(read_only=True) as uow:
        rows = await uow.session.execute(
            sa.text("SELECT text, status, attempts FROM notifications")
        )
        return {text: (NotificationStatus(status), attempts) for text, status, attempts in rows}


def test_new_entry_notices_to_one_chat_merge_with_those_just_behind():
    now = datetime(2026, 11, 26, 2, tzinfo=UTC)
    soon = now + timedelta(seconds=1)
    due = [
        row(1, 10, "new|10|1|2", now),
        row(2, 20, "tell|5|3", now),
        row(3, 10, "new|10|2|2", soon),
        row(4, 10, "new|10|3|2", soon),
        row(5, 30, "new|30|4|2", soon),  # not due yet and nothing due for chat 30
        row(6, 20, "tell|6|3", soon),  # not due yet
    ]
    out = plan(due, now)
    assert [(o.to, [r.id for r in o.rows]) for o in out] == [(tg(10), [1, 3, 4]), (tg(20), [2])]
    assert out[0].text == "🆕 新增 3 条待审核，发 /queue 查看。"
    assert out[0].buttons[0][0][1] == "r|list"
    assert out[1].text == "text 2"


async def test_sent_once_and_one_message_per_chat_per_second(db):
    await enqueue(db, 10, "a")
    await enqueue(db, 10, "b")
    await enqueue(db, 20, "c")
    bot = ScriptedBot()
    worker = Notifier(bot, db)
    assert await worker.run_once() == 2
    assert [chat for chat, _, _ in bot.sent] == [10, 20]
    assert await worker.run_once() == 0  # chat 10 had a message less than a second ago
    worker._last_to_chat.clear()
    assert await worker.run_once() == 1
    assert sorted(text for _, text, _ in bot.sent) == ["a", "b", "c"]
    assert await worker.run_once() == 0


async def test_flood_control_waits_and_keeps_the_message(db, monkeypatch):
    waited = []

    async def fake_sleep(seconds):
        waited.append(seconds)

    monkeypatch.setattr(notifier.asyncio, "sleep", fake_sleep)
    await enqueue(db, 10, "a")
    bot = ScriptedBot(TelegramRetryAfter(METHOD, "Too Many Requests", 7))
    worker = Notifier(bot, db)
    assert await worker.run_once() == 0
    assert 7 in waited and (await statuses(db))["a"] == (NotificationStatus.PENDING, 0)
    assert await worker.run_once() == 1
    assert (await statuses(db))["a"] == (NotificationStatus.SENT, 1)


async def test_errors_retry_give_up_or_mark_the_chat_unreachable(db):
    for text in ("5xx", "blocked", "bad", "same"):
        await enqueue(db, {"5xx": 1, "blocked": 2, "bad": 3, "same": 4}[text], text)
    bot = ScriptedBot(
        TelegramServerError(METHOD, "Internal Server Error"),
        TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"),
        TelegramBadRequest(METHOD, "Bad Request: chat not found"),
        TelegramBadRequest(METHOD, "Bad Request: message is not modified"),
    )
    await Notifier(bot, db).run_once()
    seen = await statuses(db)
    assert seen["5xx"] == (NotificationStatus.PENDING, 1)  # again after a backoff
    assert seen["blocked"][0] is NotificationStatus.UNREACHABLE
    assert seen["bad"] == (NotificationStatus.FAILED, 1)
    assert seen["same"] == (NotificationStatus.SENT, 1)  # harmless
    await enqueue(db, 2, "later")
    assert (await statuses(db))["later"][0] is NotificationStatus.UNREACHABLE
    async with db.uow(read_only=True) as uow:
        assert await uow.notifications.due("tg", utcnow()) == []  # the 5xx one: its backoff


# --- reminders ---------------------------------------------------------------------------


async def test_reviewers_are_reminded_once_a_day_of_old_entries(db, settings):
    await committee(db, VILLAGE, 801)
    entry = await submit(db, 501)
    day = settings.review_reminder_days
    fresh = entry.submitted_at + timedelta(days=day - 1)
    assert await reminders.remind_once(db, settings, fresh) == 0
    late_day = (entry.submitted_at + timedelta(days=day + 1)).date()
    late = datetime.combine(late_day, time(2), UTC)  # 10:00 in China
    assert await reminders.remind_once(db, settings, late) == 1
    assert await reminders.remind_once(db, settings, late + timedelta(hours=3)) == 0
    assert await reminders.remind_once(db, settings, late + timedelta(days=1)) == 1
    texts = [t for t in (await statuses(db)) if "等待审核已经超过" in t]
    assert texts == [f"⏰ 有 1 条登记等待审核已经超过 {day} 天了，请抽空处理：/queue"]


async def test_an_idle_draft_reminds_its_honoree_once(db, settings):
    async with db.uow() as uow:
        await uow.registrations.create_draft(tg(601))
        await uow.commit()
    later = utcnow() + timedelta(days=settings.draft_reminder_days + 1)
    assert await reminders.remind_once(db, settings, later) == 1
    assert await reminders.remind_once(db, settings, later + timedelta(days=3)) == 0
    assert "还没填完" in next(iter(await statuses(db)))


def test_reminders_wait_for_daytime_in_china():
    evening = datetime(2026, 11, 26, 14, tzinfo=UTC)  # 22:00 in China
    assert reminders.daytime(evening) == datetime(2026, 11, 27, 1, tzinfo=UTC)  # 9:00
    night = datetime(2026, 11, 26, 18, tzinfo=UTC)  # 02:00 on the 27th in China
    assert reminders.daytime(night) == datetime(2026, 11, 27, 1, tzinfo=UTC)
    noon = datetime(2026, 11, 26, 4, tzinfo=UTC)
    assert reminders.daytime(noon) == noon
