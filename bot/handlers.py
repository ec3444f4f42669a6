"""Registration in Telegram: each update becomes one call of services.registration, and its
result becomes Bot API calls."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.filters import Arrives, OnLoop
from bot.identity import person
from bot.middlewares import LanguageHintMiddleware
from bot.record import OpenQuestions, show
from dialogs.model import Contact, Press, Reply, Start, Text, Unsupported
from dialogs.texts import t
from services.front_desk import Arrival, Route
from services.posters import village_of
from services.registration import ASK_CANCEL, Registration, Result, Upload, UploadTooLarge

router = Router(name="registration")
router.message.middleware(LanguageHintMiddleware())
router.callback_query.middleware(LanguageHintMiddleware())
NOTICE_WAIT = 10  # seconds a photo's reading waits for its notice to be sent, to take its place


@router.message(Arrives(Route.START))
async def on_start(
    message: Message, arrival: Arrival, registration: Registration, update_id: int, bot: Bot,
    open_questions: OpenQuestions,
):
    """/start, also from a link: a village poster's names the village; any other payload that
    is not an invite (those went to the review router) starts the form all the same."""
    start = Start(village_of(arrival.argument))
    result = await registration.handle(person(message.from_user), start, update_id)
    await show(bot, message.chat.id, result, open_questions)


@router.message(Arrives(Route.HELP))
async def on_help(message: Message, registration: Registration, bot: Bot,
                  open_questions: OpenQuestions) -> None:
    """What the bot does, and the open question again (its copy above loses its buttons)."""
    replies = await registration.help(person(message.from_user))
    await show(bot, message.chat.id, Result(replies), open_questions)


@router.message(Arrives(Route.LANGUAGE))
async def on_language(message: Message, registration: Registration, bot: Bot,
                      open_questions: OpenQuestions) -> None:
    """中文 / 조선말 at any time; a press keeps every answer and asks the open question anew."""
    replies = await registration.language(person(message.from_user))
    await show(bot, message.chat.id, Result(replies), open_questions)


@router.message(Arrives(Route.STATUS))
async def on_status(message: Message, registration: Registration) -> None:
    await message.answer(await registration.status(person(message.from_user)))


@router.message(Arrives(Route.NOTHING_TO_CANCEL))
async def on_nothing_to_cancel(message: Message) -> None:
    await message.answer(t("cancel.nothing"))


@router.message(Arrives(Route.CANCEL))
async def on_cancel(message: Message, registration: Registration, update_id: int, bot: Bot,
                    open_questions: OpenQuestions):
    result = await registration.handle(person(message.from_user), Press(ASK_CANCEL), update_id)
    await show(bot, message.chat.id, result, open_questions)


@router.message(OnLoop(F.photo))
async def on_photo(message: Message, registration: Registration, update_id: int, bot: Bot,
                   open_questions: OpenQuestions):
    largest = message.photo[-1]
    upload = _upload(bot, largest.file_id, largest.file_size, "photo")
    await _photo(message, registration, update_id, bot, open_questions, upload)


@router.message(OnLoop(F.document))
async def on_document(message: Message, registration: Registration, update_id: int, bot: Bot,
                      open_questions: OpenQuestions):
    """Images sent as files keep full resolution (better for OCR); anything else is refused."""
    doc = message.document
    upload = _upload(bot, doc.file_id, doc.file_size, "document")
    await _photo(message, registration, update_id, bot, open_questions, upload)


def _upload(bot: Bot, file_id: str, size: int | None, what: str) -> Upload:
    async def download() -> bytes:
        try:
            buffer = await bot.download(file_id)
        except TelegramBadRequest as err:  # no size in the update, over getFile's limit
            if "file is too big" in err.message:
                raise UploadTooLarge from err
            raise
        return buffer.read()

    return Upload(size, download, file_id, what)


async def _photo(message, registration, update_id, bot, open_questions, upload) -> None:
    chat_id = message.chat.id
    notice: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()

    async def later(replies) -> None:
        """What OCR read takes the place of the "reading the photo" notice."""
        try:
            replaces = await asyncio.wait_for(asyncio.shield(notice), NOTICE_WAIT)
        except TimeoutError:
            replaces = None
        if replaces is not None and not replies:
            replies = [Reply(t("photo.kept"))]
        await show(bot, chat_id, Result(replies), open_questions, replaces=replaces)

    sent = []
    try:
        result = await registration.photo(person(message.from_user), update_id, upload, later)
        sent = await show(bot, chat_id, result, open_questions)
    finally:
        notice.set_result(sent[-1].message_id if sent and result.waits else None)


@router.message(OnLoop(F.contact))
async def on_contact(message: Message, registration: Registration, update_id: int, bot: Bot,
                     open_questions: OpenQuestions):
    contact = message.contact
    own = contact.user_id == message.from_user.id
    event = Contact(contact.phone_number, own)
    result = await registration.handle(person(message.from_user), event, update_id)
    await show(bot, message.chat.id, result, open_questions)


@router.message(Arrives(Route.ANSWER), OnLoop(F.text))
async def on_text(message: Message, registration: Registration, update_id: int, bot: Bot,
                  open_questions: OpenQuestions):
    who = person(message.from_user)
    result = await registration.handle(who, Text(message.text), update_id,
                                       message_ref=str(message.message_id))
    await show(bot, message.chat.id, result, open_questions)


@router.edited_message(OnLoop(F.text))
async def on_edited(message: Message, registration: Registration, update_id: int, bot: Bot,
                    open_questions: OpenQuestions):
    """A typed answer edited afterwards: the new words count while its question is still the
    open one or the last answered; otherwise the person hears how to change it."""
    who = person(message.from_user)
    result = await registration.edited(who, str(message.message_id), message.text, update_id)
    await show(bot, message.chat.id, result, open_questions)


@router.message()
async def on_other(message: Message, registration: Registration, update_id: int, bot: Bot,
                   open_questions: OpenQuestions):
    what = "sticker" if message.sticker else "voice" if message.voice or message.audio else "other"
    result = await registration.handle(person(message.from_user), Unsupported(what), update_id)
    await show(bot, message.chat.id, result, open_questions)


@router.callback_query()
async def on_press(query: CallbackQuery, registration: Registration, update_id: int, bot: Bot,
                   open_questions: OpenQuestions, answer_in_response: bool = False):
    data = query.data or ""
    message = query.message
    chat_id = message.chat.id if message else query.from_user.id
    result = await registration.handle(person(query.from_user), Press(data), update_id)
    pressed = message.message_id if message else None
    if answer_in_response:  # the webhook's answer carries it: no call of its own
        await show(bot, chat_id, result, open_questions, pressed)
        return query.answer(result.alert)

    async def answer_press() -> None:  # an aiogram method object: awaitable, not a coroutine
        await query.answer(result.alert)

    # independent calls: one round trip, not two
    await asyncio.gather(answer_press(), show(bot, chat_id, result, open_questions, pressed))
