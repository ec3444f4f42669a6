"""조선말 in the phone browser: a browser asking for Korean (Accept-Language ko) gets the page
and the form in Korean; the link at the top switches to Chinese mid-form, answers kept."""

from __future__ import annotations

import pytest

from tests.web.conftest import PHONE
from tests.web.people import AtPhone

pytestmark = pytest.mark.e2e


async def test_a_korean_browser_fills_in_korean_and_switches_to_chinese_keeping_answers(
    site, browser
):
    context = await browser.new_context(viewport=PHONE, locale="ko-KR")
    page = await context.new_page()
    me = AtPhone(page, site.url, "korean")
    welcome = await me.open("/")
    assert "안녕하십니까" in welcome and "统计登记" not in welcome
    assert await page.get_attribute("html", "lang") == "ko"
    assert await page.inner_text("header a.lang") == "中文"
    assert "동의하십니까" in await me.press("등록 시작")
    await me.press("동의합니다")
    await me.press("본인이 적습니다")
    await me.press("농민")
    assert "영예칭호" in await me.last()
    await me.shot("korean-title-question")

    async with page.expect_navigation():
        await page.click("header a.lang")
    switched = await me.text()
    assert "下面用中文" in switched and "荣誉称号" in await me.last()
    assert await page.inner_text("header a.lang") == "조선말"
    await me.press("全国劳动模范")  # the answers before the switch hold: on to the next question
    assert "哪个机关" in await me.last()
    async with site.db.uow(read_only=True) as uow:
        drafts = [r for r in await uow.registrations.list() if r.status == "draft"]
    assert [d.state["person"]["filled_by"] for d in drafts] == ["self"]
    assert [d.state["lang"] for d in drafts] == ["zh-CN"]
    await context.close()
