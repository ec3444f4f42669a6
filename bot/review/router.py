"""The reviewers' router, included before the registration router.

It takes invite links, /queue, every "r|…" button, typed reasons, and any message of a reviewer
who has no form open (they get their menu). Everything else falls through to registration, so
a reviewer's 代为登记 runs the ordinary dialog in their own chat.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart, Filter
from aiogram.types import BotCommand, BotCommandScopeChat, CallbackQuery, Message

from bot.conversation import Conversation
from bot.filters import OnLoop
from bot.keyboards import CALLBACK_DATA_BYTES
from bot.replies import clear_buttons, send_replies
from bot.review.access import ReviewerIds, refuse
from bot.review.album import send_album
from bot.review.assist import start_assisted
from bot.review.decisions import Result, authorised, decide
from bot.review.enrol import enrol
from bot.review.reasons import AskedReasons
from bot.review.views import handover_targets, my_queue, open_entry, queue_page, reveal_id
from dialogs.callbacks import REVIEW as PREFIX
from dialogs.callbacks import ReviewAction as Action
from dialogs.callbacks import review_action
from dialogs.model import Reply, Start
from dialogs.review import handover_menu, menu, parse_reason, reason_menu, reason_text
from dialogs.texts import t
from storage.records import ReasonAsked
from storage.uow import Database

router = Router(name="review")
REVIEWER_COMMANDS = ("start", "queue", "status", "help")

REVIEWERS = ReviewerIds()
REASONS = AskedReasons()


class ReviewerAtRest(Filter):
    """An active reviewer with no registration form open in their chat, saying anything but
    /status, /help or /cancel (those work for them as for everyone)."""

    async def __call__(self, message: Message, conversation: Conversation) -> bool:
        user = message.from_user
        text = message.text or ""
        if user is None or (text.startswith("/") and not text.startswith("/start")):
            return False
        if not await REVIEWERS.contains(conversation.db, user.id):
            return False
        return not await conversation.has_draft(user.id)


@router.message(CommandStart(deep_link=True))
async def on_invite(
    message: Message, command: CommandObject, conversation: Conversation, update_id: int, bot: Bot
) -> None:
    user = message.from_user
    committee = await enrol(conversation.db, user.id, user.full_name, command.args or "", update_id)
    if committee is None:
        await message.answer(t("review.enrol.refused"))
        return
    REVIEWERS.forget()
    commands = [
        BotCommand(command=c, description=t(f"review.cmd.{c}" if c == "queue" else f"cmd.{c}"))
        for c in REVIEWER_COMMANDS
    ]
    with contextlib.suppress(TelegramAPIError):  # nice to have: the menu still works without
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=message.chat.id))
    said = [Reply(t("review.enrol.ok", committee=committee.name)), menu()]
    await send_replies(bot, message.chat.id, said)


@router.message(Command("queue"))
async def on_queue(message: Message, conversation: Conversation, bot: Bot) -> None:
    reply = await my_queue(conversation.db, message.from_user.id)
    await send_replies(bot, message.chat.id, [reply or Reply(t("review.not_reviewer"))])


async def _typing_reason(message: Message) -> bool:
    user = message.from_user
    text = message.text or ""
    return user is not None and REASONS.of(user.id) is not None and not text.startswith("/")


@router.message(OnLoop(F.text), _typing_reason)
async def on_reason(message: Message, conversation: Conversation) -> None:
    reason = parse_reason(message.text)
    if reason is None:
        await message.answer(t("review.reason.invalid"))
        return
    user_id, db = message.from_user.id, conversation.db
    asked = REASONS.of(user_id)
    result = await decide(
        db, user_id, asked.button, asked.decision, asked.registration_id, asked.version,
        reason=reason,
    )
    await REASONS.close(db, user_id)
    await message.answer(result.text)


@router.message(ReviewerAtRest())
async def on_reviewer_message(message: Message, bot: Bot) -> None:
    await send_replies(bot, message.chat.id, [menu()])


# --- buttons -----------------------------------------------------------------------------


@dataclass
class Press:
    """One pressed review button, with what every handler needs to answer it."""

    query: CallbackQuery
    conversation: Conversation
    bot: Bot
    action: Action
    raw: str
    update_id: int

    @property
    def user_id(self) -> int:
        return self.query.from_user.id

    @property
    def chat_id(self) -> int:
        return self.query.message.chat.id if self.query.message else self.user_id

    @property
    def message_id(self) -> int | None:
        return self.query.message.message_id if self.query.message else None

    @property
    def db(self) -> Database:
        return self.conversation.db

    async def send(self, *replies: Reply, edit: bool = False) -> None:
        await send_replies(self.bot, self.chat_id, list(replies), self.message_id if edit else None)

    async def refused(self, text: str | None = None) -> None:
        await self.query.answer(text or t("review.denied"), show_alert=True)


@router.callback_query(OnLoop(F.data.startswith(PREFIX + "|")))
async def on_press(
    query: CallbackQuery, conversation: Conversation, bot: Bot, update_id: int
) -> None:
    raw = query.data or ""
    await REASONS.close(conversation.db, query.from_user.id)  # any press ends the waiting
    action = review_action(raw, CALLBACK_DATA_BYTES)
    if action is None:
        async with conversation.db.uow() as uow:
            await refuse(uow, query.from_user.id, raw, None, "malformed")
            await uow.commit()
        await query.answer(t("review.stale"), show_alert=True)
        return
    await _HANDLERS[action.verb](Press(query, conversation, bot, action, raw, update_id))


async def _list(p: Press) -> None:
    reply = await my_queue(p.db, p.user_id)
    if reply is None:
        await _not_reviewer(p)
        return
    await p.query.answer()
    await p.send(reply)


async def _not_reviewer(p: Press) -> None:
    """Someone who is no reviewer (any more: revocation applies from the next press)."""
    async with p.db.uow() as uow:
        await refuse(uow, p.user_id, p.raw, None, "not_reviewer")
        await uow.commit()
    await p.refused(t("review.not_reviewer"))


async def _queue(p: Press) -> None:
    committee_id, page = p.action.args
    reply = await queue_page(p.db, p.user_id, p.raw, p.action.verb, committee_id, page)
    if reply is None:
        await p.refused()
        return
    await p.query.answer()
    await p.send(reply, edit=True)


async def _open(p: Press) -> None:
    ctx = p.conversation.context()
    view = await open_entry(p.db, p.user_id, p.raw, p.action.args[0], ctx)
    if view is None:
        await p.refused()
        return
    await p.query.answer()
    if view.photos:
        caption = t("review.album", reg_no=view.reg_no, n=len(view.photos))
        await send_album(p.bot, p.chat_id, p.conversation.store, view.photos, caption, db=p.db)
    await p.send(view.card)


async def _reveal(p: Press) -> None:
    number = await reveal_id(p.db, p.user_id, p.raw, p.action.args[0])
    if number is None:
        await p.refused()
        return
    # An alert, not a message: the full number does not stay in the chat history.
    await p.query.answer(t("review.reveal", id_number=number), show_alert=True)


async def _confirm(p: Press) -> None:
    reg_id, version = p.action.args
    await _decided(p, await decide(p.db, p.user_id, p.raw, "ok", reg_id, version))


async def _choose(p: Press) -> None:
    """退回修改 / 不予登记 / 转交: first the menu of reasons or committees."""
    reg_id, version = p.action.args
    if p.action.verb == "fwd":
        targets = await handover_targets(p.db, p.user_id, p.raw, reg_id)
        reply = None if targets is None else handover_menu(reg_id, version, targets)
    elif await authorised(p.db, p.user_id, p.raw, reg_id):
        reply = reason_menu(p.action.verb, reg_id, version)
    else:
        reply = None
    if reply is None:
        await p.refused()
        return
    await p.query.answer()
    await p.send(reply)


async def _with_reason(p: Press) -> None:
    kind = p.action.verb[:3]
    reg_id, version, index = p.action.args
    reason = reason_text(kind, index)
    if reason is None:
        await p.refused(t("review.stale"))
        return
    await _decided(p, await decide(p.db, p.user_id, p.raw, kind, reg_id, version, reason=reason))


async def _ask_reason(p: Press) -> None:
    reg_id, version = p.action.args
    if not await authorised(p.db, p.user_id, p.raw, reg_id):
        await p.refused()
        return
    await REASONS.ask(p.db, p.user_id, ReasonAsked(p.action.verb[:3], reg_id, version, p.raw))
    await p.query.answer()
    await p.send(Reply(t("review.ask.typed")))


async def _hand_over(p: Press) -> None:
    reg_id, version, target = p.action.args
    await _decided(p, await decide(p.db, p.user_id, p.raw, "fwd", reg_id, version, target=target))


async def _decided(p: Press, result: Result) -> None:
    if result.denied:
        await p.refused(result.text)
        return
    await p.query.answer()
    if result.done and p.message_id is not None:
        await clear_buttons(p.bot, p.chat_id, p.message_id)
    await p.send(Reply(result.text))


async def _assist(p: Press) -> None:
    conversation = p.conversation
    replies = await start_assisted(
        p.db, conversation.divisions, conversation.context(), p.user_id, p.chat_id
    )
    if replies is None:
        await _not_reviewer(p)
        return
    await p.query.answer()
    if not replies:  # a form is already open: carry on with it
        result = await conversation.handle(p.user_id, p.chat_id, Start(), p.update_id)
        replies = result.replies
    await p.send(*replies)


_HANDLERS: dict[str, Callable[[Press], Awaitable[None]]] = {
    "list": _list,
    "assist": _assist,
    "queue": _queue,
    "free": _queue,
    "open": _open,
    "id": _reveal,
    "ok": _confirm,
    "ret": _choose,
    "rej": _choose,
    "fwd": _choose,
    "retr": _with_reason,
    "rejr": _with_reason,
    "rett": _ask_reason,
    "rejt": _ask_reason,
    "fwdc": _hand_over,
}
