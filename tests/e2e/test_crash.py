"""Crash anywhere: SIGKILL the real bot at random moments while a crowd fills in forms.

Nothing acknowledged is lost, /start resumes at the stored draft's open question, nothing is
applied twice (redelivered updates included) and no evidence file is orphaned or half-written.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
from pathlib import Path

import pytest

from dialogs.model import Draft
from dialogs.texts import t
from testkit.fakes import tg
from testkit.photos import photo_bytes
from tests.e2e.crowd import (
    ConfirmationHold,
    Filler,
    people,
    photo_ids,
    redeliver,
    stored_entry,
    submitted_twice,
)
from tests.e2e.flows import (
    basics_after_name,
    n1_award,
    open_db,
    p1_award_until_photo,
    screen,
)
from tests.e2e.honoree import Honoree

pytestmark = pytest.mark.e2e

CROWD = 20
KILLS = 5


async def kill_at(bot, emulator, marks: list[int], rng: random.Random, tasks) -> int:
    """SIGKILL the bot once the emulator has seen `mark` API calls (plus a random instant),
    and start it again; returns how many kills happened before the crowd was done."""
    kills = 0
    for mark in marks:
        while len(emulator.calls) < mark:
            if all(task.done() for task in tasks):
                return kills
            await asyncio.sleep(0.005)
        await asyncio.sleep(rng.uniform(0, 0.05))
        bot.kill()
        kills += 1
        await bot.start()
    return kills


def evidence_files(data_dir: Path) -> dict[str, Path]:
    root = data_dir / "evidence"
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


async def check_evidence(db, data_dir: Path) -> list[str]:
    """Every file is referenced by a row, every row's file is there, whole, with its hash."""
    async with db.uow(read_only=True) as uow:
        regs = await uow.registrations.list(limit=10_000)
        rows = [e for r in regs for e in await uow.evidence.list_for(r.id)]
    files = evidence_files(data_dir)
    problems = [f"temp file left: {name}" for name in files if Path(name).name.startswith(".")]
    referenced = {e.path for e in rows}
    problems += [f"orphaned file: {name}" for name in sorted(set(files) - referenced)]
    for e in rows:
        path = files.get(e.path)
        if path is None:
            problems.append(f"evidence {e.id}: file {e.path} missing")
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != e.sha256 or len(data) != e.size:
            problems.append(f"evidence {e.id}: {e.path} is not what was stored (half-written)")
    return problems


async def test_sigkill_at_random_moments_loses_nothing_acknowledged(emulator, data_dir, bot):
    seed = int(os.environ.get("HONOREE_CRASH_SEED") or random.randrange(2**32))
    print(f"crash test seed: HONOREE_CRASH_SEED={seed}")
    rng = random.Random(seed)
    db = await open_db(data_dir)
    crowd = [
        Filler(emulator.user(p.user_id, first_name=p.name[:1]), p, db)
        for p in people(CROWD, first_user_id=8001)
    ]
    tasks = [asyncio.create_task(f.run()) for f in crowd]
    marks = sorted(rng.sample(range(60, 1300), KILLS))
    kills = await kill_at(bot, emulator, marks, rng, tasks)
    await asyncio.gather(*tasks)
    assert kills == KILLS, f"seed {seed}: the crowd finished after {kills} kills ({marks})"
    finished = await asyncio.gather(*(f.resume() for f in crowd))  # /start once more: status
    assert {q.key for q in finished} == {"done"}, f"seed {seed}: {finished}"

    problems: list[str] = []
    async with db.uow(read_only=True) as uow:
        for f in crowd:
            who = f"seed {seed} user {f.person.user_id}"
            problems += [f"{who}: resumed at {shown!r}, stored draft is at {stored!r}"
                         for shown, stored in f.resumes if shown != stored]
            found, entry, draft = await stored_entry(uow, f, who)
            problems += found
            if entry is None:
                continue
            rows = {e.id for e in await uow.evidence.list_for(entry.id)}
            if rows != photo_ids(draft):
                problems.append(f"{who}: evidence rows {rows} but the answers use "
                                f"{photo_ids(draft)} (a photo stored twice or lost)")
        problems += await submitted_twice(uow, seed)
    problems += [f"seed {seed}: {p}" for p in await check_evidence(db, data_dir)]
    await db.dispose()
    print(f"crash test: {len(emulator.calls)} API calls, kills after {marks}, "
          f"{sum(len(f.resumes) - 1 for f in crowd)} resumes")
    assert not problems, "\n".join(problems)


