"""What OCR reads from a photo reaches the page that is open: the person sends the certificate,
sees that it is being read, and the reading appears without them reloading or tapping."""

from __future__ import annotations

import pytest

from ocr.service import OcrService
from tests.e2e.test_ocr_dialog import OCR_WAIT, national_certificate
from tests.web.conftest import phone, serving
from tests.web.people import AtPhone

pytestmark = pytest.mark.e2e


@pytest.fixture
async def ocr_site(db, settings):
    async with serving(db, settings, OcrService("rapidocr", workers=1, timeout=OCR_WAIT)) as s:
        yield s


async def test_the_reading_appears_on_the_open_page_by_itself(ocr_site, browser, tmp_path):
    data, truth = national_certificate()
    photo = tmp_path / "certificate.jpg"
    photo.write_bytes(data)
    context, page = await phone(browser)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    me = AtPhone(page, ocr_site.url, "ocr-push")
    await me.open("/")
    await me.press("开始登记")
    await me.press("同意")
    await me.press("本人填写")
    await me.press("农民")
    assert "正在识别" in await me.photo(photo)
    await me.shot("reading")

    offer = page.locator(".bubble.bot", has_text="照片上写着")
    await offer.wait_for(timeout=OCR_WAIT * 1000)  # nobody touches the page meanwhile
    text = await me.text()
    assert truth["title"] in text and "正在识别" not in text
    assert any(url.endswith("/news") for url in asked), "the page asked whether it was read"
    assert await page.locator("main[data-waiting]").count() == 0  # and stopped asking
    await me.shot("read")
    await context.close()


async def test_news_says_nothing_to_a_stranger(site):
    import aiohttp

    async with aiohttp.ClientSession() as http, http.get(site.url + "/news") as response:
        assert response.status == 200 and await response.json() == {"waiting": False}
        assert "connect-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_reading_that_never_came_does_not_keep_the_page_reloading():
    """The server restarted while a photo was read: the page stops waiting for it."""
    import time

    from web.app import READING_AT_MOST, _reading

    assert _reading({"waiting": time.time()})
    assert not _reading({"waiting": time.time() - READING_AT_MOST - 1})
    assert not _reading({"waiting": True}) and not _reading(None)  # a screen kept before
