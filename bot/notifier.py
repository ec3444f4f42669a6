"""The outbox sender for Telegram: a background task of the bot process.

Telegram's limits are kept here: about 30 messages a second per bot (we stay under), one a
second per chat, 429's retry_after honoured, 5xx and network errors retried with backoff, 403
(blocked) marks the person unreachable until they write again (services.reachability).
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)

from bot.identity import TELEGRAM, chat_of
from bot.keyboards import inline
from services.outbox import Outbox, Outgoing
from services.reachability import Unreachable
from storage.uow import Database

log = logging.getLogger(__name__)

PER_SECOND = 25  # below Telegram's ~30/s per bot
PER_CHAT_GAP = 1.0  # seconds between two messages to one chat
IDLE_POLL = 0.5  # seconds between outbox reads when there is nothing to send


class Notifier:
    def __init__(self, bot: Bot, db: Database, unreachable: Unreachable | None = None) -> None:
        self.bot = bot
        self.outbox = Outbox(db, TELEGRAM, unreachable or Unreachable(db))
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
        loop = asyncio.get_running_loop()
        recent = loop.time() - PER_CHAT_GAP
        self._last_to_chat = {c: at for c, at in self._last_to_chat.items() if at > recent}
        sent = 0
        for message in await self.outbox.due():
            chat_id = chat_of(message.to)
            if chat_id in self._last_to_chat:
                continue  # this chat had a message less than a second ago: next round
            await asyncio.sleep(max(0.0, self._next_send - loop.time()))
            self._next_send = loop.time() + 1 / PER_SECOND
            try:
                await self._send(message)
            except TelegramRetryAfter as err:
                log.warning("flood control: waiting %s s", err.retry_after)
                await asyncio.sleep(err.retry_after)
                return sent  # the message is still pending; the next round sends it
            self._last_to_chat[chat_id] = loop.time()
            sent += 1
        return sent

    async def _send(self, message: Outgoing) -> None:
        """Deliver one message and record the outcome of every row it stands for."""
        chat_id = chat_of(message.to)
        try:
            await self.bot.send_message(chat_id, message.text, reply_markup=inline(message.buttons))
        except TelegramRetryAfter:
            raise  # the whole round waits, see run_once
        except TelegramForbiddenError:
            log.info("a chat blocked the bot: marked unreachable")
            await self.outbox.unreachable_now(message)
            return
        except TelegramBadRequest as err:
            if "message is not modified" not in err.message:
                log.warning("a notification was refused: %s", err.message)
                await self.outbox.failed(message, permanent=True)
                return
        except (TelegramAPIError, TimeoutError) as err:  # 5xx, network trouble and the like
            log.warning("a notification failed, will retry: %s", err)
            await self.outbox.failed(message, permanent=False)
            return
        await self.outbox.sent(message)
