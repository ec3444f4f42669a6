"""The emulator's HTTP side: routes Bot API calls to handlers, with faults and a call log."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from dataclasses import dataclass
from typing import Any, Self

from aiohttp import web

from . import methods_bot, methods_media, methods_messages
from .driver import UserDriver
from .errors import ApiError
from .faults import Fault, FaultPlan
from .params import Params, read_params
from .sending import Call
from .state import Chat, World

TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
MAX_REQUEST_SIZE = 50 * 1024 * 1024
"""Cloud Bot API refuses bigger uploads with 413."""

HANDLERS = {
    name.lower(): handler
    for module in (methods_bot, methods_messages, methods_media)
    for name, handler in module.METHODS.items()
}


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    time: float


def _json(body: dict, status: int = 200) -> web.Response:
    return web.json_response(
        body, status=status, dumps=lambda obj: json.dumps(obj, ensure_ascii=False)
    )


class TelegramEmulator:
    """A local Bot API server for one bot: `async with TelegramEmulator() as emu: emu.base_url`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "honoree_test_bot",
        bot_first_name: str = "Honoree Test Bot",
        token: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.world = World(bot_username, bot_first_name)
        self.calls: list[ApiCall] = []
        self.base_url = ""
        self._faults = FaultPlan()
        self._users: dict[int, UserDriver] = {}
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        self.world.closing = False
        app = web.Application(client_max_size=MAX_REQUEST_SIZE)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://{self.host}:{self.port}"
        return self.base_url

    async def stop(self) -> None:
        """Long polls return at once, so stopping never waits for their timeouts."""
        self.world.closing = True
        self.world.updates.pulse.fire()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def user(
        self,
        user_id: int,
        first_name: str = "测试用户",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "zh-hans",
        phone_number: str | None = None,
    ) -> UserDriver:
        """The user side of a private chat with the bot (created on first use)."""
        if user_id not in self._users:
            user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
            if last_name:
                user["last_name"] = last_name
            if username:
                user["username"] = username
            user["language_code"] = language_code
            chat = Chat(user, phone_number or f"+86139{user_id % 10**8:08d}")
            self.world.chats[user_id] = chat
            self._users[user_id] = UserDriver(self.world, chat)
        return self._users[user_id]

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with an error instead of running them."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        self._faults.add(Fault(method, times, ApiError(error_code, description, retry_after)))

    def drop_next(self, method: str, *, times: int = 1, after_processing: bool = False) -> None:
        """Close the connection without an answer; `after_processing` runs the method first."""
        self._faults.add(Fault(method, times, after_processing=after_processing))

    def block_user(self, user_id: int) -> None:
        self.world.chats[user_id].blocked = True

    def unblock_user(self, user_id: int) -> None:
        self.world.chats[user_id].blocked = False

    def file_bytes(self, file_id: str) -> bytes:
        """Contents of any stored file, e.g. a document the bot sent."""
        return self.world.files.get(file_id).data

    def _token_ok(self, token: str) -> bool:
        return token == self.token if self.token else bool(TOKEN_RE.fullmatch(token))

    async def _api(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        if not self._token_ok(token):
            return _json(ApiError(401).payload(), 401)
        try:
            params = await read_params(request, MAX_REQUEST_SIZE)
        except ApiError as error:
            return _json(error.payload(), error.error_code)
        self.calls.append(ApiCall(method, dict(params.values), time.time()))
        handler = HANDLERS.get(method.lower())
        if handler is None:
            return _json(ApiError(404).payload(), 404)
        fault = self._faults.take(method)
        if fault is not None and fault.error is not None:
            return _json(fault.error.payload(), fault.error.error_code)
        if fault is not None and not fault.after_processing:
            return _drop(request)
        try:
            result = await handler(Call(self.world, params, self.world.bot_user(token)))
            response = _json({"ok": True, "result": result})
        except ApiError as error:
            response = _json(error.payload(), error.error_code)
        return response if fault is None else _drop(request)

    async def run_webhook_answer(self, token: str, answer: dict[str, Any]) -> None:
        """A call the bot put in its answer to a webhook delivery: run as Telegram runs it,
        logged like any call, its result and any error unseen by the bot."""
        values = {k: v for k, v in answer.items() if k != "method"}
        method = str(answer.get("method", ""))
        self.calls.append(ApiCall(method, dict(values), time.time()))
        handler = HANDLERS.get(method.lower())
        if handler is None or not self._token_ok(token):
            return
        with contextlib.suppress(ApiError):
            await handler(Call(self.world, Params(values), self.world.bot_user(token)))

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request.match_info["token"]):
            return _json(ApiError(401).payload(), 401)
        stored = self.world.files.by_path.get(request.match_info["path"])
        if stored is None:
            return _json(ApiError(404).payload(), 404)
        return web.Response(body=stored.data, content_type="application/octet-stream")


def _drop(request: web.Request) -> web.Response:
    """Close the socket; the response written afterwards goes nowhere."""
    if request.transport is not None:
        request.transport.close()
    return web.Response()
