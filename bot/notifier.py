"""The outbox sender: a background task of the bot process that delivers queued notifications.

Messages are written to the database outbox in the same transaction as the change they
announce, so a crash or restart loses none (delivery is at least once). Telegram's limits are
kept here: about 30 messages a second per bot (we stay under), one a second per chat, 429's
retry_after honoured, 5xx and network errors retried with backoff, 403 (blocked) marks the chat
unreachable until it writes again (bot.reachability). New-entry notices to one reviewer that
are due together go out as one message.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup

from bot.keyboards import markup
from bot.reachability import Unreachable
from bot.review.intake import BATCH_WINDOW, NEW_ENTRY
from dialogs.callbacks import review as data
from dialogs.model import Button, Reply
from dialogs.texts import t
from storage.clock import utcnow
from storage.records import NotificationRecord
from storage.uow import Database

log = logging.getLogger(__name__)

PER_SECOND = 25  # below Telegram's ~30/s per bot
PER_CHAT_GAP = 1.0  # seconds between two messages to one chat
IDLE_POLL = 0.5  # seconds between outbox reads when there is nothing to send
MAX_ATTEMPTS = 8
MAX_BACKOFF = 600.0


@dataclass(frozen=True)
class Outgoing:
    """One message to send, standing for one or more outbox rows."""

    chat_id: int
    text: str
    reply_markup: dict | None
    rows: tuple[NotificationRecord, ...]


def plan(due: Iterable[NotificationRecord], now: datetime) -> list[Outgoing]:
    """Messages for the rows due `now`. New-entry notices to one chat merge into "新增 n 条待审核",
    together with those queued up to BATCH_WINDOW later (`due` may hold such rows)."""
    rows = list(due)
    batches: dict[int, list[NotificationRecord]] = defaultdict(list)
    for row in rows:
        if _mergeable(row):
            batches[row.chat_id].append(row)
    out: list[Outgoing] = []
    taken: set[int] = set()
    for row in rows:
        if row.not_before > now or row.id in taken:
            continue
        batch = batches[row.chat_id] if _mergeable(row) else [row]
        taken.update(r.id for r in batch)
        if len(batch) == 1:
            out.append(Outgoing(row.chat_id, row.text, row.reply_markup, (row,)))
        else:
            text = t("review.notify.many", n=len(batch))
            out.append(Outgoing(row.chat_id, text, _queue_button(), tuple(batch)))
    return out


def _mergeable(row: NotificationRecord) -> bool:
    return (row.dedup_key or "").startswith(NEW_ENTRY)


def _queue_button() -> dict | None:
    keyboard = markup(Reply("", ((Button(t("review.btn.queue"), data("list")),),)))
    return keyboard.model_dump(exclude_none=True) if keyboard else None


class Notifier:
    def __init__(self, bot: Bot, db: Database, unreachable: Unreachable | None = None) -> None:
        self.bot = bot
        self.db = db
        self.unreachable = unreachable or Unreachable(db)
        self._last_to_chat: dict[int, float] = {}
        self._next_send = 0.0

    async def run(self) -> None:
        """Send forever; a failing round (database busy…) is logged and retried."""
        while True:
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("notifier round failed")
                sent = 0
            if not sent:
                await asyncio.sleep(IDLE_POLL)

    async def run_once(self) -> int:
        """One round over the due outbox; returns how many messages were tried."""
        now = utcnow()
        loop = asyncio.get_running_loop()
        recent = loop.time() - PER_CHAT_GAP
        self._last_to_chat = {c: at for c, at in self._last_to_chat.items() if at > recent}
        async with self.db.uow(read_only=True) as uow:
            due = await uow.notifications.due(now + BATCH_WINDOW, limit=200)
        sent = 0
        for message in plan(due, now):
            if message.chat_id in self._last_to_chat:
                continue  # this chat had a message less than a second ago: next round
            await asyncio.sleep(max(0.0, self._next_send - loop.time()))
            self._next_send = loop.time() + 1 / PER_SECOND
            try:
                await self._send(message)
            except TelegramRetryAfter as err:
                log.warning("flood control: waiting %s s", err.retry_after)
                await asyncio.sleep(err.retry_after)
                return sent  # the message is still pending; the next round sends it
            self._last_to_chat[message.chat_id] = loop.time()
            sent += 1
        return sent

    async def _send(self, message: Outgoing) -> None:
        """Deliver one message and record the outcome of every row it stands for."""
        keyboard = (
            InlineKeyboardMarkup.model_validate(message.reply_markup)
            if message.reply_markup
            else None
        )
        try:
            await self.bot.send_message(message.chat_id, message.text, reply_markup=keyboard)
        except TelegramRetryAfter:
            raise  # the whole round waits, see run_once
        except TelegramForbiddenError:
            log.info("chat %s blocked the bot: marked unreachable", message.chat_id)
            await self.unreachable.blocked(message.chat_id)
            return
        except TelegramBadRequest as err:
            if "message is not modified" not in err.message:
                log.warning("notification to %s refused: %s", message.chat_id, err.message)
                await self._failed(message.rows, permanent=True)
                return
        except (TelegramAPIError, TimeoutError) as err:  # 5xx, network trouble and the like
            log.warning("notification to %s failed, will retry: %s", message.chat_id, err)
            await self._failed(message.rows, permanent=False)
            return
        async with self.db.uow() as uow:
            for row in message.rows:
                await uow.notifications.mark_sent(row.id)
            await uow.commit()

    async def _failed(self, rows: tuple[NotificationRecord, ...], *, permanent: bool) -> None:
        async with self.db.uow() as uow:
            for row in rows:
                give_up = permanent or row.attempts + 1 >= MAX_ATTEMPTS
                delay = min(MAX_BACKOFF, 2.0 ** (row.attempts + 1))
                await uow.notifications.mark_failed(
                    row.id, None if give_up else utcnow() + timedelta(seconds=delay)
                )
            await uow.commit()
