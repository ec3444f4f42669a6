"""The reviewers' router, included before the registration router.

It takes invite links, /queue, every "r|…" button, typed reasons, and any message of a reviewer
who has no form open (they get their menu). Everything else falls through to registration, so
a reviewer's 代为登记 runs the ordinary dialog in their own chat. What happens is decided by
services.review.desk; this module only turns its answers into Bot API calls.
"""

from __future__ import annotations

import contextlib

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart, Filter
from aiogram.types import BotCommand, BotCommandScopeChat, CallbackQuery, Message

from bot.filters import OnLoop
from bot.identity import person
from bot.replies import clear_buttons, send_replies
from bot.review.album import send_album
from dialogs.texts import t
from services.invites import is_invite_token
from services.results import Answer
from services.review.desk import ReviewDesk, is_review_data

router = Router(name="review")
REVIEWER_COMMANDS = ("start", "queue", "status", "help")


class ReviewerAtRest(Filter):
    """An active reviewer with no registration form open, saying anything but /status, /help
    or /cancel (those work for them as for everyone)."""

    async def __call__(self, message: Message, desk: ReviewDesk) -> bool:
        user = message.from_user
        text = message.text or ""
        if user is None or (text.startswith("/") and not text.startswith("/start")):
            return False
        return await desk.at_rest(person(user))


class TypingReason(Filter):
    async def __call__(self, message: Message, desk: ReviewDesk) -> bool:
        user = message.from_user
        text = message.text or ""
        return user is not None and not text.startswith("/") and desk.awaits_reason(person(user))


@router.message(CommandStart(deep_link=True, magic=F.args.func(is_invite_token)))
async def on_invite(
    message: Message, command: CommandObject, desk: ReviewDesk, update_id: int, bot: Bot
) -> None:
    user = message.from_user
    answer = await desk.enrol(person(user), user.full_name, command.args or "", update_id)
    if answer.enrolled is not None:
        commands = [
            BotCommand(command=c, description=t(f"review.cmd.{c}" if c == "queue" else f"cmd.{c}"))
            for c in REVIEWER_COMMANDS
        ]
        with contextlib.suppress(TelegramAPIError):  # nice to have: the menu works without
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=message.chat.id))
    await send_replies(bot, message.chat.id, answer.replies)


@router.message(Command("queue"))
async def on_queue(message: Message, desk: ReviewDesk, bot: Bot) -> None:
    answer = await desk.queue(person(message.from_user))
    await send_replies(bot, message.chat.id, answer.replies)


@router.message(OnLoop(F.text), TypingReason())
async def on_reason(message: Message, desk: ReviewDesk, bot: Bot) -> None:
    answer = await desk.reason(person(message.from_user), message.text)
    await send_replies(bot, message.chat.id, answer.replies)


@router.message(ReviewerAtRest())
async def on_reviewer_message(message: Message, bot: Bot) -> None:
    await send_replies(bot, message.chat.id, ReviewDesk.menu().replies)


@router.callback_query(OnLoop(F.data.func(is_review_data)))
async def on_press(query: CallbackQuery, desk: ReviewDesk, bot: Bot, update_id: int) -> None:
    answer = await desk.press(person(query.from_user), query.data or "", update_id)
    await render(query, answer, bot, desk)


async def render(query: CallbackQuery, answer: Answer, bot: Bot, desk: ReviewDesk) -> None:
    """A press's answer: a refusal or a secret as an alert (the full ID number then does not
    stay in the chat history), else the album, the replies and the pressed message's fate."""
    if answer.refusal is not None or answer.secret is not None:
        await query.answer(answer.refusal or answer.secret, show_alert=True)
        return
    await query.answer()
    message = query.message
    chat_id = message.chat.id if message else query.from_user.id
    pressed = message.message_id if message else None
    if answer.clear_pressed and pressed is not None:
        await clear_buttons(bot, chat_id, pressed)
    if answer.album is not None:
        await send_album(
            bot, chat_id, desk.registration.store, answer.album, remember=desk.remember_uploads
        )
    await send_replies(bot, chat_id, answer.replies, pressed if answer.edit else None)
