"""End to end: the real honoree-bot process, over HTTP, against the Telegram emulator."""

from __future__ import annotations

import pytest

from testkit.fakes import tg
from tests.e2e.flows import FAKE_ID, VILLAGE, basics, n1_award, open_db, p1_award, screen
from tests.e2e.honoree import Honoree

pytestmark = [pytest.mark.e2e, pytest.mark.both_engines]


async def test_farmer_registers_two_awards_edits_and_lands_in_the_village_queue(
    emulator, data_dir, bot
):
    db = await open_db(data_dir)
    async with db.uow() as uow:
        committee = await uow.committees.add(VILLAGE)
        await uow.commit()
    h = Honoree(emulator.user(user_id=5001, first_name="金"))
    await screen(h)
    await n1_award(h)
    await h.press("还有其他表彰")
    await p1_award(h)
    await h.press("没有了")
    card = await basics(h)
    assert "表彰级别：国家级表彰" in card and "表彰级别：省部级表彰" in card and "光进村" in card
    await h.press("✏️ 修改")
    await h.press("基本信息")
    await h.press("现在的住址")
    card = await h.say("延吉市河南街道 8 号")
    assert "现在的住址：延吉市河南街道 8 号" in card
    done = await h.press("✅ 确认提交")
    assert "提交成功" in done
    async with db.uow() as uow:
        queue = await uow.registrations.list(committee_id=committee.id)
        assert len(queue) == 1
        entry = queue[0]
        assert entry.status == "submitted" and entry.reg_no and entry.reg_no in done
        assert [a.category for a in entry.awards] == ["N1", "P1"]
        assert entry.secrets["id_number"] == FAKE_ID
        evidence = await uow.evidence.list_for(entry.id)
        assert sorted(e.kind for e in evidence) == ["award_document", "award_document",
                                                     "certificate", "certificate"]
    # writing again does not start an empty registration by accident
    said = await h.say("谢谢")
    assert "已提交" in said and entry.reg_no in said
    assert "同意吗" in await h.press("为另一位获奖人登记")
    await db.dispose()


async def test_a_person_with_an_employer_is_told_to_register_there(emulator, bot):
    h = Honoree(emulator.user(user_id=5002, first_name="李"))
    said = await screen(h, "机关、事业单位、国企")
    assert "由本单位统一统计登记" in said


async def test_a_city_level_honour_is_refused_with_an_explanation(emulator, data_dir, bot):
    h = Honoree(emulator.user(user_id=5003, first_name="王"))
    await screen(h)
    await h.say("延吉市劳动模范")
    said = await h.say("延吉市人民政府")  # the body decides: no date, no 保持荣誉 asked
    assert "这次不用登记" in said and "市" in said and said.count("不在") == 1
    said = await h.press("没有了")
    assert "没有保存您的个人信息" in said and "范围内" not in said
    db = await open_db(data_dir)
    async with db.uow() as uow:
        kept = await uow.registrations.get_active(tg(5003))
        assert kept.state.get("stopped") == "stop.out_of_scope"  # only that it stopped
        assert not kept.state.get("awards") and not kept.secrets and kept.name is None
    await db.dispose()


async def test_sigkill_mid_form_then_start_resumes_at_the_same_question(emulator, bot):
    h = Honoree(emulator.user(user_id=5004, first_name="赵"))
    await screen(h)
    await n1_award(h)
    await h.press("没有了")
    question = await h.say("赵大山")
    assert "身份证号码" in question
    bot.kill()
    await bot.start()
    resumed = await h.say("/start")
    assert "欢迎回来" in resumed and "全国劳动模范" in resumed and "身份证号码" in resumed
    assert "民族" in await h.say(FAKE_ID)  # the name typed before the kill was kept


async def test_bad_input_gets_a_clear_message_and_the_same_question(emulator, bot):
    h = Honoree(emulator.user(user_id=5005, first_name="孙"))
    await screen(h)
    await h.press("全国劳动模范")
    await h.press("中共中央 国务院")
    said = await h.say("2031年5月")
    assert "还没到" in said and "哪年哪月" in said
    await h.user.send_sticker()
    assert "贴纸" in await h.answer()
    await h.user.send_document(b"%PDF-1.4 fake", file_name="award.pdf", mime_type="application/pdf")
    assert "不需要文件" in await h.answer()
    await h.say("2015年4月")
    await h.press("全国劳模待遇")
    await h.press("是，荣誉保持着")
    await h.press("跳过")
    await h.user.send_document(b"%PDF-1.4 fake", file_name="award.pdf", mime_type="application/pdf")
    assert "不是照片" in await h.answer()
    await h.press("暂时没有，以后再补")
    await h.press("暂时没有，以后再补")
    await h.press("没有了")
    await h.say("孙小梅")
    said = await h.say("22240119580709123")
    assert "18 位" in said and "身份证号码" in said  # the error and the question: one message
    said = await h.say(FAKE_ID)
    assert "民族" in said
