"""The web channel served for real on 127.0.0.1 (services, SQLite file, evidence store), and
Debian's Chromium driven by Playwright (its wheel's driver; no browser download)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

from ocr.service import OcrService
from services.registration import Registration
from services.review.desk import ReviewDesk
from storage.files import EvidenceStore
from storage.settings import Settings
from storage.uow import Database
from web.app import make_app
from web.config import WebSettings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
PHONE = {"width": 360, "height": 740}


@dataclass
class Site:
    url: str
    db: Database
    registration: Registration
    store: EvidenceStore


@contextlib.asynccontextmanager
async def serving(db: Database, settings: Settings, ocr: OcrService | None) -> AsyncIterator[Site]:
    """The page on a free port of 127.0.0.1, with the OCR service given (None: OCR off)."""
    store = EvidenceStore(settings.evidence_dir)
    registration = await Registration.create(db, store, ocr)
    desk = ReviewDesk(registration)
    web_settings = WebSettings(_env_file=None, url="http://127.0.0.1")  # type: ignore[call-arg]
    runner = web.AppRunner(make_app(registration, desk, web_settings), access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = runner.addresses[0][1]
    try:
        yield Site(f"http://127.0.0.1:{port}", db, registration, store)
    finally:
        await runner.cleanup()
        await registration.close()


@pytest.fixture
async def site(db: Database, settings: Settings) -> AsyncIterator[Site]:
    async with serving(db, settings, None) as served:
        yield served


@pytest.fixture
async def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        launched = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                           args=["--no-sandbox"])
        yield launched
        await launched.close()


async def phone(browser):
    """A new browser context the size of a phone: another person, or another phone."""
    context = await browser.new_context(viewport=PHONE, device_scale_factor=1, locale="zh-CN")
    return context, await context.new_page()


async def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
