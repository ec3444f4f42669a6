"""Start the web channel: next to the Telegram bot (bot/app.py), or alone when no bot token is
set, so a township officer can try the whole product on a laptop with nothing to sign up for."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from coordination import Coordinator
from dialogs.texts import t
from services.registration import Registration
from services.review.desk import ReviewDesk
from services.web_demo import DEMO_VILLAGE, open_demo
from services.web_sessions import WebSessions
from storage.uow import Database
from web.app import make_app
from web.config import WebSettings

log = logging.getLogger(__name__)


async def start(
    registration: Registration, desk: ReviewDesk, settings: WebSettings, *, required: bool,
    coordinator: Coordinator | None = None,
) -> web.AppRunner | None:
    """Serve the page; next to Telegram (not `required`) a busy port or HONOREE_WEB_ENABLED=false
    leaves the bot running without it. Its rate limits are counted by `coordinator`."""
    if not settings.enabled and not required:
        return None
    await WebSessions(registration.db).sweep()
    runner = web.AppRunner(make_app(registration, desk, settings, coordinator), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
    except OSError as exc:
        await runner.cleanup()
        if required:
            where = f"{settings.host}:{settings.port}"
            raise SystemExit(f"web page cannot listen on {where}: {exc}") from exc
        log.error("web page not started: %s:%d is busy", settings.host, settings.port)
        return None
    log.info("web channel on %s:%d", settings.host, settings.port)
    return runner


async def seed_demo(db: Database, settings: WebSettings) -> tuple[str, str]:
    """The demo committee (光进村) and a fresh reviewer invite for it: (honoree, reviewer) URLs."""
    made = await open_demo(db)
    base = settings.base_url
    return f"{base}/?v={DEMO_VILLAGE}", f"{base}/join/{made.token}"


def announce(honoree: str, reviewer: str) -> None:
    """The two addresses, on the terminal of whoever started the demo."""
    print(t("staff.web.started"), flush=True)
    print(t("staff.web.honoree", url=honoree), flush=True)
    print(t("staff.web.reviewer", url=reviewer), flush=True)


async def serve_forever(runner: web.AppRunner) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
