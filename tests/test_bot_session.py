"""The bot's Telegram client as `make_bot` builds it, against the emulator: what it makes of
Telegram's answers."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import SecretStr

from bot.app import make_bot
from storage.settings import Settings
from tg_emulator import TelegramEmulator

USER_ID = 4242
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="好", callback_data="ok")]]
)


async def test_a_repeated_or_late_answer_to_a_press_counts_as_done(settings: Settings) -> None:
    async with TelegramEmulator() as emu:
        user = emu.user(user_id=USER_ID)
        bot = make_bot(settings.model_copy(update={
            "bot_token": SecretStr("123456:TEST"), "telegram_api": emu.base_url,
        }))  # fmt: skip
        try:
            await bot.send_message(USER_ID, "好吗？", reply_markup=KEYBOARD)
            query_id = (await user.press("好"))["callback_query"]["id"]
            assert await bot.answer_callback_query(query_id) is True
            # Handled again after a restart: Telegram refuses the second answer …
            with pytest.raises(TelegramBadRequest, match="query is too old"):
                await bot.session.make_request(bot, AnswerCallbackQuery(callback_query_id=query_id))
            # … and the bot takes that as done instead of failing the handler.
            assert await bot.answer_callback_query(query_id, text="已收到") is True
        finally:
            await bot.session.close()

