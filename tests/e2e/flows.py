"""Reusable steps of the registration conversation, as a honoree in the emulator does them."""

from __future__ import annotations

from datetime import date

from storage.settings import Settings
from storage.uow import Database
from testkit.botproc import SECRET
from testkit.fakes import fake_id_number
from tests.e2e.honoree import Honoree

VILLAGE = "222401100201"  # 延边朝鲜族自治州 延吉市 小营镇 光进村委会
FAKE_ID = fake_id_number(date(1958, 7, 9), "男", region="222401", seq=31)


async def open_db(data_dir) -> Database:
    return Database.from_settings(Settings(data_dir=data_dir, secret_key=SECRET))


async def screen(h: Honoree, category: str = "农民") -> str:
    first = await h.say("/start")
    assert "统计登记" in first and "同意吗" in first
    await h.press("同意")
    await h.press("本人填写")  # filling in for oneself: alive, not asked
    return await h.press(category)


async def n1_award_until_photo(h: Honoree) -> str:
    """A 全国劳动模范 award up to the certificate photo question; returns that question."""
    await h.press("全国劳动模范")
    await h.press("中共中央 国务院")
    await h.say("二〇一五年四月")
    await h.press("全国劳模待遇")
    verdict = await h.press("是，荣誉保持着")
    assert "符合登记条件" in verdict and "国家级表彰" in verdict and "N1" not in verdict
    return await h.say("中发[2015]10号")


async def n1_award(h: Honoree) -> None:
    await n1_award_until_photo(h)
    assert "收到 1 张" in await h.photo()
    await h.press("完成")
    await h.photo()
    assert "收到 2 张" in await h.photo()
    await h.press("完成")


async def p1_award_until_photo(h: Honoree) -> None:
    """A 吉林省劳动模范 award answered up to the certificate photo question."""
    await h.press("吉林省劳动模范")
    await h.press("吉林省委、省政府")
    await h.say("2020.4")
    await h.press("省级劳模待遇")
    assert "省部级表彰" in await h.press("是，荣誉保持着")
    assert "请把荣誉证书拍照" in await h.say("吉发（2020）12号")


async def p1_award(h: Honoree) -> None:
    await p1_award_until_photo(h)
    await h.photo()
    await h.press("完成")
    await h.press("暂时没有，以后再补")


async def basics(h: Honoree) -> str:
    """The person's questions, from 姓名 to the summary card; returns the card."""
    await h.say("金明浩")
    await h.press("男")
    return await basics_after_gender(h)


async def basics_after_gender(h: Honoree) -> str:
    assert "1958年7月" in await h.say(FAKE_ID)
    await h.press("对")
    await h.press("朝鲜族")
    await h.press("群众")
    await h.press("初中")
    assert "找到这些地方" in await h.say("光进")
    assert "延吉市 小营镇 光进村" in h.buttons()
    await h.press("延吉市 小营镇 光进村")
    await h.say("3组15号")
    await h.press("和户籍地址相同")
    await h.contact("+8613912345678")
    await h.press("有")
    return await h.press("否")


async def register_farmer(h: Honoree) -> str:
    """A whole registration with one N1 award up to the summary card; returns the card."""
    await screen(h)
    await n1_award(h)
    await h.press("没有了")
    return await basics(h)
