"""When OCR cannot help (no engine installed, its worker crashes, it takes too long), the real bot
says so in one sentence, keeps the photo and asks the question at once."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest

from dialogs.texts import t
from testkit.botproc import ROOT, SECRET, BotProcess
from testkit.fakes import tg
from tests.e2e.flows import open_db, screen
from tests.e2e.honoree import Honoree
from tests.e2e.test_ocr_dialog import OCR_WAIT, national_certificate

pytestmark = pytest.mark.e2e
FAILED = "没能读出"  # from the one sentence the catalogue has for it
TITLE_QUESTION = "荣誉称号是什么"


async def photo_first_and_failed_read(h: Honoree, kill_worker=None) -> None:
    """Send a certificate photo at the title question; the read fails; the form goes on."""
    await screen(h)
    said = await h.photo(national_certificate()[0])
    assert "正在识别" in said
    if kill_worker is not None:
        await kill_worker()
    if FAILED not in said:  # a quick failure comes with the photo's answer
        said = (await h.user.wait_for(lambda m: FAILED in (m.text or ""), timeout=OCR_WAIT)).text
    failed = next(part for part in said.split("\n") if FAILED in part)
    assert failed == t("ocr.failed")  # one sentence: the photo is kept, please type
    if TITLE_QUESTION not in said:
        await h.user.wait_for(lambda m: TITLE_QUESTION in (m.text or ""), timeout=10)
    assert "哪个机关表彰" in await h.press("全国劳动模范")  # the form goes on as before
    assert "哪年哪月" in await h.press("中共中央 国务院")


async def kept_reading(data_dir: Path, user_id: int) -> dict:
    """The photo's evidence row and the failed reading stored with it."""
    db = await open_db(data_dir)
    async with db.uow() as uow:
        entry = await uow.registrations.get_active(tg(user_id))
        evidence = await uow.evidence.list_for(entry.id)
    await db.dispose()
    assert len(evidence) == 1 and evidence[0].kind == "certificate"
    return evidence[0].ocr


async def failed_read(emulator, data_dir, user_id, arm=None, **env: str) -> dict:
    """Run the bot with `env`, go through a failed read as a honoree, return the kept reading;
    `arm(bot_pid)`, if given, returns what to do while the photo is being read."""
    bot = BotProcess(emulator, data_dir, HONOREE_SECRET_KEY=SECRET, **env)
    await bot.start()
    try:
        during_read = await arm(bot.proc.pid) if arm else None
        h = Honoree(emulator.user(user_id=user_id, first_name="孙"))
        await photo_first_and_failed_read(h, during_read)
    finally:
        bot.stop()
    return await kept_reading(data_dir, user_id)


async def test_no_engine_installed(emulator, data_dir, tmp_path):
    """rapidocr cannot be imported and tesseract is not on the PATH: nothing to fall back to."""
    hidden = tmp_path / "hidden"
    (hidden / "rapidocr_onnxruntime").mkdir(parents=True)
    (hidden / "rapidocr_onnxruntime" / "__init__.py").write_text(
        'raise ImportError("rapidocr_onnxruntime is not installed")\n'
    )
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    reading = await failed_read(
        emulator, data_dir, 7101, HONOREE_OCR="rapidocr",
        PATH=str(empty_path), PYTHONPATH=os.pathsep.join([str(hidden), str(ROOT)]),
    )
    assert reading["error"] == "unavailable"


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            found += [int(c) for c in children.read().split()]
    return found


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _kill_the_worker_once_busy(bot_pid: int):
    """Find the bot's OCR worker (the child that runs as SCHED_IDLE, as ocr.worker sets it),
    wait until it has loaded its model; return what SIGKILLs it once it works on a photo."""
    (worker,) = [c for c in _children(bot_pid) if os.sched_getscheduler(c) == os.SCHED_IDLE]
    before = _cpu_seconds(worker)
    for _ in range(600):
        await asyncio.sleep(0.5)
        if (now := _cpu_seconds(worker)) == before:
            break
        before = now

    async def kill_when_busy() -> None:
        start = _cpu_seconds(worker)
        while _cpu_seconds(worker) - start < 0.3:
            await asyncio.sleep(0.02)
        os.kill(worker, signal.SIGKILL)

    return kill_when_busy


async def test_the_worker_crashes_during_a_read(emulator, data_dir):
    reading = await failed_read(
        emulator, data_dir, 7102, _kill_the_worker_once_busy, HONOREE_OCR="rapidocr"
    )
    assert reading["error"] == "engine_failed"


async def test_the_read_takes_too_long(emulator, data_dir):
    reading = await failed_read(
        emulator, data_dir, 7103, HONOREE_OCR="rapidocr", HONOREE_OCR_TIMEOUT="0.05"
    )
    assert reading["error"] == "timeout"
