"""조선말 for 延边: a honoree whose Telegram speaks Korean registers in Korean, and what is
stored is the same as for a Chinese one; /language switches mid-form and keeps every answer."""

from __future__ import annotations

import pytest

from tests.e2e.flows import FAKE_ID, VILLAGE, n1_award, open_db, register_farmer
from tests.e2e.honoree import Honoree
from tg_emulator.driver import inline_buttons

pytestmark = pytest.mark.e2e


async def korean_award(h: Honoree) -> None:
    """A 全国劳动模范 award, answered on Korean buttons (titles and bodies stay Chinese)."""
    await h.press("全国劳动模范")
    await h.press("中共中央 国务院")
    await h.say("二〇一五年四月")
    await h.press("전국 로력모범 대우")
    verdict = await h.press("예, 영예를 보유하고 있습니다")
    assert "등록 조건에 맞습니다" in verdict and "국가급" in verdict
    assert "영예증서" in await h.say("中发[2015]10号")
    assert "1장을 받았습니다" in await h.photo()
    await h.press("다 했습니다")
    await h.photo()
    assert "2장을 받았습니다" in await h.photo()
    await h.press("다 했습니다")


async def korean_basics_after_id(h: Honoree) -> str:
    await h.press("朝鲜族")
    await h.press("군중")
    await h.press("초중")
    assert "찾았습니다" in await h.say("光进")
    await h.press("小营镇 光进村")  # division names stay Chinese
    await h.say("3组15号")
    await h.press("호적 주소와 같습니다")
    await h.contact("+8613912345678")
    await h.press("있습니다")
    return await h.press("아닙니다")


async def village_committee(data_dir):
    """The database and the committee of 延吉市 小营镇 光进村, where both people live."""
    db = await open_db(data_dir)
    async with db.uow() as uow:
        committee = await uow.committees.add(VILLAGE)
        await uow.commit()
    return db, committee


def every_button_row(h: Honoree) -> list[list[str]]:
    rows = []
    for stored in h.user.chat.bot_messages():
        markup = stored.data.get("reply_markup")
        rows += [[b["text"] for b in row] for row in inline_buttons(markup)]
    return rows


def timeless(answers: dict) -> dict:
    """The answers without the moments they were given (two people answer at other times)."""
    return {k: v for k, v in answers.items() if not k.endswith("_at")}


def award(answers: dict) -> dict:
    """An award's answers, its photos counted (each person sent their own, with other ids)."""
    return {k: len(v) if k.endswith("_photos") else v for k, v in timeless(answers).items()}


async def submitted_states(db, committee_id: int) -> list[dict]:
    async with db.uow() as uow:
        entries = await uow.registrations.list(committee_id=committee_id)
        return [
            {"person": timeless(e.state["person"]), "awards": [award(a) for a in e.state["awards"]],
             **e.secrets,
             "categories": [a.category for a in e.awards]}
            for e in sorted(entries, key=lambda e: e.id)
        ]


async def test_a_korean_speaking_honoree_registers_in_korean_and_stores_the_same(
    emulator, data_dir, bot
):
    db, committee = await village_committee(data_dir)
    zh = Honoree(emulator.user(user_id=5301, first_name="金"))
    await register_farmer(zh)
    assert "提交成功" in await zh.press("✅ 确认提交")

    ko = Honoree(emulator.user(user_id=5302, first_name="김", language_code="ko"))
    first = await ko.say("/start")
    assert "안녕하십니까" in first and "동의하십니까" in first and "统计登记" not in first
    assert ["中文", "조선말"] in every_button_row(ko)  # offered at the first message
    await ko.press("동의합니다")
    await ko.press("본인이 적습니다")
    await ko.press("농민")
    await korean_award(ko)
    await ko.press("더 없습니다")
    assert "신분증 번호" in await ko.say("金明浩")
    assert "민족" in await ko.say(FAKE_ID)
    card = await korean_basics_after_id(ko)
    assert "적으신 내용을 확인해 주십시오" in card and "光进村" in card
    done = await ko.press("✅ 확인하고 제출")
    assert "제출했습니다" in done

    chinese, korean = await submitted_states(db, committee.id)
    assert korean == chinese
    await db.dispose()


async def test_language_mid_form_keeps_every_answer_and_asks_again_in_the_new_language(
    emulator, data_dir, bot
):
    db, committee = await village_committee(data_dir)
    h = Honoree(emulator.user(user_id=5303, first_name="朴"))
    first = await h.say("/start")
    assert "统计登记" in first
    await h.press("同意")
    await h.press("本人填写")
    await h.press("农民")
    await n1_award(h)
    await h.press("没有了")
    assert "身份证号码" in await h.say("金明浩")

    await h.say("/language")
    switched = await h.press("조선말")
    assert "조선말로 하겠습니다" in switched and "신분증 번호(18자리)" in switched
    assert "민족" in await h.say(FAKE_ID)
    await h.say("/language")
    back = await h.press("中文")
    assert "下面用中文" in back and "民族" in back and "수상자" not in back
    await h.say("/language")
    await h.press("조선말")
    card = await korean_basics_after_id(h)
    assert "金明浩" in card and "全国劳动模范" in card  # the answers from before the switches
    assert "제출했습니다" in await h.press("✅ 확인하고 제출")
    status = await h.say("/status")  # their phone says Chinese; the form was Korean
    assert "金明浩" in status and "심사" in status and "审核" not in status
    [entry] = await submitted_states(db, committee.id)
    assert entry["person"]["name"] == "金明浩" and entry["id_number"] == FAKE_ID
    assert entry["categories"] == ["N1"]
    await db.dispose()
