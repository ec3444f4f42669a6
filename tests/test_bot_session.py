"""The bot's Telegram client as `make_bot` builds it, against the emulator: what it makes of
Telegram's answers."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import SecretStr

from bot.app import make_bot
from bot.session import results_unused
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



async def test_answers_nobody_reads_are_not_parsed_but_failures_still_raise(
    settings: Settings,
) -> None:
    async with TelegramEmulator() as emu:
        emu.user(user_id=USER_ID)
        bot = make_bot(settings.model_copy(update={
            "bot_token": SecretStr("123456:TEST"), "telegram_api": emu.base_url,
        }))  # fmt: skip
        try:
            sent = await bot.send_message(USER_ID, "第一个问题", reply_markup=KEYBOARD)
            assert sent.text == "第一个问题"  # read: a whole Message, as aiogram gives it
            with results_unused():
                edited = await bot.edit_message_text(
                    "第二个问题", chat_id=USER_ID, message_id=sent.message_id
                )
                assert edited is None
                with pytest.raises(TelegramBadRequest, match="message is not modified"):
                    await bot.edit_message_text(
                        "第二个问题", chat_id=USER_ID, message_id=sent.message_id
                    )
                with pytest.raises(TelegramBadRequest, match="chat not found"):
                    await bot.send_message(USER_ID + 1, "给不存在的人")
            # The person sees the edit; outside the block answers are read again.
            assert emu.world.chat(USER_ID).messages[sent.message_id].data["text"] == "第二个问题"
            again = await bot.send_message(USER_ID, "第三个问题")
            assert again.text == "第三个问题"
        finally:
            await bot.session.close()
