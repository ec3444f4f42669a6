"""Update-level middlewares: pass the update id down (for idempotency and log lines), mark
someone who writes again as reachable (see services.reachability), and ask the front desk once
where a message or press goes (see services.front_desk)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User

from bot.identity import person
from dialogs.texts import CHINESE, KOREAN, speaking
from services.front_desk import arriving, pressing
from services.reachability import Unreachable

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
        user: User | None = data.get("event_from_user")  # set by aiogram's UserContextMiddleware
        if user is not None:
            await self.unreachable.wrote(person(user))
        return await handler(event, data)


class FrontDeskMiddleware(BaseMiddleware):
    """Where a message or press goes, decided once by the front desk's rule; the routers'
    filters (bot.filters.Arrives) only read the answer."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is not None and isinstance(event, CallbackQuery):
            data["arrival"] = await pressing(data["desk"], person(user), event.data or "")
        elif user is not None and isinstance(event, Message):
            data["arrival"] = await arriving(data["desk"], person(user), event.text)
        return await handler(event, data)


class LanguageHintMiddleware(BaseMiddleware):
    """The honoree's handlers speak the language Telegram says the person uses (`ko` ->
    Korean) until their draft says otherwise; staff handlers never get it."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        with speaking(hint(data.get("event_from_user"))):
            return await handler(event, data)


def hint(user: User | None) -> str:
    code = (user.language_code or "") if user is not None else ""
    return KOREAN if code.lower().split("-")[0] == "ko" else CHINESE
