"""End to end: a reviewer's side that does not confuse a clerk (issue 19, points 14–16): full
committee names, cards that show the truth, what changed on a resubmission, photos once, a way
forward for non-reviewers, and no empty drafts from stray presses (the real bot process, the
real admin CLI, the Telegram emulator)."""

from __future__ import annotations

import json

import pytest

from storage.records import Address
from tests.e2e.flows import VILLAGE, open_db
from tests.e2e.honoree import Honoree
from tests.e2e.test_review import cli, enrol, invite, notified, submit_entry

pytestmark = pytest.mark.e2e

RENYI = "220421100202"  # 仁义村 of 东丰镇: four villages of Jilin are called 仁义村
WANBAO = "222426105203"  # 万宝村 of 安图县万宝镇: 宽城区 has a 万宝镇万宝村 too


def current(person: Honoree, message_id: int) -> dict:
    """A bot message as the chat shows it now (after any edits)."""
    return person.user.chat.messages[message_id].data


def photos_sent(person: Honoree) -> int:
    return sum(1 for e in person.user.chat.events if e.data.get("photo"))


def button_data(person: Honoree, message_id: int, label: str) -> str:
    """The callback data of a button on one bot message (to press an older one)."""
    rows = current(person, message_id)["reply_markup"]["inline_keyboard"]
    return next(b["callback_data"] for row in rows for b in row if b["text"] == label)


async def open_card(staff: Honoree, label: str = "查看") -> int:
    await staff.user.press(label)
    card = await staff.user.wait_for(lambda m: "登记编号" in m.text and "✅ 确认" in str(m.buttons))
    return card.message_id


async def active_draft(data_dir, user_id: int):
    db = await open_db(data_dir)
    async with db.uow(read_only=True) as uow:
        found = await uow.registrations.get_active(Address("tg", str(user_id)))
    await db.dispose()
    return found


async def test_committees_are_named_with_their_township_everywhere(emulator, data_dir, bot):
    opened = json.loads(cli(data_dir, "committee", "add", "--division", WANBAO, "--json"))
    assert opened["name"] == "安图县万宝镇万宝村"  # the township alone is not enough here
    token = await invite(data_dir, RENYI)
    staff = await enrol(emulator, 7501, "李秀梅", token)
    assert "您现在是“东丰镇仁义村”的审核人员" in staff.last
    assert "东丰镇仁义村：待审核 0 条" in await staff.say("/queue")

    reviewers = json.loads(cli(data_dir, "reviewer", "list", "--json"))
    assert [r["committee"] for r in reviewers] == ["东丰镇仁义村"]
    names = {c["name"] for c in json.loads(cli(data_dir, "committee", "list", "--json"))}
    assert names == {"东丰镇仁义村", "安图县万宝镇万宝村"}
    made = json.loads(
        cli(data_dir, "invite", "--division", RENYI, "--json", "--bot-username", "honoree_test_bot")
    )
    assert made["committee"] == "东丰镇仁义村"


async def test_cards_show_the_decision_and_old_cards_do_not_stay_live(emulator, data_dir, bot):
    cli(data_dir, "committee", "add", "--division", VILLAGE)
    both = await invite(data_dir, VILLAGE, "--uses", "2")
    staff = await enrol(emulator, 7601, "李秀梅", both)
    colleague = await enrol(emulator, 7602, "王", both)
    await submit_entry(emulator, 5601, staff, colleague)

    old = await open_card(staff)
    await staff.say("/queue")
    new = await open_card(staff, staff.buttons()[0])
    assert new != old
    their = await open_card(colleague)

    assert "已确认" in await staff.press("✅ 确认")
    card = current(staff, new)
    assert "（已确认）" in card["text"] and "（待审核）" not in card["text"]
    assert not card.get("reply_markup")  # the decided card has no buttons left

    # 退回修改 on an older card of the same entry: at once "already confirmed", by "you".
    await staff.user.press_callback_data(button_data(staff, old, "↩️ 退回修改"), message_id=old)
    said = await staff.answer()
    assert "您已经处理过这条登记了（已确认）" in said and "原因" not in said
    assert "（已确认）" in current(staff, old)["text"]
    assert not current(staff, old).get("reply_markup")

    # A colleague's card: told who did it, in the third person, and the card catches up.
    await colleague.user.press("✅ 确认")
    assert "这条登记已经由“小营镇光进村 李秀梅”处理了（已确认）" in await colleague.answer()
    assert "（已确认）" in current(colleague, their)["text"]


async def test_a_resubmission_says_what_changed_and_photos_come_once(emulator, data_dir, bot):
    cli(data_dir, "committee", "add", "--division", VILLAGE)
    staff = await enrol(emulator, 7701, "李秀梅", await invite(data_dir, VILLAGE))
    farmer = await submit_entry(emulator, 5701, staff)

    card = await open_card(staff)
    first_album = photos_sent(staff)
    assert first_album == 3
    await staff.say("/queue")
    again = await open_card(staff, staff.buttons()[0])
    assert photos_sent(staff) == first_album  # not sent a second time
    assert "照片在上面" in current(staff, again)["text"]

    menu = await staff.press("↩️ 退回修改")
    assert "退回修改的原因" in menu
    await staff.press("缺少表彰文件的照片，请补拍")
    returned = current(staff, again)
    assert "（退回修改）" in returned["text"] and not returned.get("reply_markup")
    await staff.user.press_callback_data(button_data(staff, card, "✅ 确认"), message_id=card)
    assert "您已经处理过这条登记了（退回修改）" in await staff.answer()  # the card opened first
    assert "（退回修改）" in current(staff, card)["text"]

    await notified(farmer, "需要修改")
    await farmer.say("/start")
    await farmer.press("✏️ 修改")
    await farmer.press("基本信息")
    await farmer.press("现在的住址")
    await farmer.say("延吉市河南街道 8 号")
    assert "提交成功" in await farmer.press("✅ 确认提交")
    notice = await notified(staff, "重新提交")
    assert "改动的地方" in notice and "现居住地址：" in notice
    assert "→ 延吉市河南街道 8 号" in notice
    assert "13912345678" not in notice  # unchanged, and never in full in a notice

    await staff.user.press("查看")
    card = await staff.user.wait_for(lambda m: "登记编号" in m.text and "✅ 确认" in str(m.buttons))
    assert photos_sent(staff) == 2 * first_album  # a new version: its photos once more
    assert card.text.index("这次改动的地方") < card.text.index("现居住地址")


async def test_non_reviewers_learn_the_way_in_and_stray_presses_open_no_draft(
    emulator, data_dir, bot
):
    stranger = Honoree(emulator.user(user_id=5801, first_name="张"))
    refused = await stranger.say("/queue")
    assert "邀请链接" in refused and "乡镇（街道）" in refused and "/start" in refused

    await stranger.user.press_callback_data("gender#|1")  # an old button of no form
    assert await stranger.user.callback_answer()
    assert "同意吗" in await stranger.answer()  # the first question, as /start asks it
    assert await active_draft(data_dir, 5801) is None
    await stranger.press("同意")  # answering it opens the form
    assert await active_draft(data_dir, 5801) is not None

    cli(data_dir, "committee", "add", "--division", VILLAGE)
    staff = await enrol(emulator, 7801, "李秀梅", await invite(data_dir, VILLAGE))
    await staff.user.press_callback_data("consent#|0")
    assert await staff.user.callback_answer()
    assert "请选择" in await staff.answer()  # their menu
    assert staff.buttons() == ["📋 待审核列表", "✍️ 代为登记"]
    assert await active_draft(data_dir, 7801) is None
