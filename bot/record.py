"""The chat keeps its record: an answered question's message becomes "question ✔ answer"
without buttons, the next question comes as a new message, and only the open question's
message has live buttons."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import asdict, dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.replies import Sent, clear_buttons, send_replies, takes_over
from bot.session import EditReply
from coordination import Coordinator
from services.registration import Result

NOTE_TTL = 30 * 24 * 3600.0  # a month: longer than anyone leaves a question open


@dataclass
class Asked:
    message_id: int
    text: str  # as the service said it: a closing names its question by this text
    buttons: bool


class OpenQuestions:
    """The newest question message of each chat, kept where every worker sees it (Redis with
    several workers, memory in one process): whichever worker handles the answer closes the
    question. A lost note (a restart, Redis down) leaves an old message its buttons, and a press
    on them is refused as stale."""

    def __init__(self, notes: Coordinator, ttl: float = NOTE_TTL) -> None:
        self.notes = notes
        self.ttl = ttl

    @staticmethod
    def note_of(chat_id: int) -> str:
        """The note that holds the chat's open question (a worker's turn may bring it)."""
        return f"asked:{chat_id}"

    async def get(self, chat_id: int) -> Asked | None:
        note = await self.notes.recall(self.note_of(chat_id))
        return Asked(**json.loads(note)) if note else None

    async def shown(self, chat_id: int, sent: Sent) -> None:
        await self._keep(chat_id, Asked(sent.message_id, sent.text, sent.buttons))

    async def closed(self, chat_id: int, asked: Asked) -> None:
        """`asked`, as read before, has had its buttons taken away."""
        await self._keep(chat_id, Asked(asked.message_id, asked.text, buttons=False))

    async def _keep(self, chat_id: int, asked: Asked) -> None:
        await self.notes.remember(self.note_of(chat_id), json.dumps(asdict(asked)), self.ttl)


async def show(
    bot: Bot,
    chat_id: int,
    result: Result,
    questions: OpenQuestions,
    pressed: int | None = None,
    *,
    replaces: int | None = None,
) -> list[Sent]:
    """Send `result` to the chat. `pressed` is the message whose button was pressed; `replaces`
    a notice the first reply takes the place of (the "reading your photo" message)."""
    before = await questions.get(chat_id)
    if result.again:  # the pressed message may hold its record by now: leave it be
        pressed = None
    closes = result.closes
    target = None
    if closes is not None:
        if pressed is not None:
            target = pressed
        elif before is not None and before.text == closes.question:
            target = before.message_id
    jobs = []
    if target is not None:
        jobs.append(_close(bot, chat_id, target, closes.record))
        sending = send_replies(bot, chat_id, result.replies)
    elif replaces is not None:
        sending = send_replies(bot, chat_id, result.replies, replaces, in_place=True)
    else:
        # A press that answered nothing (修改, paging through villages) shows the next screen
        # in the pressed message; a refused one (an old button) leaves it be, without buttons.
        in_place = pressed is not None and result.alert is None
        if pressed is not None and not takes_over(result.replies, in_place=in_place):
            jobs.append(clear_buttons(bot, chat_id, pressed))
        sending = send_replies(bot, chat_id, result.replies, pressed, in_place=in_place)
    sent, *_ = await asyncio.gather(sending, *jobs)
    if not sent:
        if target is not None and before is not None and before.message_id == target:
            await questions.closed(chat_id, before)
        return sent
    newest = sent[-1]
    await questions.shown(chat_id, newest)
    stale = before is not None and before.buttons and before.message_id not in (
        target, pressed, replaces, *(s.message_id for s in sent)
    )
    if stale:  # the open question was asked again below: its old copy's buttons go
        await clear_buttons(bot, chat_id, before.message_id)
    return sent


async def _close(bot: Bot, chat_id: int, message_id: int, record: str) -> None:
    with contextlib.suppress(TelegramBadRequest):  # gone or too old to edit: the record is lost
        await bot(EditReply(text=record, chat_id=chat_id, message_id=message_id))
