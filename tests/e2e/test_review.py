"""End to end: committee staff enrol by invite and review entries in chat (the real bot process,
the real admin CLI, the Telegram emulator)."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from coordination.base import LEASE_TTL
from storage.records import Status
from testkit.botproc import SECRET, admin
from testkit.fakes import fake_id_number
from tests.e2e.flows import FAKE_ID, VILLAGE, n1_award, open_db, register_farmer
from tests.e2e.honoree import Honoree

pytestmark = [pytest.mark.e2e, pytest.mark.both_engines]

OTHER_VILLAGE = "222401100202"  # 吉兴村, the same township (小营镇)


def cli(data_dir, *args: str, **env: str) -> str:
    """`honoree-admin ARGS` as a real process, on the test's encrypted database."""
    return admin(data_dir, *args, env_extra={"HONOREE_SECRET_KEY": SECRET, **env})


async def invite(data_dir, division: str, *args: str, api: str | None = None) -> str:
    """`honoree-admin invite` as a real process; returns the token of the printed link.

    With `api`, the CLI asks the emulator's getMe for the bot's username, so it runs in a
    thread while the emulator keeps answering on this loop.
    """
    env = {"HONOREE_TELEGRAM_API": api} if api else {}
    if not api:
        args = (*args, "--bot-username", "honoree_test_bot")
    out = await asyncio.to_thread(
        cli, data_dir, "invite", "--division", division, "--json", *args, **env
    )
    link = json.loads(out)["link"]
    assert link.startswith("https://t.me/honoree_test_bot?start=")
    return parse_qs(urlparse(link).query)["start"][0]


async def enrol(emulator, user_id: int, name: str, token: str) -> Honoree:
    staff = Honoree(emulator.user(user_id=user_id, first_name=name))
    said = await staff.say(f"/start {token}")
    assert "审核人员" in said, said
    assert staff.buttons() == ["📋 待审核列表", "✍️ 代为登记"]
    return staff


async def notified(person: Honoree, *words: str, timeout: float = 15) -> str:
    """Wait for a message (from the outbox worker) containing all `words`."""
    message = await person.user.wait_for(lambda m: all(w in m.text for w in words),
                                         timeout=timeout)
    return message.text


async def submit_entry(emulator, user_id: int, *reviewers: Honoree) -> Honoree:
    """A farmer's whole registration, submitted, once every reviewer has heard of it."""
    farmer = Honoree(emulator.user(user_id=user_id, first_name="金"))
    await register_farmer(farmer)
    await farmer.press("✅ 确认提交")
    for staff in reviewers:
        await notified(staff, "新增 1 条待审核")
    return farmer


async def audit_actions(data_dir, reg_id: int | None = None) -> list[str]:
    db = await open_db(data_dir)
    async with db.uow() as uow:
        events = await uow.audit.list(registration_id=reg_id, limit=500)
    await db.dispose()
    return [e.action for e in reversed(events)]


async def test_invite_notify_view_return_fix_and_confirm(emulator, data_dir, bot, tmp_path):
    cli(data_dir, "committee", "add", "--division", VILLAGE, "--contact", "0433-1234567")
    qr = tmp_path / "invite.png"
    token = await invite(data_dir, VILLAGE, "--qr", str(qr), api=emulator.base_url)
    assert qr.read_bytes().startswith(b"\x89PNG") and len(token) <= 64

    staff = await enrol(emulator, 7001, "李主任", token)
    assert "小营镇光进村" in staff.last
    stranger = Honoree(emulator.user(user_id=7002, first_name="张"))
    assert "用不了" in await stranger.say(f"/start {token}")  # single use

    farmer = Honoree(emulator.user(user_id=5101, first_name="金"))
    await register_farmer(farmer)
    submitted = await farmer.press("✅ 确认提交")
    assert "提交成功" in submitted and "小营镇光进村" in submitted
    assert "金明浩" in await notified(staff, "新增 1 条待审核")

    await staff.user.press("查看")
    card = await staff.user.wait_for(lambda m: "登记编号" in m.text)
    album = [m for m in staff.user.chat.events[-8:] if m.data.get("photo")]
    assert len(album) == 3 and len({m.data.get("media_group_id") for m in album}) == 1
    assert album[0].data["media_group_id"] and "共 3 张" in album[0].data["caption"]
    assert "222401********" in card.text and FAKE_ID not in card.text
    assert "N1（国家级）" in card.text and "统计类别依据" in card.text and "金明浩" in card.text

    await staff.user.press("🔎 看完整身份证号")
    assert FAKE_ID in await staff.user.callback_answer()

    await staff.press("↩️ 退回修改")
    assert "退回修改的原因" in staff.last
    await staff.press("✏️ 输入其他原因")
    said = await staff.say("表彰文件只拍了一页，请把首页也拍上")
    assert "已退回修改" in said and "金明浩" in said
    returned = staff.user.chat.messages[card.message_id].data  # the card, edited in place
    assert "（退回修改）" in returned["text"] and not returned.get("reply_markup")

    told = await notified(farmer, "需要修改")
    assert "表彰文件只拍了一页" in told
    reopened = await farmer.say("/start")
    assert "退回修改" in reopened and "表彰文件只拍了一页" in reopened and "请核对" in reopened
    await farmer.press("✏️ 修改")
    await farmer.press("基本信息")
    await farmer.press("现在的住址")
    await farmer.say("延吉市河南街道 8 号")
    again = await farmer.press("✅ 确认提交")
    reg_no = submitted.split("登记编号：")[1].split()[0]
    assert "提交成功" in again and reg_no in again  # the same number

    await notified(staff, "重新提交")
    await staff.user.press("查看")
    card = await staff.user.wait_for(lambda m: "登记编号" in m.text and "✅ 确认" in str(m.buttons))
    assert "延吉市河南街道 8 号" in card.text
    assert "已确认" in await staff.press("✅ 确认")
    assert reg_no in await notified(farmer, "确认了", "小营镇光进村")

    db = await open_db(data_dir)
    async with db.uow() as uow:
        entry = (await uow.registrations.list(committee_id=1))[0]
    await db.dispose()
    assert entry.status is Status.CONFIRMED
    history = await audit_actions(data_dir, entry.id)
    assert history == [
        "submitted", "review.viewed", "review.id_revealed", "review.returned",
        "submitted", "review.viewed", "review.confirmed",
    ]  # fmt: skip
    everything = await audit_actions(data_dir)
    assert "review.enrolled" in everything and "review.enrol_refused" in everything


