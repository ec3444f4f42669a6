"""The page without JavaScript (a slow or old phone browser) and its weight."""

from __future__ import annotations

import pytest

from tests.services_scenario import photo_bytes
from tests.web.conftest import PHONE
from tests.web.people import AtPhone
from tests.web.test_web_bad_input import to_certificate_photo
from web.assets import STATIC

pytestmark = pytest.mark.e2e
MAX_PAGE_BYTES = 150 * 1024


async def test_works_without_javascript_and_weighs_little(site, browser, tmp_path):
    context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = await context.new_page()
    me = AtPhone(page, site.url, "no-js")
    await to_certificate_photo(me)
    photo = tmp_path / "certificate.jpg"
    photo.write_bytes(photo_bytes())
    await page.set_input_files('form.photo input[type="file"]:not([capture])', str(photo))
    async with page.expect_navigation():
        await page.get_by_role("button", name="上传这张照片").click()
    assert "收到 1 张" in await me.last()
    await me.shot("photo-without-js")
    html = len((await page.content()).encode())
    assets = sum(p.stat().st_size for p in STATIC.iterdir())  # all a page ever loads
    assert 0 < html + assets < MAX_PAGE_BYTES
    await context.close()
