"""Routers: translate Telegram updates into dialog events and send back what the dialog said."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.conversation import Conversation
from bot.filters import OnLoop
from bot.replies import clear_buttons, send_replies, takes_over
from dialogs.model import Contact, Press, Start, Text, Unsupported
from dialogs.texts import t

router = Router(name="registration")


@router.message(CommandStart())
async def on_start(message: Message, conversation: Conversation, update_id: int, bot: Bot) -> None:
    result = await conversation.handle(message.from_user.id, message.chat.id, Start(), update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.message(Command("help"))
async def on_help(message: Message) -> None:
    await message.answer(t("help"))


@router.message(Command("status"))
async def on_status(message: Message, conversation: Conversation) -> None:
    await message.answer(await conversation.status(message.from_user.id))


@router.message(Command("cancel"))
async def on_cancel(message: Message, conversation: Conversation, update_id: int, bot: Bot) -> None:
    if not await conversation.has_draft(message.from_user.id):
        await message.answer(t("cancel.nothing"))
        return
    result = await conversation.handle(
        message.from_user.id, message.chat.id, Press("x|cancel?"), update_id
    )
    await send_replies(bot, message.chat.id, result.replies)


@router.message(OnLoop(F.photo))
async def on_photo(message: Message, conversation: Conversation, update_id: int, bot: Bot) -> None:
    largest = message.photo[-1]
    await _photo(message, conversation, update_id, bot, largest.file_id, largest.file_size, "photo")


@router.message(OnLoop(F.document))
async def on_document(message: Message, conversation: Conversation, update_id: int, bot: Bot):
    """Images sent as files keep full resolution (better for OCR); anything else is refused."""
    doc = message.document
    await _photo(message, conversation, update_id, bot, doc.file_id, doc.file_size, "document")


async def _photo(message, conversation, update_id, bot, file_id, size, what) -> None:
    async def download() -> bytes:
        buffer = await bot.download(file_id)
        return buffer.read()

    async def later(replies) -> None:
        await send_replies(bot, message.chat.id, replies)

    result = await conversation.photo(
        message.from_user.id, message.chat.id, update_id, size, download, file_id, what, later
    )
    await send_replies(bot, message.chat.id, result.replies)


@router.message(OnLoop(F.contact))
async def on_contact(message: Message, conversation: Conversation, update_id: int, bot: Bot):
    contact = message.contact
    own = contact.user_id == message.from_user.id
    event = Contact(contact.phone_number, own)
    result = await conversation.handle(message.from_user.id, message.chat.id, event, update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.message(OnLoop(F.text))
async def on_text(message: Message, conversation: Conversation, update_id: int, bot: Bot) -> None:
    event = Text(message.text)
    result = await conversation.handle(message.from_user.id, message.chat.id, event, update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.message()
async def on_other(message: Message, conversation: Conversation, update_id: int, bot: Bot) -> None:
    what = "sticker" if message.sticker else "voice" if message.voice or message.audio else "other"
    event = Unsupported(what)
    result = await conversation.handle(message.from_user.id, message.chat.id, event, update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.callback_query()
async def on_press(query: CallbackQuery, conversation: Conversation, update_id: int, bot: Bot):
    data = query.data or ""
    message = query.message
    chat_id = message.chat.id if message else query.from_user.id
    result = await conversation.handle(query.from_user.id, chat_id, Press(data), update_id)

    async def answer_press() -> None:  # an aiogram method object: awaitable, not a coroutine
        await query.answer(result.alert)

    async def reply() -> None:
        # An accepted press: the next question takes the pressed message's place. A refused
        # one (an old button) leaves that message be and asks the open question below.
        in_place = result.alert is None
        if message and not takes_over(result.replies, in_place=in_place):
            await clear_buttons(bot, chat_id, message.message_id)
        pressed = message.message_id if message else None
        await send_replies(bot, chat_id, result.replies, pressed, in_place=in_place)

    await asyncio.gather(answer_press(), reply())  # independent calls: one round trip, not two
