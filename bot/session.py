"""aiogram's HTTP session, made cheaper for the calls a busy bot makes most.

aiogram posts every call as multipart/form-data and turns every answer into pydantic models.
For a reply that carries no file, a JSON body says the same for a fraction of the CPU, and a
plain `true` (answerCallbackQuery) needs no model at all; nor does an answer nobody reads (see
`results_unused`). Everything else — uploads, errors, results that are read — takes aiogram's
own path, so middlewares (retries) and exceptions behave exactly as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiohttp import ClientError

from storage import json_codec

JSON_HEADERS = {"Content-Type": "application/json"}
SHORT_ANSWER = 64  # bytes; `{"ok":true,"result":true}` however spaced, cheap to look at
OK_AND_RESULT = re.compile(rb'\{\s*"ok"\s*:\s*true\s*,')  # how every ok answer begins
KEPT_MARKUPS = 1024  # the bot's own markups are cached (bot/keyboards.py); others are rare
_UNUSED: ContextVar[bool] = ContextVar("honoree_results_unused", default=False)


@contextmanager
def results_unused() -> Iterator[None]:
    """Calls made inside return None when Telegram says ok. Every sendMessage and edit answers
    with the whole message; turning it into pydantic models costs about as much as building
    the call, for a result the sender never reads. Failures still raise as usual."""
    token = _UNUSED.set(True)
    try:
        yield
    finally:
        _UNUSED.reset(token)


class LeanSession(AiohttpSession):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._response_types: dict[type, type] = {}
        self._markups: dict[int, tuple[Any, Any]] = {}

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        body = self._json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url, data=body, headers=JSON_HEADERS,
                timeout=self.timeout if timeout is None else timeout,
            ) as resp:
                raw = await resp.read()
                status = resp.status
        except TimeoutError as err:
            raise TelegramNetworkError(method=method, message="Request timeout error") from err
        except ClientError as err:
            message = f"{type(err).__name__}: {err}"
            raise TelegramNetworkError(method=method, message=message) from err
        if status == HTTPStatus.OK:
            if _UNUSED.get() and OK_AND_RESULT.match(raw):  # nobody reads the result
                return cast(TelegramType, None)
            if len(raw) <= SHORT_ANSWER and _ok_result(raw) is True:  # needs no model
                return cast(TelegramType, True)
        return cast(TelegramType, self.check_response(bot, method, status, raw.decode()).result)

    def check_response(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                       content: str) -> Response[TelegramType]:
        """aiogram parses every answer into Response[T]; pydantic keeps those generated types
        only weakly, so a garbage collection drops them and the next call builds one again
        (1-4 ms each, ~15% of the bot's CPU under load). Each is kept once it is first used."""
        if type(method) not in self._response_types:
            self._response_types[type(method)] = Response[method.__returning__]
        return super().check_response(bot, method, status_code, content)

    def _json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call as JSON, or None when it uploads a file (multipart is needed then)."""
        files: dict[str, Any] = {}
        fields = {}
        # The fields as they are: prepare_value dumps nested objects itself, so a model_dump
        # of the whole call first would only be work done twice.
        for key, value in {**method.__dict__, **(method.__pydantic_extra__ or {})}.items():
            if key == "reply_markup" and value is not None:
                prepared = self._markup_fields(bot, value, files)
            else:
                prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None:
                fields[key] = prepared
        if files:
            return None
        return json_codec.dumps(fields)

    def _markup_fields(self, bot: Bot, markup: Any, files: dict[str, Any]) -> Any:
        """A keyboard as JSON fields, worked out once per markup object: the bot reuses its
        (frozen) markups, and dumping a keyboard's buttons is most of the cost of a call."""
        kept = self._markups.get(id(markup))
        if kept is None:
            dumped = markup.model_dump(warnings=False)
            kept = markup, self.prepare_value(dumped, bot=bot, files=files, _dumps_json=False)
            if len(self._markups) >= KEPT_MARKUPS:
                self._markups.clear()
            self._markups[id(markup)] = kept  # holds the markup, so its id is not reused
        return kept[1]


def _ok_result(raw: bytes) -> object:
    """The result of an ok answer as plain JSON, or None (aiogram then reads the answer)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data.get("result") if isinstance(data, dict) and data.get("ok") is True else None
