"""The whole web channel in a real Chromium at 360×740: a honoree registers (a photo, one edit),
a reviewer in another browser confirms, returns are fixed and resubmitted, the resume code
continues on a third phone and locks after 5 wrong tries. Screenshots in tests/artifacts/web/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.invites import create_invite
from tests.services_scenario import photo_bytes
from tests.test_dialog_flow import FAKE_ID, VILLAGE
from tests.web.conftest import phone
from tests.web.people import AtPhone

pytestmark = pytest.mark.e2e


async def up_to_household(me: AtPhone, photo) -> None:
    """From the consent question to the household question: one national award, a photo."""
    await me.press("同意")
    await me.press("本人填写")
    await me.press("农民")
    await me.shot("award-title")
    await me.press("全国劳动模范")
    await me.press("中共中央 国务院")
    await me.say("2015年4月")
    await me.press("全国劳模待遇")
    assert "符合登记条件" in await me.press("是，荣誉保持着")
    await me.shot("eligible")
    await me.say("中发[2015]10号")
    await me.shot("photo-question")
    assert "收到 1 张" in await me.photo(photo, camera=True)
    await me.press("完成")
    await me.press("暂时没有，以后再补")
    await me.press("没有了")
    await me.say("金 明 浩")
    assert "民族" in await me.say(FAKE_ID)
    await me.press("朝鲜族")
    await me.press("群众")
    await me.press("初中")


async def register(me: AtPhone, photo) -> str:
    """From the poster's link to the receipt; returns the receipt page's text."""
    assert "开始登记" in await me.open(f"/?v={VILLAGE}")
    await me.shot("welcome")
    assert "同意吗" in await me.press("开始登记")
    await up_to_household(me, photo)
    # the poster's link named the village: confirmed, not searched
    assert "户口是在“延吉市 小营镇 光进村”吗？" in await me.last()
    await me.shot("hukou-from-poster")
    await me.press("是")
    await me.say("3组15号")
    await me.press("和户籍地址相同")
    await me.say("13912345678")
    await me.press("有")
    card = await me.press("否")
    assert "文化程度：初中" in card and FAKE_ID in card
    await me.shot("summary")
    await me.press("✏️ 修改")
    await me.press("基本信息")
    assert "原来填的是：初中" in await me.press("文化程度")
    assert "文化程度：高中" in await me.press("高中")
    receipt = await me.press("✅ 确认提交")
    await me.shot("receipt")
    return receipt


async def test_register_review_return_resubmit_and_resume(site, browser, tmp_path):
    photo = tmp_path / "certificate.jpg"
    photo.write_bytes(photo_bytes())
    made = await create_invite(site.db, VILLAGE, role=None, lifetime=timedelta(days=1), uses=1,
                               actor="test")

    honoree_ctx, honoree_page = await phone(browser)
    honoree = AtPhone(honoree_page, site.url, "honoree")
    receipt = await register(honoree, photo)
    assert "提交成功" in receipt and "小营镇光进村" in receipt
    reg_no = receipt.split("登记编号：")[1].split()[0]
    code = receipt.split("续填码：")[1].split()[0]
    assert len(code) == 9 and FAKE_ID not in honoree_page.url and code not in honoree_page.url

    reviewer_ctx, reviewer_page = await phone(browser)
    staff = AtPhone(reviewer_page, site.url, "reviewer")
    await staff.open(f"/join/{made.token}")
    await reviewer_page.fill("#name", "李主任")
    welcome = await staff.press("确认加入")
    assert "小营镇光进村" in welcome
    await staff.shot("enrolled")
    queue = await staff.press("📋 待审核列表")
    assert "待审核 1 条" in queue
    await staff.shot("queue")
    entry = await reviewer_page.get_by_role("button").filter(has_text="金明浩").first.inner_text()
    card = await staff.press(entry)
    assert reg_no in card and "222401********" in card and FAKE_ID not in card
    assert await reviewer_page.locator(".album img").count() == 1
    shown = await reviewer_page.evaluate(
        "document.querySelector('.album img').naturalWidth")
    assert shown == 1200  # the evidence photo itself, served to this reviewer
    await staff.shot("entry-card")
    assert FAKE_ID in await staff.press("🔎 看完整身份证号")
    await staff.shot("revealed")
    assert FAKE_ID not in await staff.open("/")  # shown once, not kept on the page

    await staff.press("↩️ 退回修改")
    await staff.press("✏️ 输入其他原因")
    said = await staff.say("表彰文件只拍了一页，请把首页也拍上")
    assert "已退回修改" in said

    status = await honoree.open("/status")
    assert "被退回修改" in status and "表彰文件只拍了一页" in status
    await honoree.shot("status-returned")
    reopened = await honoree.press("去修改并重新提交")
    assert "表彰文件只拍了一页" in reopened
    await honoree.press("✏️ 修改")
    await honoree.press("基本信息")
    await honoree.press("现在的住址")
    await honoree.say("延吉市河南街道 8 号")
    again = await honoree.press("✅ 确认提交")
    assert "提交成功" in again and reg_no in again

    await staff.open("/")
    await staff.press("📋 待审核列表")
    card = await staff.press(entry)
    assert "延吉市河南街道 8 号" in card
    assert card.index("这次改动的地方") < card.index("→ 延吉市河南街道 8 号")  # changes first
    decided = await staff.press("✅ 确认")
    assert "已确认" in decided
    assert "（已确认）" in decided and "（待审核）" not in decided  # the card shows the decision
    status = await honoree.open("/status")
    assert "村（社区）已确认" in status and reg_no in status
    await honoree.shot("status-confirmed")
    async with site.db.uow(read_only=True) as uow:
        entry_row = await uow.registrations.get_by_reg_no(reg_no)
        events = await uow.audit.list(registration_id=entry_row.id)
    reviewed = {e.action for e in events if e.actor.startswith("web:")}
    assert {"review.viewed", "review.id_revealed", "review.returned",
            "review.confirmed"} <= reviewed  # each step audited, as a web reviewer

    # 代为登记: the reviewer fills the form for someone without a phone, in the same page.
    await staff.open("/")
    assert "同意吗" in await staff.press("✍️ 代为登记")
    await staff.press("同意")
    await staff.shot("assisted")

    # A third phone: the resume code with the last 4 digits continues; wrong tries lock.
    other_ctx, other_page = await phone(browser)
    other = AtPhone(other_page, site.url, "other-phone")
    await other.open("/")
    await other.open("/resume")
    await other_page.fill("#code", code.lower())
    await other_page.fill("#last4", FAKE_ID[-4:])
    resumed = await other.press("接着填")
    assert "找到了" in resumed
    assert reg_no in await other.open("/status")

    thief_ctx, thief_page = await phone(browser)
    thief = AtPhone(thief_page, site.url, "wrong-tries")
    await thief.open("/")
    for attempt in range(6):
        await thief.open("/resume")
        await thief_page.fill("#code", code)
        await thief_page.fill("#last4", "0000" if attempt < 5 else FAKE_ID[-4:])
        said = await thief.press("接着填")
        assert ("不对" if attempt < 4 else "次数太多") in said, attempt
    await thief.shot("locked")
    assert reg_no not in await thief.open("/status")
    for context in (honoree_ctx, reviewer_ctx, other_ctx, thief_ctx):
        await context.close()
