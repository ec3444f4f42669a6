"""OCR end to end: the bot process reads certificate photos with RapidOCR in its worker pool."""

from __future__ import annotations

import pytest

from ocr.synth import CERTIFICATE_AWARDS, sample
from testkit.botproc import SECRET, BotProcess
from testkit.fakes import tg
from tests.e2e.flows import open_db, screen
from tests.e2e.honoree import Honoree

pytestmark = pytest.mark.e2e
OCR_WAIT = 60.0  # the first read also loads the model in the worker


def national_certificate(before_2018: bool = True) -> tuple[bytes, dict]:
    """A photographed 全国劳动模范 certificate of 中共中央 国务院 (fake name)."""
    for seed in range(0, 600, len(CERTIFICATE_AWARDS)):
        data, truth = sample("certificate", seed, "jpeg40")
        if (truth["date"] < "2018") == before_2018:
            return data, truth
    raise AssertionError("no such certificate among the synthetic ones")


@pytest.fixture
async def ocr_bot(emulator, data_dir):
    proc = BotProcess(emulator, data_dir, HONOREE_SECRET_KEY=SECRET, HONOREE_OCR="rapidocr")
    await proc.start()
    yield proc
    proc.stop()


async def wait_text(h: Honoree, needle: str) -> str:
    message = await h.user.wait_for(lambda m: needle in (m.text or ""), timeout=OCR_WAIT)
    return message.text


async def test_certificate_photo_first_is_read_confirmed_and_only_the_rest_asked(
    emulator, ocr_bot
):
    data, truth = national_certificate()
    h = Honoree(emulator.user(user_id=7001, first_name="吴"))
    await screen(h)
    assert "正在识别" in await h.photo(data)
    offer = await wait_text(h, "照片上写着")
    shown = [m.data.get("text") or "" for m in h.user.chat.bot_messages()]
    assert not any("正在识别" in text for text in shown), "the reading notice stayed"
    year, month = (int(x) for x in truth["date"].split("-"))
    assert truth["title"] in offer and f"{year}年{month}月" in offer
    assert "中共中央" in offer and "国务院" in offer
    after = await h.press("对")
    assert "按照片填好了" in after and "享受哪种待遇" in after  # title, body, date not asked
    await h.press("全国劳模待遇")
    assert "国家级表彰" in await h.press("是，荣誉保持着")
    said = await h.press("跳过")
    assert "收到 1 张" in said  # the certificate already counts as evidence


async def test_a_typed_answer_that_disagrees_with_the_photo_is_flagged(emulator, data_dir, ocr_bot):
    data, truth = national_certificate()
    year = int(truth["date"][:4])
    typed_year = year - 1 if year > 1990 else year + 1
    h = Honoree(emulator.user(user_id=7002, first_name="郑"))
    await screen(h)
    await h.press("全国劳动模范")
    await h.press("中共中央 国务院")
    await h.say(f"{typed_year}年{int(truth['date'][5:])}月")
    await h.press("全国劳模待遇")
    await h.press("是，荣誉保持着")
    await h.press("跳过")
    await h.photo(data)
    warning = await wait_text(h, "提醒一下")
    assert f"照片上的表彰时间是“{year}年" in warning and f"您填的是“{typed_year}年" in warning
    db = await open_db(data_dir)
    async with db.uow() as uow:
        entry = await uow.registrations.get_active(tg(7002))
        flags = entry.state["flags"]
        evidence = await uow.evidence.list_for(entry.id)
    await db.dispose()
    assert any(f["field"] == "award_date" and f["kind"] == "ocr_mismatch" for f in flags)
    assert entry.state["awards"][0]["award_date"].startswith(str(typed_year))  # never overwritten
    assert evidence[0].ocr and evidence[0].ocr["ok"]  # the reading is kept for the reviewer
