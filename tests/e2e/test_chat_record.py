"""The chat keeps its record: each answered question's message reads "question ✔ answer"
without buttons, and the next question arrives as a new message."""

from __future__ import annotations

import pytest

from dialogs.texts import t
from tests.e2e.flows import FAKE_ID, n1_award, register_farmer, screen
from tests.e2e.honoree import Honoree
from tests.e2e.test_stale_buttons import stored

pytestmark = pytest.mark.e2e


def message(h: Honoree, message_id: int) -> tuple[str, list]:
    """What a bot message shows now: its text and its inline buttons."""
    data = h.user.chat.messages[message_id].data
    return data.get("text", ""), data.get("reply_markup", {}).get("inline_keyboard", [])


def newest_id(h: Honoree) -> int:
    return h.user.last_message.message_id


def live_buttons(h: Honoree) -> list[int]:
    """Ids of the bot messages that still have buttons to press."""
    return [m.data["message_id"] for m in h.user.chat.bot_messages()
            if m.data.get("reply_markup", {}).get("inline_keyboard")]


async def consent(h: Honoree, label: str) -> None:
    """/start and answer the privacy notice: it stays whole, with the answer under it."""
    await h.say("/start")
    notice = newest_id(h)
    await h.press(label)
    assert message(h, notice) == (t("q.consent") + f"\n✔ {label}", [])


async def test_answered_questions_stay_in_the_chat_with_their_answer(emulator, bot):
    h = Honoree(emulator.user(user_id=8501, first_name="白"))
    await consent(h, "同意")
    await h.press("本人填写")
    category = newest_id(h)
    asked = await h.press("农民")
    assert message(h, category) == ("获奖人现在属于哪一类？\n✔ 农民", [])
    title = t("q.title.typed")  # OCR is off in these runs
    assert newest_id(h) > category and title in asked
    assert title in message(h, newest_id(h))[0] and message(h, newest_id(h))[1]

    await h.press("全国劳动模范")
    await h.press("中共中央 国务院")
    when = newest_id(h)
    await h.say("二〇一五年四月")  # typed: the question's message keeps the answer too
    assert message(h, when) == ("是哪年哪月表彰的？\n✔ 2015年4月", [])
    await h.press("全国劳模待遇")
    await h.press("是，荣誉保持着")

    number = newest_id(h)
    assert "文号" in message(h, number)[0] and message(h, number)[1]  # 跳过
    refused = await h.say("不记得了")  # refused: the question comes again, below
    assert t("q.document_number") in refused
    assert newest_id(h) > number and message(h, number)[1] == []
    assert live_buttons(h) == [newest_id(h)], "only the open question may have buttons"
    await h.say("中发[2015]10号")
    assert live_buttons(h) == [newest_id(h)]
    texts = [m.data.get("text", "") for m in h.user.chat.bot_messages()]
    for shown in ("✔ 同意", "✔ 本人填写", "✔ 农民", "✔ 全国劳动模范", "✔ 中共中央 国务院"):
        assert any(shown in text for text in texts), (shown, texts)


async def test_a_stop_keeps_the_question_and_the_answer(emulator, bot):
    h = Honoree(emulator.user(user_id=8502, first_name="黄"))
    await consent(h, "不同意")
    # only the stop's own way on (重新开始) is live; the consent keeps its record
    assert live_buttons(h) == [newest_id(h)] and t("btn.restart") in str(message(h, newest_id(h)))
    assert any("✔ 不同意" in m.data.get("text", "") for m in h.user.chat.bot_messages())


async def test_a_new_user_finds_a_description_and_the_command_menu(emulator, bot):
    world = emulator.world
    description = world.descriptions[("description", "")]
    short = world.descriptions[("short_description", "")]
    assert description == t("bot.description") and "登记" in description
    assert short == t("bot.short_description") and len(short) <= 120
    commands = next(iter(world.commands.values()))
    assert {c["command"] for c in commands} >= {"start", "status", "help", "cancel"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c["description"]) for c in commands)


async def test_the_edit_menu_goes_by_section_and_back(emulator, bot):
    h = Honoree(emulator.user(user_id=8503, first_name="蓝"))
    card = await register_farmer(h)
    assert "请核对" in card
    await h.press("✏️ 修改")
    assert h.buttons() == ["表彰", "基本信息", "其他", "返回"]
    assert "请核对" in await h.press("返回")
    await h.press("✏️ 修改")
    await h.press("基本信息")
    basic = h.buttons()
    assert {"姓名", "身份证号码", "文化程度", "联系电话"} <= set(basic) and basic[-1] == "返回"
    assert "荣誉称号" not in basic and len(basic) <= 16
    await h.press("返回")
    await h.press("表彰")
    assert {"荣誉称号", "表彰时间", "返回"} <= set(h.buttons()) and "姓名" not in h.buttons()
    await h.press("返回")
    await h.press("其他")
    assert "备注" in h.buttons()
    await h.press("备注")
    card = await h.say("老人腿脚不便")
    assert "请核对" in card and "老人腿脚不便" in card


async def test_an_edited_message_changes_the_answer_while_it_still_can(emulator, data_dir, bot):
    h = Honoree(emulator.user(user_id=8504, first_name="金"))
    await screen(h)
    await n1_award(h)
    await h.press("没有了")
    name = await h.user.send_text("金明")
    await h.answer()
    await h.user.edit_text(name["message"]["message_id"], "金明浩")
    said = await h.answer()
    assert "金明浩" in said and t("q.id_number") in said  # the open question comes again
    number = await h.user.send_text("2224011958")
    assert t("q.id_number") in await h.answer()  # refused: too short
    await h.user.edit_text(number["message"]["message_id"], FAKE_ID)
    assert "民族" in await h.answer()  # taken: gender and birth date come from it
    await h.user.edit_text(name["message"]["message_id"], "金明")  # answered long ago
    assert "修改" in await h.answer()
    draft, _ = await stored(data_dir, 8504)
    assert draft.person["name"] == "金明浩" and draft.person["id_number"] == FAKE_ID
