"""End to end, the forgiving conversation: the real bot process against the Telegram emulator.

Nobody gets stuck: the ID number answers gender and birth date, a contradiction is fixed with
a button, writing after a stop gets a kind answer, and dates and 文号 are read as people type
them on a phone.
"""

from __future__ import annotations

import asyncio

import pytest

from dialogs.texts import t
from testkit.fakes import tg
from tests.e2e.flows import FAKE_ID, basics_after_id, open_db, screen
from tests.e2e.honoree import Honoree

pytestmark = pytest.mark.e2e

EMPLOYER = "机关、事业单位、国企"


async def n1_award_dated(h: Honoree, when: str, document_number: str | None = None) -> str:
    await h.press("全国劳动模范")
    await h.press("中共中央 国务院")
    said = await h.say(when)
    if "几月" in said:
        said = await h.press("4月")
    await h.press("全国劳模待遇")
    await h.press("是，荣誉保持着")
    if document_number is None:
        return await h.press("跳过")
    return await h.say(document_number)


async def test_gender_is_not_asked_and_a_contradiction_is_fixed_with_a_button(emulator, bot):
    h = Honoree(emulator.user(user_id=6101, first_name="金"))
    await screen(h)
    await n1_award_dated(h, "1960年5月")  # a slip: 1990 was meant
    await h.press("暂时没有，以后再补")
    await h.press("暂时没有，以后再补")
    await h.press("没有了")
    question = await h.say("金明浩")
    assert "身份证号码" in question and "性别" not in question  # the ID number comes first
    assert t("later") in await h.press("证件不在手边，稍后再填")
    helped = await h.say("/help")
    assert "/start" in helped and helped.endswith(t("q.id_number"))  # the open question again
    said = await h.say(FAKE_ID)  # born 1958: two years old in 1960
    assert "对不上" in said and h.buttons() == ["改身份证号", "改表彰时间"]
    resumed = await h.say("/start")  # no loop: the same choice, with the award named
    assert "欢迎回来" in resumed and "全国劳动模范" in resumed
    assert h.buttons() == ["改身份证号", "改表彰时间"]
    assert "哪年哪月" in await h.press("改表彰时间")
    assert "民族" in await h.say("1990年5月")  # the ID number was kept: no question again
    card = await basics_after_id(h)
    assert "性别：男" in card and "出生年月：1958年7月" in card and "表彰时间：1990年5月" in card


async def test_writing_after_each_stop_gets_a_kind_answer(emulator, bot):
    refused, employed, local = (
        Honoree(emulator.user(user_id=6200 + i, first_name="李")) for i in range(3)
    )

    async def no_consent() -> None:
        await refused.say("/start")
        await refused.press("不同意")
        said = await refused.say("为啥要身份证号？")
        assert t("after.no_consent") in said and t("q.consent") not in said
        assert "请点下面的按钮选择" not in said
        assert t("q.consent") in await refused.press("重新开始")

    async def employer() -> None:
        said = await screen(employed, EMPLOYER)
        assert "由本单位统一统计登记" in said and "原单位已不在了" in employed.buttons()
        said = await employed.say("原来的农场早就黄了，找不到单位了")
        assert t("after.employer_gone") in said and "请点下面的按钮选择" not in said
        assert "荣誉称号" in await employed.press("原单位已不在了")  # registers here after all

    async def city_level() -> None:
        await screen(local)
        await local.say("白城市劳动模范")
        said = await local.say("白城市人民政府")
        assert "这次不用登记" in said and said.count("不在") == 1
        await local.press("没有了")
        said = await local.say("那我找谁呀")
        assert t("after.out_of_scope") in said and "户籍所在地的村委会" in said

    await asyncio.gather(no_consent(), employer(), city_level())


DATES = {
    "05.4.30": "2005-04-30",
    "2005.4.30": "2005-04-30",
    "05年4月": "2005-04",
    "2005年4月30日": "2005-04-30",
    "2005-4": "2005-04",
    "2005/04": "2005-04",
    "２００５年４月": "2005-04",
    "2005年": "2005-04",  # the month is asked next, and 4月 pressed
}
DOCUMENT_NUMBERS = ("国发[2005]10号", "国发(2005)10号", "国发【2005】10号", "国发［2005］10号",
                    "国发2005年10号", "国发2005 10号", "国发（2005）10号", "国发〔2005〕10号")


async def test_every_accepted_date_and_document_number_spelling(emulator, data_dir, bot):
    people = [Honoree(emulator.user(user_id=6300 + i, first_name="王")) for i in range(len(DATES))]

    async def answer(h: Honoree, when: str, number: str) -> None:
        await screen(h)
        said = await n1_award_dated(h, when, number)
        assert "荣誉证书拍照" in said, (when, number, said)  # the next question: it was taken

    pairs = zip(people, DATES, DOCUMENT_NUMBERS, strict=True)
    await asyncio.gather(*(answer(h, when, number) for h, when, number in pairs))
    db = await open_db(data_dir)
    async with db.uow() as uow:
        for i, (when, stored) in enumerate(DATES.items()):
            award = (await uow.registrations.get_active(tg(6300 + i))).state["awards"][0]
            assert award["award_date"] == stored, when
            assert award["document_number"] == "国发〔2005〕10号", DOCUMENT_NUMBERS[i]
            assert award["category"] == "N1"
    await db.dispose()
