"""The bot's Telegram client as `make_bot` builds it, against the emulator: what it makes of
Telegram's answers."""

from __future__ import annotations

import json

import pytest
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
)
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from pydantic import SecretStr

from bot.app import make_bot
from bot.session import EditButtons, EditReply, MessageId, SendReply
from storage.settings import Settings
from tg_emulator import TelegramEmulator

USER_ID = 4242
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="好", callback_data="ok")]]
)


def _bot(settings: Settings, emu: TelegramEmulator):
    return make_bot(settings.model_copy(update={
        "bot_token": SecretStr("123456:TEST"), "telegram_api": emu.base_url,
    }))  # fmt: skip


async def test_a_repeated_or_late_answer_to_a_press_counts_as_done(settings: Settings) -> None:
    async with TelegramEmulator() as emu:
        user = emu.user(user_id=USER_ID)
        bot = _bot(settings, emu)
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


async def test_answers_are_what_aiogram_promises_and_failures_still_raise(
    settings: Settings,
) -> None:
    async with TelegramEmulator() as emu:
        emu.user(user_id=USER_ID)
        bot = _bot(settings, emu)
        try:
            sent = await bot.send_message(USER_ID, "第一个问题", reply_markup=KEYBOARD)
            assert isinstance(sent, Message) and sent.text == "第一个问题"
            assert sent.reply_markup.inline_keyboard[0][0].callback_data == "ok"
            edited = await bot.edit_message_text(
                "第二个问题", chat_id=USER_ID, message_id=sent.message_id
            )
            assert isinstance(edited, Message) and edited.text == "第二个问题"
            with pytest.raises(TelegramBadRequest, match="message is not modified"):
                await bot.edit_message_text(
                    "第二个问题", chat_id=USER_ID, message_id=sent.message_id
                )
            with pytest.raises(TelegramBadRequest, match="chat not found"):
                await bot.send_message(USER_ID + 1, "给不存在的人")
            assert emu.world.chat(USER_ID).messages[sent.message_id].data["text"] == "第二个问题"
        finally:
            await bot.session.close()


async def test_the_bots_own_replies_come_back_as_the_message_id(settings: Settings) -> None:
    """SendReply/EditReply/EditButtons are the same calls; only the id is read back, and a
    refusal still raises."""
    async with TelegramEmulator() as emu:
        emu.user(user_id=USER_ID)
        bot = _bot(settings, emu)
        try:
            sent = await bot(SendReply(chat_id=USER_ID, text="第一个问题", reply_markup=KEYBOARD))
            assert isinstance(sent, MessageId)
            shown = emu.world.chat(USER_ID).messages[sent.message_id].data
            assert shown["text"] == "第一个问题" and shown["reply_markup"] == KEYBOARD.model_dump(
                exclude_none=True)
            edited = await bot(EditReply(chat_id=USER_ID, message_id=sent.message_id, text="第二",
                                         reply_markup=KEYBOARD))
            assert edited == sent
            await bot(EditButtons(chat_id=USER_ID, message_id=sent.message_id))
            assert "reply_markup" not in emu.world.chat(USER_ID).messages[sent.message_id].data
            with pytest.raises(TelegramBadRequest, match="message is not modified"):
                await bot(EditReply(chat_id=USER_ID, message_id=sent.message_id, text="第二"))
        finally:
            await bot.session.close()


def as_sent(value):
    """A field's value as Telegram reads it back (form fields carry nested objects as JSON)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def aiograms_own_fields(bot, method) -> dict:
    """The call's fields as aiogram's multipart path prepares them."""
    fields = {}
    for key, value in method.model_dump(warnings=False).items():
        prepared = bot.session.prepare_value(value, bot=bot, files={})
        if prepared is not None:
            fields[key] = as_sent(prepared)
    return fields


@pytest.mark.parametrize("method", [
    SendMessage(chat_id=USER_ID, text="请问您的姓名？", reply_markup=KEYBOARD),
    SendMessage(chat_id=USER_ID, text="好", reply_markup=ReplyKeyboardRemove()),
    SendMessage(chat_id=USER_ID, text="手机号", reply_markup=ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="发送手机号", request_contact=True)]],
        resize_keyboard=True)),
    SendMessage(chat_id=USER_ID, text="<b>好</b>", reply_parameters=ReplyParameters(message_id=3)),
    EditMessageText(chat_id=USER_ID, message_id=9, text="已确认", reply_markup=KEYBOARD),
    EditMessageReplyMarkup(chat_id=USER_ID, message_id=9, reply_markup=None),
    AnswerCallbackQuery(callback_query_id="77", text="按钮已过期", show_alert=False),
])
def test_a_call_is_posted_with_the_fields_aiogram_would_send(settings: Settings, method) -> None:
    """The JSON body skips aiogram's dump of the whole call; what Telegram receives must not
    change. A bot default (parse_mode) still applies."""
    bot = make_bot(settings.model_copy(update={"bot_token": SecretStr("123456:TEST")}))
    bot.default = DefaultBotProperties(parse_mode="HTML")
    body = json.loads(bot.session.json_body(bot, method))
    body = {key: as_sent(value) for key, value in body.items()}
    assert body == aiograms_own_fields(bot, method)
    if isinstance(method, SendMessage):
        assert body["parse_mode"] == "HTML"
