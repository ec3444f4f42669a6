"""Bad input on the public page: each gets a clear Chinese message and the same question, and
nothing is stored."""

from __future__ import annotations

import pytest

from tests.imagegen import pdf_bytes
from tests.web.conftest import phone
from tests.web.people import AtPhone

pytestmark = pytest.mark.e2e


async def to_certificate_photo(me: AtPhone) -> None:
    await me.open("/")
    await me.press("开始登记")
    for label in ("同意", "本人填写", "农民", "全国劳动模范",
                  "中共中央 国务院"):
        await me.press(label)
    await me.say("2015年4月")
    await me.press("全国劳模待遇")
    await me.press("是，荣誉保持着")
    await me.say("中发[2015]10号")


def stored_files(site) -> list:
    root = site.store.root
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def test_bad_input_gets_a_message_and_the_same_question(site, browser, tmp_path):
    context, page = await phone(browser)
    me = AtPhone(page, site.url, "bad-input")
    await to_certificate_photo(me)
    question = await me.last()
    assert "证书" in question

    # A forged CSRF token: refused, nothing applied.
    await page.evaluate("document.querySelector('input[name=csrf]').value = 'forged'")
    async with page.expect_navigation():
        await page.get_by_role("button", name="暂时没有，以后再补").click()
    assert "页面已经过期" in await me.text()
    await me.shot("forged-csrf")
    await me.open("/")
    assert await me.last() == question

    # 30 MB, and a PDF named .jpg: the Telegram path's checks and words.
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + bytes(30 * 1024 * 1024))
    assert "超过 20MB" in await me.photo(big)
    assert await me.last() == question
    await me.shot("too-large")
    fake = tmp_path / "document.jpg"
    fake.write_bytes(pdf_bytes())
    assert "不是照片" in await me.photo(fake)
    assert await me.last() == question
    assert stored_files(site) == []

    await me.press("暂时没有，以后再补")
    await me.press("暂时没有，以后再补")
    await me.press("没有了")
    name_question = await me.last()
    assert "姓名" in name_question

    # 10,000 characters (past the box's own limit) and a script tag: text, never run.
    await page.evaluate("document.querySelector('#answer').removeAttribute('maxlength')")
    said = await me.say("金" * 10_000)
    assert "姓名一般是 2 到 30 个字" in said or "太长" in said
    assert await me.last() == name_question
    script = "<script>window.hacked = 1</script><img src=x onerror='window.hacked=2'>"
    said = await me.say(script)
    assert script in said  # shown as the person typed it
    assert await page.evaluate("window.hacked === undefined")
    assert await me.last() == name_question
    await me.shot("script-as-text")

    # Another person's things: nothing in any URL names a draft, and ids there do nothing.
    other_ctx, other_page = await phone(browser)
    other = AtPhone(other_page, site.url, "other-person")
    assert "开始登记" in await other.open("/?draft=1&id=1&registration_id=1")
    for path in ("/evidence/0", "/evidence/1"):
        response = await other_page.goto(site.url + path)
        assert response.status == 404
    await me.open("/")
    headers = (await page.goto(site.url + "/")).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    cookies = await context.cookies()
    assert [(c["httpOnly"], c["sameSite"]) for c in cookies] == [(True, "Strict")]
    await other_ctx.close()
    await context.close()
