"""Filters that run on the event loop.

aiogram awaits a filter that is a coroutine function or a `Filter`, but sends any other
callable, `F.text` and `F.photo` included, to a worker thread (`asyncio.to_thread`). Each such
check is a thread round trip for a getattr; a text message passed six of them on its way to
its handler. `OnLoop(F.text)` is the same check, awaited in place.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.utils.magic_filter import MagicFilter

from services.front_desk import Arrival, Route


class OnLoop(Filter):
    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)


class Arrives(Filter):
    """The front desk's rule (services.front_desk, applied once per update by
    bot.middlewares.FrontDeskMiddleware) sent this message or press to this handler."""

    def __init__(self, *routes: Route) -> None:
        self.routes = routes

    async def __call__(self, event: TelegramObject, arrival: Arrival | None = None) -> bool:
        return arrival is not None and arrival.route in self.routes
