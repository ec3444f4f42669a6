"""Wire the bot: settings → storage → services → aiogram Dispatcher; run polling."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, ErrorEvent
from aiohttp import web

from bot.handlers import router
from bot.keyboards import CALLBACK_DATA_BYTES
from bot.logging_setup import setup_logging
from bot.metrics import ERRORS, CountReplies
from bot.middlewares import FrontDeskMiddleware, ReachableAgainMiddleware, UpdateIdMiddleware
from bot.notifier import Notifier
from bot.polling import poll
from bot.record import OpenQuestions
from bot.retry import LateAnswers, RetryMiddleware
from bot.review.router import router as review_router
from bot.session import LeanSession
from bot.webhook import make_app
from coordination import Coordinator, LocalCoordinator, make_coordinator
from dialogs.texts import KOREAN, t
from ocr.service import OcrService
from services.inbox import Inbox
from services.reachability import Unreachable
from services.registration import Registration
from services.reminders import run as run_reminders
from services.review.desk import ReviewDesk
from storage.files import EvidenceStore
from storage.settings import Settings
from storage.sweep import sweep_evidence
from storage.uow import Database
from web import serve as web_channel
from web.config import WebSettings

log = logging.getLogger(__name__)
COMMANDS = ("start", "status", "cancel", "language", "help")
# Each update makes hundreds of short-lived objects (pydantic models per API call). At
# CPython's default (700, 10, 10) a saturated bot spent 5.3 s of 95 s in the collector, most
# in middle and full passes; with these, 1.3-1.7 s, and no pass over 40 ms.
GC_THRESHOLDS = (5_000, 50, 20)


def make_bot(settings: Settings) -> Bot:
    if settings.bot_token is None:
        raise SystemExit("HONOREE_BOT_TOKEN is not set: put the token from @BotFather in .env")
    api = TelegramAPIServer.from_base(settings.telegram_api.rstrip("/"))
    bot = Bot(settings.bot_token.get_secret_value(), session=LeanSession(api=api))
    bot.session.middleware(RetryMiddleware())
    bot.session.middleware(LateAnswers())
    bot.session.middleware(CountReplies())
    return bot


def make_dispatcher(
    registration: Registration, desk: ReviewDesk, unreachable: Unreachable,
    coordinator: Coordinator | None = None,
) -> Dispatcher:
    dp = Dispatcher(disable_fsm=True)  # the dialog keeps its state in the database
    dp["registration"] = registration
    dp["desk"] = desk
    dp["open_questions"] = OpenQuestions(coordinator or LocalCoordinator())
    dp.update.outer_middleware(UpdateIdMiddleware())
    dp.update.outer_middleware(ReachableAgainMiddleware(unreachable))
    dp.message.outer_middleware(FrontDeskMiddleware())
    dp.callback_query.outer_middleware(FrontDeskMiddleware())
    dp.include_router(review_router)  # first: what the front desk sends to the review desk
    dp.include_router(router)
    dp.errors.register(_on_error)
    return dp


async def introduce(bot: Bot) -> None:
    """What a new user sees before the first message: the description in the empty chat, the
    short one on the profile, and the command menu."""
    for lang in (None, KOREAN):  # the default (Chinese), and Korean for `ko` users
        await bot.set_my_commands(
            [BotCommand(command=c, description=t(f"cmd.{c}", lang)) for c in COMMANDS],
            language_code=lang,
        )
        await bot.set_my_description(t("bot.description", lang), language_code=lang)
        await bot.set_my_short_description(t("bot.short_description", lang), language_code=lang)


async def _on_error(event: ErrorEvent, bot: Bot) -> bool:
    """Log the failure (no personal data) and tell the person plainly; never show a trace."""
    update = event.update
    ERRORS.labels(type(event.exception).__name__).inc()
    log.error("update failed: %s", type(event.exception).__name__,
              exc_info=event.exception, extra={"update": update.update_id})
    chat = None
    if update.message:
        chat = update.message.chat.id
    elif update.callback_query and update.callback_query.message:
        chat = update.callback_query.message.chat.id
    if chat is not None:
        try:
            await bot.send_message(chat, t("error.generic"))
        except Exception:  # the error message itself failed: nothing more to do
            log.warning("could not send the error message", extra={"update": update.update_id})
    return True


async def run(
    settings: Settings, *, webhook: bool = False, demo: bool = False, reuse_port: bool = False
) -> None:
    """Telegram and the web page together; the web page alone (with the demo committee) when
    no bot token is set. `reuse_port`: one of several webhook workers on one port."""
    setup_logging()
    db = Database.from_settings(settings, background_checkpoints=True)  # no fsync on the loop
    await db.migrate()
    store = EvidenceStore(settings.evidence_dir)
    swept = await sweep_evidence(db, store)
    if swept.removed_orphans or swept.removed_temporary:
        log.info("evidence sweep: %d orphaned, %d temporary files removed",
                 swept.removed_orphans, swept.removed_temporary)
    ocr = None if settings.ocr == "off" else OcrService(
        settings.ocr, workers=settings.ocr_workers, timeout=settings.ocr_timeout
    )
    limit = CALLBACK_DATA_BYTES if settings.bot_token else None  # the web page sets none
    coordinator = make_coordinator(settings.redis_url, settings.redis_prefix)
    registration = await Registration.create(db, store, ocr, data_limit=limit,
                                             saved_is_latest=coordinator.follows_own_turn)
    desk = await ReviewDesk.create(registration)
    gc.collect()
    gc.freeze()  # the long-lived start-up objects leave full collections (~300 ms pauses)
    gc.set_threshold(*GC_THRESHOLDS)
    unreachable = await Unreachable.load(db)
    web_settings = WebSettings()
    web_runner = await web_channel.start(
        registration, desk, web_settings, required=settings.bot_token is None,
        coordinator=coordinator,
    )
    if demo or settings.bot_token is None:
        web_channel.announce(*await web_channel.seed_demo(db, web_settings))
    if settings.bot_token is None:
        workers = [asyncio.create_task(db.keep_checkpointing(), name="checkpoints")]
        try:
            await web_channel.serve_forever(web_runner)
        finally:
            for task in workers:
                task.cancel()
            await registration.close()
            await coordinator.close()
            await db.dispose()
        return
    bot = make_bot(settings)
    dp = make_dispatcher(registration, desk, unreachable, coordinator)
    await introduce(bot)
    mode = "webhook" if webhook else "polling"
    log.info("bot started, api=%s mode=%s", settings.telegram_api, mode)
    once = {  # jobs one worker at a time runs, under a lease
        "notifier": Notifier(bot, db, unreachable).run,
        "reminders": lambda: run_reminders(db, settings),
        "checkpoints": db.keep_checkpointing,
        "prune-updates": lambda: _prune_processed(Inbox(db)),
    }
    workers = [
        asyncio.create_task(coordinator.run_leased(name, job), name=name)
        for name, job in once.items()
    ]
    try:
        if webhook:
            await _serve_webhook(settings, bot, dp, db, coordinator, ocr, reuse_port=reuse_port)
        else:
            await bot.delete_webhook()
            await poll(dp, bot, Inbox(db))
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if web_runner is not None:
            await web_runner.cleanup()
        await registration.close()
        await bot.session.close()
        await coordinator.close()
        await db.dispose()


async def _serve_webhook(
    settings: Settings, bot: Bot, dp: Dispatcher, db: Database, coordinator: Coordinator,
    ocr: OcrService | None, *, reuse_port: bool,
) -> None:
    """Serve updates on HONOREE_WEBHOOK_HOST:PORT/PATH; Telegram must reach HONOREE_WEBHOOK_URL."""
    if not settings.webhook_url:
        raise SystemExit("HONOREE_WEBHOOK_URL is not set: the public URL Telegram should call")
    secret = hashlib.sha256(bot.token.encode()).hexdigest()[:32]
    app = make_app(path=settings.webhook_path, secret=secret, bot=bot, dp=dp, db=db,
                   coordinator=coordinator, ocr=ocr)
    await bot.set_webhook(settings.webhook_url.rstrip("/") + settings.webhook_path,
                          secret_token=secret, drop_pending_updates=False)
    runner = web.AppRunner(app, access_log=None)  # the proxy logs requests; answers log here
    await runner.setup()
    await web.TCPSite(
        runner, settings.webhook_host, settings.webhook_port, reuse_port=reuse_port or None
    ).start()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _prune_processed(inbox: Inbox, every: float = 3600.0) -> None:
    """Forget processed-update ids older than any redelivery, now and then."""
    while True:
        await inbox.prune_processed()
        await asyncio.sleep(every)