async def test_other_village_forgery_concurrent_decisions_and_revocation(emulator, data_dir, bot):
    cli(data_dir, "committee", "add", "--division", VILLAGE)
    cli(data_dir, "committee", "add", "--division", OTHER_VILLAGE)
    both = await invite(data_dir, VILLAGE, "--uses", "2")
    first = await enrol(emulator, 7101, "甲", both)
    second = await enrol(emulator, 7102, "乙", both)
    outsider = await enrol(emulator, 7103, "丙", await invite(data_dir, OTHER_VILLAGE))

    await submit_entry(emulator, 5102, first, second)
    db = await open_db(data_dir)
    async with db.uow() as uow:
        reg_id = (await uow.registrations.list(statuses=[Status.SUBMITTED]))[0].id
    await db.dispose()

    # Another village's reviewer: the queue does not list it, and a forged press is refused.
    assert "待审核 0 条" in await outsider.say("/queue")
    await outsider.user.press_callback_data(f"r|open|{reg_id}")
    assert "无权操作" in await outsider.user.callback_answer()
    await outsider.user.press_callback_data(f"r|ok|{reg_id}|99")
    assert "无权操作" in await outsider.user.callback_answer()
    await outsider.user.press_callback_data("r|open|1|2|3; DROP TABLE")
    assert "过期" in await outsider.user.callback_answer()
    assert not any("登记编号" in (e.data.get("text") or "") for e in outsider.user.chat.events)

    # Two reviewers of the village decide at the same moment: exactly one wins.
    queue = await first.say("/queue")
    assert "待审核 1 条" in queue
    await first.user.press(first.buttons()[0])
    await first.user.wait_for(lambda m: "登记编号" in m.text)
    await second.say("/queue")
    await second.user.press(second.buttons()[0])
    await second.user.wait_for(lambda m: "登记编号" in m.text)
    await second.press("↩️ 退回修改")
    blurry = "证书或文件照片看不清，请重新拍清楚"
    await asyncio.gather(first.user.press("✅ 确认"), second.user.press(blurry))
    said = {"first": await first.answer(), "second": await second.answer()}
    winners = [k for k, v in said.items() if "✅ 已确认：" in v or "↩️ 已退回修改：" in v]
    losers = [k for k, v in said.items() if "这条登记已经由“小营镇光进村" in v]
    assert len(winners) == 1 and len(losers) == 1, said
    history = await audit_actions(data_dir, reg_id)
    assert sum(a in ("review.confirmed", "review.returned") for a in history) == 1
    assert "review.denied" in await audit_actions(data_dir)

    # Revocation applies from the next press.
    rows = json.loads(cli(data_dir, "reviewer", "list", "--json"))
    second_id = next(r["id"] for r in rows if r["external_id"] == "7102")
    cli(data_dir, "reviewer", "revoke", str(second_id))
    await second.user.press_callback_data("r|list")  # 📋 返回列表: decided cards have none left
    assert "只供" in await second.user.callback_answer()
    await notified(second, "审核权限已经收回")


