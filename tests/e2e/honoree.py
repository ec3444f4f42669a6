"""A honoree in the emulator: each action waits for the bot's answer and returns its text."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def photo_bytes(label: str = "certificate", size: tuple[int, int] = (1200, 900)) -> bytes:
    """A real JPEG (not a real certificate): enough for the photo path without OCR."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, size[1] - 20), outline="red", width=12)
    draw.text((100, 100), label, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


class Honoree:
    def __init__(self, user, timeout: float = 15.0, quiet: float = 0.15) -> None:
        self.user = user
        self.timeout = timeout
        self.quiet = quiet
        self.last = ""

    async def answer(self) -> str:
        messages = await self.user.replies(timeout=self.timeout, quiet=self.quiet)
        while all(m.buttons_taken_away for m in messages):
            # only the answered question's buttons were taken away: the answer is still coming
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
