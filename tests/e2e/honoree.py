"""A honoree in the emulator: each action waits for the bot's answer and returns its text."""

from __future__ import annotations

from dialogs.record import MARK
from testkit.photos import photo_bytes
from tg_emulator.bot_message import BotMessage


def closed(message: BotMessage) -> bool:
    """An answered question's message lost its buttons (and kept its record): more follows."""
    record = message.is_edit and not message.buttons and f"\n{MARK} " in message.text
    return message.buttons_taken_away or record


class Honoree:
    def __init__(self, user, timeout: float = 15.0, quiet: float = 0.15) -> None:
        self.user = user
        self.timeout = timeout
        self.quiet = quiet
        self.last = ""

    async def answer(self) -> str:
        messages = await self.user.replies(timeout=self.timeout, quiet=self.quiet)
        while all(closed(m) for m in messages):
            # only the answered question's message was closed: the answer is still coming
            messages = await self.user.replies(timeout=self.timeout, quiet=self.quiet)
        self.last = "\n".join(m.text or "" for m in messages)
        return self.last

    async def say(self, text: str) -> str:
        await self.user.send_text(text)
        return await self.answer()

    async def press(self, label: str) -> str:
        await self.user.press(label)
        return await self.answer()

    async def photo(self, data: bytes | None = None) -> str:
        await self.user.send_photo(data or photo_bytes())
        return await self.answer()

    async def contact(self, phone: str) -> str:
        await self.user.send_contact(phone_number=phone)
        return await self.answer()

    def buttons(self) -> list[str]:
        return [b for row in self.user.inline_buttons() for b in row]
