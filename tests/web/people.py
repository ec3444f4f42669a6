"""A person at a phone browser: taps buttons by their text, types into the box, picks photos,
and reads what the page shows."""

from __future__ import annotations

from pathlib import Path

from tests.web.conftest import shot


class AtPhone:
    def __init__(self, page, base: str, name: str) -> None:
        self.page = page
        self.base = base
        self.name = name
        self.shots = 0

    async def open(self, path: str = "/") -> str:
        await self.page.goto(self.base + path)
        return await self.text()

    async def press(self, label: str) -> str:
        async with self.page.expect_navigation():
            await self.page.get_by_role("button", name=label, exact=True).last.click()
        return await self.text()

    async def say(self, text: str) -> str:
        await self.page.fill("#answer", text)
        async with self.page.expect_navigation():
            await self.page.get_by_role("button", name="发送", exact=True).click()
        return await self.text()

    async def photo(self, path: Path, *, camera: bool = False) -> str:
        """Pick a file; the page sends it on its own (its script submits on change)."""
        which = '[capture]' if camera else ':not([capture])'
        async with self.page.expect_navigation():
            await self.page.set_input_files(f'form.photo input[type="file"]{which}', str(path))
        return await self.text()

    async def text(self) -> str:
        return await self.page.inner_text("main")

    async def last(self) -> str:
        """The newest bot bubble: the open question."""
        return await self.page.locator(".bubble.bot").last.inner_text()

    async def shot(self, what: str) -> None:
        self.shots += 1
        await shot(self.page, f"{self.name}-{self.shots:02d}-{what}")
