"""End to end, the real bot against the emulator: the household question forgives how people
write their village, pages long lists, and a poster's /start link names the village."""

from __future__ import annotations

import secrets

import pytest

from testkit.fakes import tg
from tests.e2e.flows import n1_award, open_db, screen, up_to_household
from tests.e2e.honoree import Honoree

pytestmark = pytest.mark.e2e

SHUANGBAODAI = "220821101208"  # 白城市 镇赉县 坦途镇 双宝岱村委会
SLOPPY = (
    ("洮北新兴", "青山镇 新兴村"),  # county word without 区 in front
    ("双保", "坦途镇 双宝岱村"),  # a character of the same sound, and 岱 left off
    ("坦途双宝", "坦途镇 双宝岱村"),  # township word without 镇 in front
    ("坦土双宝", "坦途镇 双宝岱村"),  # the township written with a homophone (土 for 途)
    ("新兴村 洮北区", "青山镇 新兴村"),  # the county after the village
)


async def to_household(h: Honoree, start: str) -> str:
    await screen(h, start=start)
    await n1_award(h)
    await h.press("没有了")
    await h.say("金明浩")
    return await up_to_household(h)


async def test_village_link_is_confirmed_or_changed_and_sloppy_names_are_found(
    emulator, data_dir, bot
):
    h = Honoree(emulator.user(user_id=5101, first_name="赵"))
    question = await to_household(h, f"/start v{SHUANGBAODAI}")
    assert "户口是在“镇赉县 坦途镇 双宝岱村”吗？" in question
    assert h.buttons() == ["是", "不是，换一个"]
    assert "直接打村名" in await h.press("不是，换一个")
    for typed, button in SLOPPY:
        said = await h.say(typed)
        assert "找到这些地方" in said and button in h.buttons(), (typed, h.buttons())
        await h.press("重新输入村名")
    said = await h.say("新兴")
    assert "同名的村很多，请加上乡镇名" in said and "更多" in h.buttons()
    first = h.buttons()
    assert "第 2 页" in await h.press("更多")
    second = h.buttons()
    villages = [b for b in second if b.endswith(("村", "社区"))]
    assert len(villages) == 8 and not set(villages) & set(first)
    await h.press("重新输入村名")
    await h.say("坦土双宝")
    assert "详细地址" in await h.press("坦途镇 双宝岱村")
    db = await open_db(data_dir)
    async with db.uow() as uow:
        record = await uow.registrations.load_draft(tg(5101))
        assert record.draft.person["hukou_code"] == SHUANGBAODAI
    await db.dispose()


async def test_linked_village_confirmed_with_yes(emulator, bot):
    h = Honoree(emulator.user(user_id=5102, first_name="钱"))
    await to_household(h, f"/start v{SHUANGBAODAI}")
    assert "详细地址" in await h.press("是")


async def test_a_foreign_deep_link_starts_the_form(emulator, bot):
    h = Honoree(emulator.user(user_id=5103, first_name="孙"))
    first = await h.say("/start hello")
    assert "同意吗" in first and "用不了" not in first
    await h.press("同意")
    assert "谁在填写" in h.last


async def test_an_invite_shaped_payload_still_gets_the_invite_answer(emulator, bot):
    h = Honoree(emulator.user(user_id=5104, first_name="李"))
    said = await h.say(f"/start {secrets.token_urlsafe(32)}")  # never issued, or expired
    assert "这个邀请链接用不了" in said and "同意吗" not in said