async def test_assisted_registration_lands_in_the_staff_queue(emulator, data_dir, bot):
    cli(data_dir, "committee", "add", "--division", VILLAGE)
    staff = await enrol(emulator, 7201, "李", await invite(data_dir, VILLAGE))
    assert "请选择" in await staff.say("你好")  # a reviewer without an open form gets the menu

    await staff.user.press("✍️ 代为登记")
    opened = await staff.answer()
    assert "开始代为登记" in opened and "同意吗" in opened
    assert "健在" in await staff.press("同意")  # 填报人 is answered already: 工作人员代填
    await staff.press("健在")
    await staff.press("农民")
    await n1_award(staff)
    await staff.press("没有了")
    await staff.say("朴顺姬")
    await staff.say(fake_id_number(date(1962, 3, 4), "女", region="222401", seq=12))
    await staff.press("朝鲜族")
    await staff.press("群众")
    hukou = await staff.press("小学及以下")
    assert "小营镇" in hukou and "吉兴村" in staff.buttons()  # the picker starts in the township
    await staff.press("吉兴村")  # a village without a committee of its own
    await staff.say("2组7号")
    await staff.press("和户籍地址相同")
    await staff.say("13812345678")
    await staff.press("有")
    card = await staff.press("否")
    assert "谁在填写：村（社区）工作人员代填" in card and "吉兴村" in card
    done = await staff.press("✅ 确认提交")
    assert "提交成功" in done and "小营镇光进村" in done

    assert "待审核 1 条" in await staff.say("/queue") and "朴顺姬" in str(staff.buttons())
    actions = await audit_actions(data_dir)
    assert "review.assist_started" in actions and "review.routed" in actions


async def unreachable_chats(data_dir) -> set[int]:
    db = await open_db(data_dir)
    async with db.uow(read_only=True) as uow:
        unreachable = await uow.notifications.unreachable()
    await db.dispose()
    return {int(who.external_id) for who in unreachable if who.channel == "tg"}


async def test_an_honoree_who_blocked_the_bot_hears_the_decision_after_coming_back(
    emulator, data_dir, bot
):
    cli(data_dir, "committee", "add", "--division", VILLAGE)
    staff = await enrol(emulator, 7301, "王主任", await invite(data_dir, VILLAGE))
    farmer = Honoree(emulator.user(user_id=5301, first_name="朴"))
    await register_farmer(farmer)
    assert "提交成功" in await farmer.press("✅ 确认提交")
    await notified(staff, "新增 1 条待审核")

    emulator.block_user(5301)
    await staff.user.press("查看")
    await staff.user.wait_for(lambda m: "登记编号" in m.text)
    await staff.press("↩️ 退回修改")
    await staff.press("✏️ 输入其他原因")
    assert "已退回修改" in await staff.say("请补拍表彰文件的首页")
    for _ in range(150):  # the notice meets a 403: the chat is marked unreachable
        if 5301 in await unreachable_chats(data_dir):
            break
        await asyncio.sleep(0.1)
    assert 5301 in await unreachable_chats(data_dir)

    emulator.unblock_user(5301)
    assert "请补拍表彰文件的首页" in await farmer.say("/start")  # writing again unblocks
    assert "提交成功" in await farmer.press("✅ 确认提交")
    await notified(staff, "重新提交")
    await staff.user.press("查看")
    await staff.user.wait_for(lambda m: "登记编号" in m.text and "✅ 确认" in str(m.buttons))
    assert "已确认" in await staff.press("✅ 确认")
    assert "小营镇光进村" in await notified(farmer, "确认了")
    assert 5301 not in await unreachable_chats(data_dir)


async def test_a_reason_typed_after_a_restart_of_the_bot_still_counts(emulator, data_dir, bot):
    cli(data_dir, "committee", "add", "--division", VILLAGE)
    staff = await enrol(emulator, 7401, "赵主任", await invite(data_dir, VILLAGE))
    farmer = Honoree(emulator.user(user_id=5401, first_name="崔"))
    await register_farmer(farmer)
    await farmer.press("✅ 确认提交")
    await notified(staff, "新增 1 条待审核")
    await staff.user.press("查看")
    await staff.user.wait_for(lambda m: "登记编号" in m.text)
    await staff.press("❌ 不予登记")
    assert "原因" in await staff.press("✏️ 输入其他原因")

    bot.kill()
    await bot.start()
    # The restarted bot may answer the last press again (its ask for a reason), by design.
    await staff.user.send_text("该荣誉称号已被撤销")
    said = (await staff.user.wait_for(lambda m: "金明浩" in m.text, timeout=15)).text
    assert "不予登记" in said and "金明浩" in said
    # With Redis the killed bot's lease on the outbox sender runs out first (the bound)
    assert "该荣誉称号已被撤销" in await notified(farmer, "该荣誉称号已被撤销",
                                           timeout=2 * LEASE_TTL)
    assert "review.rejected" in await audit_actions(data_dir)
