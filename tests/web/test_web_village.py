"""A village poster's link in a real Chromium at 360×740: opened in the middle of a form it asks
to confirm that village; 不是，换一个 leads to the search, which forgives and pages."""

from __future__ import annotations

import pytest

from tests.services_scenario import photo_bytes
from tests.test_dialog_flow import VILLAGE
from tests.web.conftest import phone
from tests.web.people import AtPhone
from tests.web.test_web_flow import up_to_household

pytestmark = pytest.mark.e2e


async def test_poster_link_mid_form_asks_to_confirm_then_search_forgives(site, browser, tmp_path):
    photo = tmp_path / "certificate.jpg"
    photo.write_bytes(photo_bytes())
    context, page = await phone(browser)
    me = AtPhone(page, site.url, "village")
    await me.open("/")
    await me.press("开始登记")
    await up_to_household(me, photo)
    assert "直接打村名" in await me.last()  # no link yet: the ordinary question
    await me.open(f"/?v={VILLAGE}")  # the poster, scanned now
    assert page.url == site.url + "/"  # the code is not kept in the address bar
    assert "户口是在“延吉市 小营镇 光进村”吗？" in await me.last()
    await me.shot("confirm")
    await me.press("不是，换一个")
    assert "同名的村很多，请加上乡镇名" in await me.say("新兴")
    await me.shot("crowded")
    assert "第 2 页" in await me.press("更多")
    await me.press("重新输入村名")
    await me.say("坦途双保")
    await me.press("坦途镇 双宝岱村")
    assert "详细地址" in await me.last()
    await context.close()


async def test_poster_link_with_no_village_starts_as_usual(site, browser):
    context, page = await phone(browser)
    me = AtPhone(page, site.url, "village-unknown")
    assert "开始登记" in await me.open("/?v=999999999999")
    assert "同意吗" in await me.press("开始登记")
    await context.close()
