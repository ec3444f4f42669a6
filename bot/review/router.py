"""The reviewers' router, included before the registration router.

Where a message or press goes is decided by services.front_desk (one rule for every channel):
invite links, /queue, every "r|…" button, typed reasons, and any message or stray button press
of a reviewer who has no form open (they get their menu) come here. Everything else falls
through to registration, so a reviewer's 代为登记 runs the ordinary dialog in their own chat.
What happens is decided by services.review.desk; this module only turns its answers into Bot
API calls: a decided entry's card is edited in place, menus of reasons quote their card.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InaccessibleMessage,
    Message,
    ReplyParameters,
)

from bot.filters import Arrives
from bot.identity import person
from bot.keyboards import markup
from bot.replies import clear_buttons, send_replies
from bot.review.album import send_album
from dialogs.model import Reply
from dialogs.texts import t
from services.front_desk import Arrival, Route
from services.results import Answer
from services.review.desk import ReviewDesk

router = Router(name="review")
REVIEWER_COMMANDS = ("start", "queue", "status", "help")


@router.message(Arrives(Route.INVITE))
async def on_invite(
    message: Message, arrival: Arrival, desk: ReviewDesk, update_id: int, bot: Bot
) -> None:
    user = message.from_user
    answer = await desk.enrol(person(user), user.full_name, arrival.argument, update_id)
    if answer.enrolled is not None:
        commands = [
            BotCommand(command=c, description=t(f"review.cmd.{c}" if c == "queue" else f"cmd.{c}"))
            for c in REVIEWER_COMMANDS
        ]
        with contextlib.suppress(TelegramAPIError):  # nice to have: the menu works without
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=message.chat.id))
    await send_replies(bot, message.chat.id, answer.replies)


@router.message(Arrives(Route.QUEUE))
async def on_queue(message: Message, desk: ReviewDesk, bot: Bot) -> None:
    answer = await desk.queue(person(message.from_user))
    await send_replies(bot, message.chat.id, answer.replies)


@router.message(Arrives(Route.REASON))
async def on_reason(message: Message, arrival: Arrival, desk: ReviewDesk, bot: Bot) -> None:
    answer = await desk.reason(person(message.from_user), message.text, arrival.asked)
    if answer.card is not None and answer.card_ref is not None:
        await _replace(bot, message.chat.id, int(answer.card_ref), answer.card)
    await send_replies(bot, message.chat.id, answer.replies)


@router.message(Arrives(Route.MENU))
async def on_reviewer_message(message: Message, bot: Bot) -> None:
    await send_replies(bot, message.chat.id, ReviewDesk.menu().replies)


@router.callback_query(Arrives(Route.REVIEW))
async def on_press(query: CallbackQuery, desk: ReviewDesk, bot: Bot, update_id: int) -> None:
    card_id = _card_of(query.message)
    card = str(card_id) if card_id is not None else None
    answer = await desk.press(person(query.from_user), query.data or "", update_id, card)
    await render(query, answer, bot, desk)


@router.callback_query(Arrives(Route.STRAY))
async def on_stray_press(query: CallbackQuery, bot: Bot) -> None:
    await query.answer(t("stale"))
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await send_replies(bot, chat_id, ReviewDesk.menu().replies)


async def render(query: CallbackQuery, answer: Answer, bot: Bot, desk: ReviewDesk) -> None:
    """A press's answer: a refusal or a secret as an alert (the full ID number then does not
    stay in the chat history), else the entry's card brought up to date, the album (once per
    chat), the replies and the pressed message's fate."""
    if answer.refusal is not None or answer.secret is not None:
        await query.answer(answer.refusal or answer.secret, show_alert=True)
        return
    await query.answer()
    message = query.message
    chat_id = message.chat.id if message else query.from_user.id
    pressed = message.message_id if message else None
    card_id = _card_of(message)
    if answer.clear_pressed and pressed is not None and pressed != card_id:
        await clear_buttons(bot, chat_id, pressed)
    if answer.card is not None and card_id is not None:
        await _replace(bot, chat_id, card_id, answer.card)
    if answer.album is not None and not answer.album.shown_before:
        await send_album(
            bot, chat_id, desk.registration.store, answer.album, remember=desk.remember_uploads
        )
    if answer.quote_pressed and pressed is not None:
        quoted = ReplyParameters(message_id=pressed, allow_sending_without_reply=True)
        for reply in answer.replies:
            await bot.send_message(
                chat_id, reply.text, reply_markup=markup(reply), reply_parameters=quoted
            )
        return
    await send_replies(bot, chat_id, answer.replies, pressed if answer.edit else None)


def _card_of(message: Message | InaccessibleMessage | None) -> int | None:
    """The entry card a press was about: the pressed message, or the card a menu quotes."""
    if not isinstance(message, Message):
        return None
    quoted = message.reply_to_message
    return quoted.message_id if quoted is not None else message.message_id


async def _replace(bot: Bot, chat_id: int, message_id: int, card: Reply) -> None:
    """Edit a card in place; one too old to edit stays (its buttons are re-checked anyway)."""
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_text(
            text=card.text, chat_id=chat_id, message_id=message_id, reply_markup=markup(card)
        )
