"""The webhook app of one worker: Telegram's secret header checked, each update handled in its
sender's turn (see coordination/), answered only after handling (a crash means Telegram sends
it again, and the processed-update ids make it apply once); /healthz and /metrics.

A handler may return one Bot API call (a press's answerCallbackQuery): it goes back as the
answer to the delivery, which Telegram runs, instead of as a request of its own."""

from __future__ import annotations

import hmac
import logging
import time

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Update
from aiohttp import web

from bot.metrics import (
    ERRORS,
    LATENCY,
    OCR_QUEUE,
    OUTBOX_BACKLOG,
    REPLIES,
    UPDATES,
    exposition,
)
from bot.polling import sender_of
from bot.record import OpenQuestions
from bot.session import LeanSession
from coordination import Coordinator
from ocr.service import OcrService
from services import outbox
from storage.uow import Database

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def make_app(
    *, path: str, secret: str, bot: Bot, dp: Dispatcher, db: Database, coordinator: Coordinator,
    ocr: OcrService | None,
) -> web.Application:
    session = bot.session if isinstance(bot.session, LeanSession) else None
    dp["answer_in_response"] = session is not None

    async def updates(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=401)
        started = time.perf_counter()
        update = Update.model_validate(await request.json(), context={"bot": bot})
        try:
            async with coordinator.turn(str(sender_of(update)), update.update_id,
                                        notes=_notes_of(update)):
                answer = await dp.feed_update(bot, update)
        except Exception as err:  # not answered: Telegram delivers it again
            ERRORS.labels(type(err).__name__).inc()
            log.exception("update not handled", extra={"update": update.update_id})
            return web.Response(status=500)
        UPDATES.inc()
        LATENCY.observe(time.perf_counter() - started)
        body = None
        if session is not None and isinstance(answer, TelegramMethod):
            body = session.webhook_answer(bot, answer)
        if body is None:
            return web.json_response({})
        REPLIES.labels(type(answer).__name__).inc()
        return web.Response(body=body, content_type="application/json")

    async def healthz(request: web.Request) -> web.Response:
        checks = {"database": await db.ping(), "redis": await coordinator.ping()}
        status = 200 if all(checks.values()) else 503
        return web.json_response(checks, status=status)

    async def metrics(request: web.Request) -> web.Response:
        OCR_QUEUE.set(ocr.waiting if ocr is not None else 0)
        OUTBOX_BACKLOG.set(await outbox.backlog(db))
        body, content_type = exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app = web.Application()
    app.router.add_post(path, updates)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


def _notes_of(update: Update) -> tuple[str, ...]:
    """The note its answer will read: the chat's open question, fetched with the turn."""
    event = update.event
    message = event.message if isinstance(event, CallbackQuery) else event
    chat = getattr(message, "chat", None)
    return (OpenQuestions.note_of(chat.id),) if chat is not None else ()
