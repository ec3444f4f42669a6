"""The user's side of a chat, for tests: send things, press buttons, wait for the bot's replies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .bot_message import BotMessage
from .entities import command_entities
from .files import sample_sticker, sample_voice
from .markup import inline_buttons, reply_buttons
from .state import BotEvent, CallbackAnswer, Chat, PendingCallback, StoredMessage, World

T = TypeVar("T")


class UserDriver:
    """One emulated user in a private chat with the bot. Get it from `emu.user(...)`."""

    def __init__(self, world: World, chat: Chat) -> None:
        self._world = world
        self.chat = chat
        self._cursor = len(chat.events)
        self._pressed: list[str] = []

    @property
    def user_id(self) -> int:
        return self.chat.id

    # --- sending -------------------------------------------------------------------------

    async def _send(self, content: dict[str, Any]) -> dict:
        data = self.chat.new_message(self.chat.user, content)
        self.chat.messages[data["message_id"]] = StoredMessage(data, from_bot=False)
        return await self._push("message", data)

    async def _push(self, kind: str, payload: dict) -> dict:
        update = self._world.updates.push(kind, payload)
        await asyncio.sleep(0)
        return update

    async def send_text(self, text: str, *, reply_to: int | None = None) -> dict:
        """Send a text message (a leading /command gets its entity); returns the Update."""
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            content["reply_to_message"] = self.chat.messages[reply_to].data
        return await self._send(content)

    async def edit_text(self, message_id: int, text: str) -> dict:
        """Edit one of the user's own text messages: the bot gets an edited_message update."""
        stored = self.chat.messages.get(message_id)
        if stored is None or stored.from_bot or "text" not in stored.data:
            raise LookupError(f"no text message {message_id} of the user in chat {self.user_id}")
        data = {k: v for k, v in stored.data.items() if k != "entities"}
        data.update(text=text, edit_date=int(time.time()))
        entities = command_entities(text)
        if entities:
            data["entities"] = entities
        self.chat.messages[message_id] = StoredMessage(data, from_bot=False)
        return await self._push("edited_message", data)

    async def send_photo(self, data: bytes, caption: str | None = None) -> dict:
        """Send a compressed photo: the original plus smaller JPEG sizes."""
        content: dict[str, Any] = {"photo": self._world.files.add_photo(data)}
        if caption:
            content["caption"] = caption
        return await self._send(content)

    async def send_document(
        self,
        data: bytes,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict:
        content: dict[str, Any] = {
            "document": self._world.files.add_document(data, file_name, mime_type)
        }
        if caption:
            content["caption"] = caption
        return await self._send(content)

    async def send_contact(
        self,
        phone_number: str | None = None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        own: bool = True,
    ) -> dict:
        """Share a contact; `own=True` (as a request_contact button does) sets user_id."""
        contact: dict[str, Any] = {
            "phone_number": phone_number or self.chat.phone_number,
            "first_name": first_name or self.chat.user["first_name"],
        }
        if last_name:
            contact["last_name"] = last_name
        if own:
            contact["user_id"] = self.user_id
        return await self._send({"contact": contact})

    async def send_sticker(self, emoji: str = "👍") -> dict:
        return await self._send({"sticker": self._world.files.add_sticker(sample_sticker(), emoji)})

    async def send_voice(self, data: bytes | None = None, duration: int = 2) -> dict:
        voice = self._world.files.add_voice(data or sample_voice(), duration)
        return await self._send({"voice": voice})

    async def send_media_group(self, photos: list[bytes], caption: str | None = None) -> list[dict]:
        """An album: one message (and update) per photo, sharing a media_group_id."""
        group_id = self._world.new_media_group_id()
        updates = []
        for index, data in enumerate(photos):
            content: dict[str, Any] = {
                "media_group_id": group_id,
                "photo": self._world.files.add_photo(data),
            }
            if caption and index == 0:
                content["caption"] = caption
            updates.append(await self._send(content))
        return updates

    # --- buttons -------------------------------------------------------------------------

    async def press(self, text: str | None = None, *, callback_data: str | None = None) -> dict:
        """Press the button on the newest bot message showing it: inline or reply keyboard.

        An inline button sends a callback_query; a reply button sends its text, or the
        user's own contact for a request_contact button.
        """
        if (text is None) == (callback_data is None):
            raise TypeError("press() needs the button text or callback_data, not both")
        inline = self._find_inline(text, callback_data)
        keyboard_id, rows = self._reply_keyboard()
        reply = next(
            (b for row in rows for b in row if text is not None and b["text"] == text), None
        )
        if inline is not None and (reply is None or inline[0]["message_id"] > keyboard_id):
            message, button = inline
            if "callback_data" not in button:
                raise ValueError(f"button {button['text']!r} sends no callback")
            return await self._callback(message, button["callback_data"])
        if reply is not None:
            if reply.get("request_contact"):
                return await self.send_contact()
            return await self.send_text(reply["text"])
        raise LookupError(
            f"no button {text or callback_data!r}; inline: {self.inline_buttons()}, "
            f"reply keyboard: {self.reply_keyboard()}"
        )

    def _find_inline(self, text: str | None, callback_data: str | None) -> tuple[dict, dict] | None:
        for stored in self.chat.bot_messages():
            for row in inline_buttons(stored.data.get("reply_markup")):
                for button in row:
                    if text in (None, button["text"]) and callback_data in (
                        None,
                        button.get("callback_data"),
                    ):
                        return stored.data, button
        return None

    async def press_callback_data(self, data: str, message_id: int | None = None) -> dict:
        """Forge a callback with any data on a bot message (default: the newest one)."""
        messages = self.chat.bot_messages()
        if message_id is not None:
            messages = [m for m in messages if m.data["message_id"] == message_id]
        if not messages:
            raise LookupError(f"no bot message {message_id or ''} in chat {self.user_id}")
        return await self._callback(messages[0].data, data)

    async def _callback(self, message: dict, data: str) -> dict:
        query_id = str(4_000_000_000_000_000 + len(self._world.callbacks) + 1)
        self._world.callbacks[query_id] = PendingCallback(self.user_id)
        self._pressed.append(query_id)
        return await self._push(
            "callback_query",
            {
                "id": query_id,
                "from": self.chat.user,
                "message": message,
                "chat_instance": str(7_000_000_000_000_000 + self.user_id),
                "data": data,
            },
        )

    def inline_buttons(self) -> list[list[str]]:
        """Texts of the inline keyboard on the newest bot message that has one."""
        for stored in self.chat.bot_messages():
            rows = inline_buttons(stored.data.get("reply_markup"))
            if rows:
                return [[b["text"] for b in row] for row in rows]
        return []

    def _reply_keyboard(self) -> tuple[int, list[list[dict]]]:
        """The reply keyboard in force and the id of the message that set it (0 if none)."""
        for event in reversed(self.chat.events):
            markup = event.markup or {}
            if "keyboard" in markup:
                return event.data["message_id"], reply_buttons(markup)
            if markup.get("remove_keyboard"):
                break
        return 0, []

    def reply_keyboard(self) -> list[list[str]] | None:
        """Texts of the reply keyboard shown now, or None when there is none."""
        rows = self._reply_keyboard()[1]
        return [[b["text"] for b in row] for row in rows] if rows else None

    @property
    def callback_answers(self) -> list[str | None]:
        """answerCallbackQuery texts for this user's presses, in answer order."""
        return [answer.text for answer in self.chat.callback_answers]

    async def callback_answer(self, timeout: float = 5.0) -> str | None:
        """Wait until the bot answers the latest press; return the answer's text."""
        if not self._pressed:
            raise LookupError("nothing was pressed")
        query_id = self._pressed[-1]

        def answered() -> CallbackAnswer | None:
            return next((a for a in self.chat.callback_answers if a.query_id == query_id), None)

        answer = await self._until(answered, timeout, "the bot did not answer the callback")
        return answer.text

    # --- receiving -----------------------------------------------------------------------

    @property
    def last_message(self) -> BotMessage | None:
        """The newest bot message still in the chat, as it looks now."""
        messages = self.chat.bot_messages()
        if not messages:
            return None
        data = messages[0].data
        return BotMessage.from_event(BotEvent(data, messages[0].markup, "edit_date" in data))

    async def replies(self, timeout: float = 5.0, quiet: float = 0.3) -> list[BotMessage]:
        """New bot messages/edits since the last call, once the bot has been quiet for `quiet` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        events = self.chat.events
        await self._until(
            lambda: True if len(events) > self._cursor else None,
            timeout,
            f"the bot sent nothing to {self.user_id} within {timeout} s",
        )
        while (idle := loop.time() - self.chat.last_event_at) < quiet and loop.time() < deadline:
            await self.chat.pulse.wait(quiet - idle)
        new, self._cursor = events[self._cursor :], len(events)
        return [BotMessage.from_event(event) for event in new]

    async def wait_for(
        self, predicate: Callable[[BotMessage], bool], timeout: float = 10.0
    ) -> BotMessage:
        """The first new bot message/edit matching `predicate`; earlier ones are consumed."""
        events = self.chat.events

        def match() -> BotMessage | None:
            for index in range(self._cursor, len(events)):
                message = BotMessage.from_event(events[index])
                if predicate(message):
                    self._cursor = index + 1
                    return message
            return None

        try:
            return await self._until(match, timeout, "no matching bot message")
        except TimeoutError:
            seen = [BotMessage.from_event(e).text for e in events[self._cursor :]]
            raise TimeoutError(f"no matching bot message within {timeout} s; saw {seen}") from None

    async def _until(self, condition: Callable[[], T | None], timeout: float, what: str) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (result := condition()) is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(what)
            await self.chat.pulse.wait(remaining)
        return result
