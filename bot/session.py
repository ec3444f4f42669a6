"""aiogram's HTTP session, made cheaper for the calls a busy bot makes most.

aiogram posts every call as multipart/form-data. For a call that carries no file, a JSON body
says the same for a fraction of the CPU, and a plain `true` (answerCallbackQuery) needs no
model at all. Everything else — uploads, errors, every other result — takes aiogram's own path
and comes back as the type aiogram promises, so middlewares (retries) and exceptions behave
exactly as before.

Where the bot only needs a sent message's id, or nothing, from Telegram's answer (its own
replies and edits), it calls `SendReply`, `EditReply` and `EditButtons`: the same Bot API
calls, declared to return `MessageId` rather than the whole `Message`, so pydantic does not
build a dozen nested models that nobody reads.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    GetUpdates,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Message, Update
from aiohttp import ClientError
from pydantic import BaseModel, ConfigDict

from bot.lazy_aiogram import like_aiogram
from storage import json_codec

JSON_HEADERS = {"Content-Type": "application/json"}
SHORT_ANSWER = 64  # bytes; `{"ok":true,"result":true}` however spaced, cheap to look at
# What nearly every reply and poll returns: their response types are built with the session, so
# that no person's first answer waits while pydantic builds one.
_response_types: dict[type, type] = {}  # kept for the process, see LeanSession.check_response


class MessageId(BaseModel):
    """What the bot reads of a message it sent or edited: its id."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    message_id: int


@like_aiogram
class SendReply(SendMessage):
    """sendMessage, answered with the new message's id only."""

    __returning__ = MessageId


@like_aiogram
class EditReply(EditMessageText):
    """editMessageText, answered with the id only (True for an inline message)."""

    __returning__ = MessageId | bool


@like_aiogram
class EditButtons(EditMessageReplyMarkup):
    """editMessageReplyMarkup, answered with the id only (True for an inline message)."""

    __returning__ = MessageId | bool


REPLY_METHODS = (SendReply, EditReply, EditButtons, SendMessage, EditMessageText)
# Completed before any response type: a generic response made of a model not yet built builds
# that model's whole schema again inside itself, and the model is built once more when used.
BIG_TYPES = (Update, Message)


def _json_text(value: Any) -> str:
    return json_codec.dumps(value).decode()


class LeanSession(AiohttpSession):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("json_dumps", _json_text)
        super().__init__(*args, **kwargs)
        for model in BIG_TYPES:
            model.model_rebuild()
        for method in (*REPLY_METHODS, GetUpdates):  # GetUpdates: before the first poll
            _response_type(method)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        body = self.json_body(bot, method)
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
        if status == HTTPStatus.OK and len(raw) <= SHORT_ANSWER and _ok_result(raw) is True:
            return cast(TelegramType, True)  # needs no model
        return cast(TelegramType, self.check_response(bot, method, status, raw.decode()).result)

    def check_response(self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int,
                       content: str) -> Response[TelegramType]:
        """aiogram parses every answer into Response[T]; pydantic keeps those generated types
        only weakly, so a garbage collection drops them and the next call builds one again.
        Each is kept once it is first used."""
        _response_type(type(method))
        return super().check_response(bot, method, status_code, content)

    def webhook_answer(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call as the body of the answer to a webhook delivery, which Telegram runs
        itself (no request of ours, its result unseen); None when it uploads a file."""
        body = self.json_body(bot, method)
        if body is None:
            return None
        return json_codec.dumps({"method": method.__api_method__, **json.loads(body)})

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> bytes | None:
        """The call as JSON, or None when it uploads a file (multipart is needed then).

        aiogram's own `prepare_value` turns the fields into what Telegram reads (defaults such
        as parse_mode filled in, nested objects dumped), so nothing differs but the encoding;
        the fields are taken as they are, since it dumps nested objects itself."""
        files: dict[str, Any] = {}
        fields = {**method.__dict__, **(method.__pydantic_extra__ or {})}
        body = self.prepare_value(fields, bot=bot, files=files)
        return None if files else body.encode()


def _response_type(method: type[TelegramMethod[Any]]) -> type:
    if method not in _response_types:
        _response_types[method] = Response[method.__returning__]
    return _response_types[method]


def _ok_result(raw: bytes) -> object:
    """The result of an ok answer as plain JSON, or None (aiogram then reads the answer)."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data.get("result") if isinstance(data, dict) and data.get("ok") is True else None
