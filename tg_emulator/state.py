"""In-memory world of the emulator: private chats, their messages and the update queue."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import BLOCKED, CHAT_NOT_FOUND, ApiError, bad_request
from .files import FileStore

DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
"""What Telegram delivers when a bot never set allowed_updates (no chat_member, reactions)."""


class Pulse:
    """Wakes everyone waiting at the moment of `fire()`; waiters re-check their condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), max(timeout, 0))


@dataclass
class StoredMessage:
    data: dict
    """The Message object; replaced, never mutated, so snapshots handed out stay valid."""
    from_bot: bool
    markup: dict | None = None
    """reply_markup as the bot sent it, including reply keyboards that Message can't carry."""
    deleted: bool = False


@dataclass
class BotEvent:
    """A message the bot sent or edited, in the order the user saw it."""

    data: dict
    markup: dict | None
    is_edit: bool
    same_text: bool = False
    """An edit that left the text as it was (only the buttons changed)."""


@dataclass
class CallbackAnswer:
    query_id: str
    text: str | None
    show_alert: bool


@dataclass
class Chat:
    """A private chat with one emulated user; its id is the user's id."""

    user: dict
    phone_number: str
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[BotEvent] = field(default_factory=list)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    blocked: bool = False
    last_event_at: float = 0.0
    pulse: Pulse = field(default_factory=Pulse)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def id(self) -> int:
        return self.user["id"]

    def as_chat(self) -> dict:
        chat = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        for key in ("last_name", "username"):
            if key in self.user:
                chat[key] = self.user[key]
        return chat

    def new_message(self, sender: dict, content: dict[str, Any]) -> dict:
        return {
            "message_id": next(self._message_ids),
            "from": sender,
            "chat": self.as_chat(),
            "date": int(time.time()),
            **content,
        }

    def record_bot_event(self, stored: StoredMessage, is_edit: bool) -> None:
        same_text = is_edit and shown_text(stored.data) == next(
            (shown_text(e.data) for e in reversed(self.events)
             if e.data["message_id"] == stored.data["message_id"]),
            None,
        )
        self.events.append(BotEvent(stored.data, stored.markup, is_edit, same_text))
        self.touch()

    def touch(self) -> None:
        self.last_event_at = asyncio.get_running_loop().time()
        self.pulse.fire()

    def bot_messages(self) -> list[StoredMessage]:
        """The bot's messages still in the chat, newest first."""
        alive = [m for m in self.messages.values() if m.from_bot and not m.deleted]
        return sorted(alive, key=lambda m: m.data["message_id"], reverse=True)


@dataclass
class PendingCallback:
    chat_id: int
    answered: bool = False


class UpdateQueue:
    """Updates stay until a getUpdates offset confirms them, so a killed poller loses nothing."""

    def __init__(self) -> None:
        self.pending: list[dict] = []
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.pulse = Pulse()
        self.poll_generation = 0
        self._ids = itertools.count(1)

    def push(self, kind: str, payload: dict) -> dict:
        update = {"update_id": next(self._ids), kind: payload}
        self.pending.append(update)
        self.pulse.fire()
        return update

    def confirm(self, offset: int) -> None:
        if offset > 0:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    def ready(self, limit: int) -> list[dict]:
        """Unconfirmed updates the bot wants; others are dropped, Telegram never makes them."""
        self.pending = [u for u in self.pending if _kind(u) in self.allowed]
        return self.pending[:limit]

    def start_poll(self) -> int:
        """A new getUpdates supersedes (and terminates) any still-waiting one."""
        self.poll_generation += 1
        self.pulse.fire()
        return self.poll_generation


def _kind(update: dict) -> str:
    return next(key for key in update if key != "update_id")


class World:
    """Everything a bot can observe; method handlers read and change only this."""

    def __init__(self, bot_username: str, bot_first_name: str) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.chats: dict[int, Chat] = {}
        self.updates = UpdateQueue()
        self.files = FileStore()
        self.callbacks: dict[str, PendingCallback] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        self.menu_buttons: dict[int | None, dict] = {}
        self.descriptions: dict[tuple[str, str], str] = {}  # (field, language) -> text
        self.webhook: dict | None = None
        self.closing = False
        self._media_group_ids = itertools.count(13_000_000_000_000_001)

    def new_media_group_id(self) -> str:
        return str(next(self._media_group_ids))

    def bot_user(self, token: str) -> dict:
        """The bot's User object; its id is the token's numeric part, as on Telegram."""
        return {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def chat(self, chat_id: int | str) -> Chat:
        """The chat a bot addresses; unknown chats and blocked users fail as on Telegram."""
        if isinstance(chat_id, str):
            found = [c for c in self.chats.values() if f"@{c.user.get('username')}" == chat_id]
            chat = found[0] if found else None
        else:
            chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat


def shown_text(data: dict) -> str:
    """What a message shows as text: its text, or the caption of a media message."""
    return data.get("text") or data.get("caption") or ""