async def test_startup_sweeps_orphaned_and_half_written_evidence(emulator, data_dir, bot):
    """A kill between writing a photo and recording it leaves a file nobody refers to (or a
    temp file): the next start removes them, and keeps every referenced file."""
    h = Honoree(emulator.user(user_id=8101, first_name="乙"))
    await screen(h)
    assert t("photo.kept") in await h.photo()  # a certificate photo at 荣誉称号
    bot.kill()
    kept = evidence_files(data_dir)
    assert len(kept) == 1
    folder = data_dir / "evidence" / "ab" / "cd"
    folder.mkdir(parents=True, exist_ok=True)
    data = photo_bytes("never recorded")
    orphan = folder / f"abcd{hashlib.sha256(data).hexdigest()[4:]}.jpg"
    orphan.write_bytes(data)
    half = next(iter(kept.values())).parent / ".tmp-k1ll3d"
    half.write_bytes(data[:1000])
    await bot.start()
    left = evidence_files(data_dir)
    assert set(left) == set(kept), (
        f"after a restart the evidence folder holds {sorted(left)}; only {sorted(kept)} are "
        "referenced (start-up sweep of unreferenced / temp evidence files missing?)"
    )


async def test_redelivered_updates_are_applied_once(emulator, data_dir, bot, monkeypatch):
    """Updates the bot handled but never confirmed come again after a kill; duplicates of
    handled updates too: neither adds an award, a photo or a submission twice."""
    db = await open_db(data_dir)
    h = Honoree(emulator.user(user_id=8201, first_name="甲"), timeout=20)
    # (polls started from now on go through the hold)
    hold = ConfirmationHold(
        monkeypatch, lambda u: u.get("callback_query", {}).get("data") == "more_awards#|more"
    )
    await screen(h)
    await n1_award(h)

    async def stored() -> tuple[Draft, int, set[int], list]:
        async with db.uow(read_only=True) as uow:
            entry = (await uow.registrations.list_for_owner(tg(8201)))[0]
            rows = {e.id for e in await uow.evidence.list_for(entry.id)}
            audit = await uow.audit.list(action="submitted", registration_id=entry.id)
        return Draft.from_storage(entry.state, entry.secrets), entry.id, rows, audit

    # 1. "还有其他表彰" handled and answered, but its confirmation never reached Telegram.
    said = await h.press("还有其他表彰")
    assert "第 2 项" in said
    assert hold.held is not None
    bot.kill()
    hold.release()
    assert any(u["update_id"] == hold.held["update_id"] for u in emulator.world.updates.pending)
    await bot.start()
    again = await h.answer()
    assert t("error.generic") not in again, "a redelivered press ends in an error message"
    assert "第 2 项" in again and "荣誉称号" in again, again
    draft, *_ = await stored()
    assert len(draft.awards) == 2, f"the redelivered press added an award: {len(draft.awards)}"

    # 2. The very same photo update twice (same update_id), after it was handled.
    await p1_award_until_photo(h)
    photo = await h.user.send_photo(photo_bytes("second award certificate"))
    assert "收到 1 张" in await h.answer()
    draft, _, rows_before, _ = await stored()
    bot.kill()
    redeliver(emulator, photo)
    await bot.start()
    again = await h.answer()
    assert "收到 1 张" in again, again
    draft, _, rows, _ = await stored()
    assert rows == rows_before == photo_ids(draft), (
        f"a duplicate photo update stored evidence {rows - rows_before} the answers never use"
    )

    # 3. The same text answer twice: the second is not taken as the next answer.
    await h.press("完成")
    await h.press("暂时没有，以后再补")
    name_q = await h.press("没有了")
    assert "姓名" in name_q
    typed = await h.user.send_text("金明浩")
    assert "身份证号码" in await h.answer()
    bot.kill()
    redeliver(emulator, typed)
    await bot.start()
    assert "身份证号码" in await h.answer()
    draft, *_ = await stored()
    assert draft.person["name"] == "金明浩" and "gender" not in draft.person

    # 4. 确认提交 handled and answered, never confirmed: one submission, one number.
    hold = ConfirmationHold(
        monkeypatch, lambda u: u.get("callback_query", {}).get("data") == "x|submit"
    )
    assert "请核对" in await basics_after_name(h)
    done = await h.press("✅ 确认提交")
    assert "提交成功" in done and hold.held is not None
    bot.kill()
    hold.release()
    calls_before = len(emulator.calls)
    await bot.start()
    query_id = hold.held["callback_query"]["id"]
    for _ in range(150):  # the new bot answers the press once it has handled it
        if any(c.method == "answerCallbackQuery" and c.params.get("callback_query_id") == query_id
               for c in emulator.calls[calls_before:]):
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the redelivered 确认提交 was never handled")
    _, _, _, audit = await stored()
    async with db.uow(read_only=True) as uow:
        entries = await uow.registrations.list_for_owner(tg(8201))
    assert len(entries) == 1 and entries[0].status == "submitted"
    assert len(audit) == 1, f"submitted {len(audit)} times"
    said = await h.say("/start")
    assert "已提交" in said and entries[0].reg_no in said
    assert t("error.generic") not in str([e.data.get("text") for e in h.user.chat.events])
    await db.dispose()

