"""Send what the dialog said, editing the pressed message in place when it asks to."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from bot.keyboards import markup
from bot.session import EditButtons, EditReply, SendReply
from dialogs.model import Reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """A reply as it now stands in the chat."""

    message_id: int
    text: str
    buttons: bool  # inline buttons that can be pressed


async def send_replies(
    bot: Bot,
    chat_id: int,
    replies: list[Reply],
    pressed_message_id: int | None = None,
    *,
    in_place: bool = False,
) -> list[Sent]:
    """Send the replies in order. A reply marked `edit` replaces the pressed message; with
    `in_place` the first reply does too (see `takes_over`)."""
    sent = []
    for index, reply in enumerate(replies):
        kb = markup(reply)
        inline = isinstance(kb, InlineKeyboardMarkup)
        if pressed_message_id is not None and _replaces(reply, kb, in_place and index == 0):
            try:
                await bot(EditReply(
                    text=reply.text, chat_id=chat_id, message_id=pressed_message_id,
                    reply_markup=kb,
                ))
                sent.append(Sent(pressed_message_id, reply.text, inline))
                continue
            except TelegramBadRequest as err:
                if "message is not modified" in err.message:
                    sent.append(Sent(pressed_message_id, reply.text, inline))
                    continue
                log.info("edit failed, sending instead: %s", err.message)
        message = await bot(SendReply(chat_id=chat_id, text=reply.text, reply_markup=kb))
        sent.append(Sent(message.message_id, reply.text, inline))
    return sent


def takes_over(replies: list[Reply], *, in_place: bool) -> bool:
    """Whether the pressed message becomes a reply. A press that answered no question (修改,
    返回, paging through villages) shows the next screen where the person tapped, so old buttons
    cannot be pressed again; an answered question keeps its record instead (bot/record.py).
    Only inline keyboards can be edited in."""
    return any(
        _replaces(reply, markup(reply), in_place and index == 0)
        for index, reply in enumerate(replies)
    )


def _replaces(reply: Reply, kb, first_in_place: bool) -> bool:
    editable = kb is None or isinstance(kb, InlineKeyboardMarkup)
    return editable and (reply.edit or first_in_place)


async def clear_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """Take the buttons off an answered question so old presses are less likely."""
    with contextlib.suppress(TelegramBadRequest):
        await bot(EditButtons(chat_id=chat_id, message_id=message_id, reply_markup=None))
