"""Retry what Telegram asks us to retry, so a reply is not lost to a 429, a 5xx or a dropped
connection. Long polling (getUpdates) keeps aiogram's own back-off and is not touched here."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(self, attempts: int = 5, base_delay: float = 0.5, max_wait: float = 60.0):
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_wait = max_wait

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates):
            return await make_request(bot, method)
        for attempt in range(1, self.attempts):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as err:
                wait = min(err.retry_after, self.max_wait)
            except (TelegramServerError, TelegramNetworkError):
                wait = self.base_delay * 2 ** (attempt - 1)
            log.warning("%s failed, retry %d in %.1fs", method.__api_method__, attempt, wait)
            await asyncio.sleep(wait)
        return await make_request(bot, method)
