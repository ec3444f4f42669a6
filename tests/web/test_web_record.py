"""The web chat keeps its record too: the answered question stays on the page as
"question ✔ answer", without its buttons, above the next question."""

from __future__ import annotations

import pytest

from dialogs.texts import t
from tests.web.conftest import phone
from tests.web.people import AtPhone

pytestmark = pytest.mark.e2e


async def test_the_answered_bubble_shows_the_answer_and_loses_its_buttons(site, browser):
    context, page = await phone(browser)
    me = AtPhone(page, site.url, "record")
    await me.open("/")
    await me.press("开始登记")
    await me.press("同意")
    answered = page.locator(".bubble.answered")
    assert await answered.inner_text() == t("q.consent") + "\n✔ 同意"
    await me.press("本人填写")
    await me.press("农民")
    assert await answered.inner_text() == "获奖人现在属于哪一类？\n✔ 农民"
    assert await page.get_by_role("button", name="农民", exact=True).count() == 0
    assert t("q.title.typed") in await me.last()  # OCR is off here
    await me.press("全国劳动模范")
    await me.press("中共中央 国务院")
    await me.say("2015年4月")  # typed answers are kept the same way
    assert await answered.inner_text() == "是哪年哪月表彰的？\n✔ 2015年4月"
    await me.shot("record")
    await context.close()
