"""Update-level middlewares: pass the update id down (for idempotency and log lines), and mark
a chat that writes again as reachable (see bot.reachability)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, Update

from bot.reachability import Unreachable

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateIdMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, Update):
            data["update_id"] = event.update_id
        return await handler(event, data)


class ReachableAgainMiddleware(BaseMiddleware):
    """Whoever writes to the bot can be written to again."""

    def __init__(self, unreachable: Unreachable) -> None:
        self.unreachable = unreachable

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")  # set by aiogram's UserContextMiddleware
        if chat is not None:
            await self.unreachable.wrote(chat.id)
        return await handler(event, data)
