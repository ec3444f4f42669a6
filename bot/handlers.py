"""Registration in Telegram: each update becomes one call of services.registration, and its
result becomes Bot API calls."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.filters import OnLoop
from bot.identity import person
from bot.replies import clear_buttons, send_replies, takes_over
from dialogs.model import Contact, Press, Start, Text, Unsupported
from dialogs.texts import t
from services.posters import village_of
from services.registration import ASK_CANCEL, Registration, Upload, UploadTooLarge

router = Router(name="registration")


@router.message(CommandStart())
async def on_start(
    message: Message, command: CommandObject, registration: Registration, update_id: int, bot: Bot
):
    """/start, also from a link: a village poster's names the village; any other payload that
    is not an invite (those went to the review router) starts the form all the same."""
    start = Start(village_of(command.args))
    result = await registration.handle(person(message.from_user), start, update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.message(Command("help"))
async def on_help(message: Message, registration: Registration, bot: Bot) -> None:
    replies = await registration.help(person(message.from_user))
    await send_replies(bot, message.chat.id, replies)


@router.message(Command("status"))
async def on_status(message: Message, registration: Registration) -> None:
    await message.answer(await registration.status(person(message.from_user)))


@router.message(Command("cancel"))
async def on_cancel(message: Message, registration: Registration, update_id: int, bot: Bot):
    who = person(message.from_user)
    if not await registration.has_draft(who):
        await message.answer(t("cancel.nothing"))
        return
    result = await registration.handle(who, Press(ASK_CANCEL), update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.message(OnLoop(F.photo))
async def on_photo(message: Message, registration: Registration, update_id: int, bot: Bot):
    largest = message.photo[-1]
    await _photo(message, registration, update_id, bot, largest.file_id, largest.file_size,
                 "photo")


@router.message(OnLoop(F.document))
async def on_document(message: Message, registration: Registration, update_id: int, bot: Bot):
    """Images sent as files keep full resolution (better for OCR); anything else is refused."""
    doc = message.document
    await _photo(message, registration, update_id, bot, doc.file_id, doc.file_size, "document")


async def _photo(message, registration, update_id, bot, file_id, size, what) -> None:
    async def download() -> bytes:
        try:
            buffer = await bot.download(file_id)
        except TelegramBadRequest as err:  # no size in the update, over getFile's limit
            if "file is too big" in err.message:
                raise UploadTooLarge from err
            raise
        return buffer.read()

    async def later(replies) -> None:
        await send_replies(bot, message.chat.id, replies)

    upload = Upload(size, download, file_id, what)
    result = await registration.photo(person(message.from_user), update_id, upload, later)
    await send_replies(bot, message.chat.id, result.replies)


@router.message(OnLoop(F.contact))
async def on_contact(message: Message, registration: Registration, update_id: int, bot: Bot):
    contact = message.contact
    own = contact.user_id == message.from_user.id
    event = Contact(contact.phone_number, own)
    result = await registration.handle(person(message.from_user), event, update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.message(OnLoop(F.text))
async def on_text(message: Message, registration: Registration, update_id: int, bot: Bot):
    result = await registration.handle(person(message.from_user), Text(message.text), update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.message()
async def on_other(message: Message, registration: Registration, update_id: int, bot: Bot):
    what = "sticker" if message.sticker else "voice" if message.voice or message.audio else "other"
    result = await registration.handle(person(message.from_user), Unsupported(what), update_id)
    await send_replies(bot, message.chat.id, result.replies)


@router.callback_query()
async def on_press(query: CallbackQuery, registration: Registration, update_id: int, bot: Bot):
    data = query.data or ""
    message = query.message
    chat_id = message.chat.id if message else query.from_user.id
    result = await registration.handle(person(query.from_user), Press(data), update_id)

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
