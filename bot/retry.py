"""Retry what Telegram asks us to retry, so a reply is not lost to a 429, a 5xx or a dropped
connection. Long polling (getUpdates) keeps aiogram's own back-off and is not touched here.
And take a late answer to a button press for what it is: done."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import AnswerCallbackQuery, GetUpdates, TelegramMethod
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


class LateAnswers(BaseRequestMiddleware):
    """A press handled again after a restart, or answered after Telegram stopped waiting, gets
    400 "query is too old … or query ID is invalid" when answered: the person's spinner is gone
    either way, so every handler may answer without guarding against it."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not isinstance(method, AnswerCallbackQuery):
            return await make_request(bot, method)
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as err:
            if "query is too old" not in err.message and "query ID is invalid" not in err.message:
                raise
            log.info("a button press was answered late: %s", err.message)
            return True  # type: ignore[return-value]  # answerCallbackQuery's own result
