"""Send what the dialog said, editing the pressed message in place when it asks to."""

from __future__ import annotations

import contextlib
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from bot.keyboards import markup
from dialogs.model import Reply

log = logging.getLogger(__name__)


async def send_replies(
    bot: Bot, chat_id: int, replies: list[Reply], pressed_message_id: int | None = None
) -> None:
    for reply in replies:
        kb = markup(reply)
        inline = kb is None or isinstance(kb, InlineKeyboardMarkup)
        if reply.edit and pressed_message_id is not None and inline:
            try:
                await bot.edit_message_text(
                    text=reply.text, chat_id=chat_id, message_id=pressed_message_id, reply_markup=kb
                )
                continue
            except TelegramBadRequest as err:
                if "message is not modified" in err.message:
                    continue
                log.info("edit failed, sending instead: %s", err.message)
        await bot.send_message(chat_id, reply.text, reply_markup=kb)


async def clear_buttons(bot: Bot, chat_id: int, message_id: int) -> None:
    """Take the buttons off an answered question so old presses are less likely."""
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
