"""A registration that stops (不同意, an employer, an award out of scope) on a real SQLite file:
only the stop is kept, what is written next is answered kindly, and the stop is never taken
for a registration being filled in (status, reminders, /cancel)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

from dialogs.model import Start, Text
from dialogs.texts import t
from services.progress import progress
from services.registration import Registration
from services.reminders import remind_once
from storage.clock import utcnow
from storage.files import EvidenceStore
from storage.records import Address
from tests.services_scenario import MemoryChat, drive
from tests.test_dialog_flow import VILLAGE, screen
from tests.test_export import cli

WHO = Address("memory", "stopped-1")
EMPLOYER = "机关、事业单位、国企"


async def registration(db, settings) -> Registration:
    return await Registration.create(db, EvidenceStore(settings.data_dir / "evidence"))


async def test_after_no_consent_only_the_stop_is_kept_and_writing_gets_a_kind_answer(
    db, settings
):
    chat = MemoryChat(await registration(db, settings), WHO)
    await chat.start()
    await chat.press("不同意")
    assert t("stop.contact_unknown") in chat.text
    await chat.say("为什么要这些信息")
    assert t("after.no_consent") in chat.text and t("q.consent") not in chat.text
    async with db.uow() as uow:
        kept = await uow.registrations.get_active(WHO)
    assert kept.state["stopped"] == "stop.no_consent" and not kept.secrets
    assert kept.name is None and not kept.state.get("awards")
    assert await chat.registration.status(WHO) == t("status.none")
    assert not await chat.registration.has_draft(WHO)  # /cancel: nothing to delete
    later = utcnow() + timedelta(days=settings.draft_reminder_days + 1)
    assert await remind_once(db, settings, later) == 0  # nobody is nagged to finish a stop
    await chat.press("重新开始")
    assert chat.question == t("q.consent")


async def test_the_employer_route_continues_with_the_screening_answers_kept(db, settings):
    chat = MemoryChat(await registration(db, settings), WHO)
    await drive(chat, lambda sync: screen(sync, category=EMPLOYER))
    await chat.say("原来的农场早就黄了，找不到单位了")
    assert t("after.employer_gone") in chat.text
    await chat.press("原单位已不在了")
    async with db.uow() as uow:
        draft = await uow.registrations.get_active(WHO)
    assert draft.state["person"]["person_category"] == "no_fixed_unit"
    assert draft.state["person"]["consent"] == "agree" and "consent_at" in draft.state["person"]
    assert await chat.registration.has_draft(WHO)


async def test_the_stop_names_the_committees_contact_when_the_village_is_known(db, settings):
    service = await registration(db, settings)
    async with db.uow() as uow:
        committee = await uow.committees.add(VILLAGE, contact="王主任 0433-1234567")
        record = await uow.registrations.create_draft(WHO)
        state = {"stopped": "stop.employer", "person": {"hukou_code": VILLAGE}}
        await uow.registrations.save_state(record.id, state, {}, name=None, hukou_code=VILLAGE)
        await uow.commit()
    said = await service.handle(WHO, Text("那我去找谁"), 1)
    text = "\n".join(r.text for r in said.replies)
    assert committee.name in text and "0433-1234567" in text
    again = await service.handle(WHO, Start(), 2)
    assert again.replies[-1].text == t("q.consent")  # /start begins again


async def test_a_village_tapped_after_a_stop_is_answered_with_its_committees_contact(
    db, settings
):
    async with db.uow() as uow:
        await uow.committees.add(VILLAGE, contact="王主任 0433-1234567")
        await uow.commit()
    chat = MemoryChat(await registration(db, settings), WHO)
    await chat.start()
    await chat.press("不同意")
    await chat.say("光进村")
    await chat.press("小营镇 光进村")
    assert "0433-1234567" in chat.text


async def test_stops_are_counted_as_stops_never_as_drafts_being_filled_in(db, settings):
    """stats (and --json, --chart) and entries: a stop is its own number, at the question it
    stopped after, and nobody is counted as still filling in a form they were told to leave."""
    service = await registration(db, settings)
    no_consent = MemoryChat(service, WHO)
    await no_consent.start()
    await no_consent.press("不同意")
    employed = MemoryChat(service, Address("memory", "stopped-2"))
    employed.updates = 2000  # update ids of its own
    await drive(employed, lambda sync: screen(sync, category=EMPLOYER))
    filling = MemoryChat(service, Address("memory", "filling-1"))
    filling.updates = 3000
    await filling.start()
    await filling.press("同意")  # a form being filled in, at the next question

    found = await progress(db, None, date(2026, 12, 1))
    village = {v.code: v for v in found.villages}[""]  # none of them has a household yet
    assert (village.drafts, village.stopped) == (1, 2)
    left = {s.key: s.left for s in found.funnel if s.left}
    stopped = {s.key: s.stopped for s in found.funnel if s.stopped}
    assert left == {"filled_by": 1}
    assert stopped == {"consent": 1, "person_category": 1}
    assert found.as_dict()["villages"][0]["stopped"] == 2

    shown = await asyncio.to_thread(cli, settings, "stats", "--json")
    assert shown.exit_code == 0, shown.output
    counts = json.loads(shown.stdout)
    assert (counts["persons"], counts["by_status"]["draft"], counts["stopped"]) == (1, 1, 2)
    assert counts["by_village"] == [
        {"code": "", "name": "", "total": 1, "by_status": {"draft": 1}, "stopped": 2}]
    assert counts["by_level"]["待核实"] == 1  # the form being filled in, not the stops
    table = (await asyncio.to_thread(cli, settings, "stats")).output
    assert t("staff.cli.stats.stopped", n=2) in table and t("progress.bar.stopped") in table

    listed = json.loads((await asyncio.to_thread(cli, settings, "entries", "--json")).stdout)
    listed = listed["entries"]
    labels = sorted((e["stopped"], e["status_label"]) for e in listed)
    assert labels == [(False, "填写中"), (True, "不需登记"), (True, "不需登记")]
