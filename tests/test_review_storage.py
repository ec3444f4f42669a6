"""Review against a real (SQLite) database: decisions, races, routing, enrolment, access."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from dialogs.form import FILLED_BY_STAFF
from dialogs.model import Draft
from services.invites import enrol
from services.review.decisions import decide
from services.review.intake import on_submitted
from services.review.views import my_queue, open_entry, queue_page, reveal_id
from storage.crypto import hash_token
from storage.models import utcnow
from storage.records import AwardRow, RegistrationRecord, ReviewerRole, Status
from storage.uow import Database
from testkit.fakes import tg
from tests.test_review_dialogs import complete_draft

VILLAGE = "222401100201"  # 光进村, 小营镇
NEIGHBOUR = "222401100202"  # 吉兴村, 小营镇
ELSEWHERE = "222401101201"  # a village of another township
TOWNSHIP = "222401100000"  # 小营镇
AWARD = AwardRow(
    position=0,
    title="全国劳动模范",
    awarding_body="中共中央 国务院",
    award_year=2015,
    award_month=4,
    category="N1",
    level="国家级",
)


async def committee(db: Database, code: str, *reviewers: int, role=ReviewerRole.REVIEWER) -> int:
    async with db.uow() as uow:
        c = await uow.committees.add(code)
        for user_id in reviewers:
            await uow.reviewers.add(tg(user_id), c.id, role=role, display_name=f"用户{user_id}")
        await uow.commit()
    return c.id


async def submit(
    db: Database, owner: int, hukou: str = VILLAGE, filled_by: str = "本人填写", reg_id=None
) -> RegistrationRecord:
    """What Registration does on 确认提交: save the answers, submit, then the review hook."""
    draft, _ = complete_draft()
    draft.person.update(hukou_code=hukou, filled_by=filled_by)
    async with db.uow() as uow:
        if reg_id is None:
            reg_id = (await uow.registrations.create_draft(tg(owner))).id
        state, secrets = draft.to_storage()
        await uow.registrations.save_state(
            reg_id, state, secrets, name=draft.person["name"], hukou_code=hukou
        )
        entry = await on_submitted(uow, await uow.registrations.submit(reg_id, [AWARD]))
        await uow.commit()
    return entry


async def outbox(db: Database) -> list[tuple[int, str, str | None]]:
    async with db.uow(read_only=True) as uow:
        rows = await uow.notifications.due("tg", utcnow() + timedelta(hours=1), limit=500)
    return [(int(r.to.external_id), r.text, r.dedup_key) for r in rows]


async def actions(db: Database, reg_id: int | None = None) -> list[str]:
    async with db.uow(read_only=True) as uow:
        return [e.action for e in reversed(await uow.audit.list(registration_id=reg_id))]


async def test_two_reviewers_deciding_at_once_exactly_one_wins(db):
    await committee(db, VILLAGE, 801, 802)
    entry = await submit(db, 501)
    results = await asyncio.gather(
        decide(db, tg(801), "r|ok", "ok", entry.id, entry.version),
        decide(db, tg(802), "r|retr", "ret", entry.id, entry.version, reason="照片不清楚"),
    )
    assert sorted(r.done for r in results) == [False, True]
    winner, loser = sorted(results, key=lambda r: not r.done)
    async with db.uow(read_only=True) as uow:
        now = await uow.registrations.get(entry.id)
    won_by_confirm = "已确认" in winner.text
    assert now.status is (Status.CONFIRMED if won_by_confirm else Status.RETURNED)
    assert "已经由" in loser.text and ("用户801" if won_by_confirm else "用户802") in loser.text
    decisions = [
        a for a in await actions(db, entry.id) if a in ("review.confirmed", "review.returned")
    ]
    assert len(decisions) == 1
    told = [text for chat, text, key in await outbox(db) if chat == 501]
    assert len(told) == 1 and entry.reg_no in told[0]


async def test_a_return_reopens_the_form_with_the_reason_and_keeps_the_answers(db):
    await committee(db, VILLAGE, 801)
    entry = await submit(db, 501)
    result = await decide(db, tg(801), "r", "ret", entry.id, entry.version, reason="请补拍首页")
    assert result.done
    async with db.uow(read_only=True) as uow:
        reopened = await uow.registrations.get_active(tg(501))
    assert reopened.id == entry.id and reopened.status is Status.RETURNED
    draft = Draft.from_storage(reopened.state, reopened.secrets)
    assert draft.return_reason == "请补拍首页" and draft.person["name"] == "金明浩"
    assert any("需要修改一下：请补拍首页" in text for _, text, _ in await outbox(db))


async def test_stale_foreign_and_revoked_presses_are_refused_and_audited(db):
    await committee(db, VILLAGE, 801, 802)
    await committee(db, NEIGHBOUR, 803)
    entry = await submit(db, 501)
    assert "变化" in (await decide(db, tg(801), "r", "ok", entry.id, entry.version - 1)).text
    foreign = await decide(db, tg(803), "r|ok|forged", "ok", entry.id, entry.version)
    assert foreign.denied and "无权操作" in foreign.text
    async with db.uow() as uow:
        reviewer = (await uow.reviewers.for_user(tg(802)))[0]
        await uow.reviewers.revoke(reviewer.id)
        await uow.commit()
    assert (await decide(db, tg(802), "r|ok", "ok", entry.id, entry.version)).denied
    assert await open_entry(db, tg(803), "r|open", entry.id, complete_draft()[1]) is None
    assert await reveal_id(db, tg(802), "r|id", entry.id) is None
    async with db.uow(read_only=True) as uow:
        denied = await uow.audit.list(action="review.denied")
        assert (await uow.registrations.get(entry.id)).status is Status.SUBMITTED
    assert len(denied) == 4 and {e.actor for e in denied} == {"tg:802", "tg:803"}
    assert denied[-1].detail == {"data": "r|ok|forged", "why": "not_member"}


async def test_views_and_reveals_are_audited(db):
    await committee(db, VILLAGE, 801)
    entry = await submit(db, 501)
    view = await open_entry(db, tg(801), "r|open", entry.id, complete_draft()[1])
    assert view is not None and "登记编号" in view.card.text
    assert entry.secrets["id_number"] not in view.card.text
    assert await reveal_id(db, tg(801), "r|id", entry.id) == entry.secrets["id_number"]
    assert (await actions(db, entry.id))[-2:] == ["review.viewed", "review.id_revealed"]


async def test_same_id_registered_elsewhere_is_flagged(db):
    await committee(db, VILLAGE, 801)
    first = await submit(db, 501)
    second = await submit(db, 502, hukou=NEIGHBOUR)
    assert second.committee_id is None  # 吉兴村 has no committee: the township's queue
    view = await open_entry(db, tg(801), "r|open", first.id, complete_draft()[1])
    assert f"同一身份证号码还有一条登记：{second.reg_no}" in view.card.text


async def test_hand_over_only_within_the_township(db):
    await committee(db, VILLAGE, 801)
    neighbour = await committee(db, NEIGHBOUR, 803)
    far = await committee(db, ELSEWHERE, 804)
    entry = await submit(db, 501)
    refused = await decide(db, tg(801), "r|fwdc", "fwd", entry.id, entry.version, target=far)
    assert refused.denied
    moved = await decide(db, tg(801), "r|fwdc", "fwd", entry.id, entry.version, target=neighbour)
    assert moved.done and "吉兴村委会" in moved.text
    async with db.uow(read_only=True) as uow:
        assert (await uow.registrations.get(entry.id)).committee_id == neighbour
    sent = await outbox(db)
    assert any(chat == 803 and "转来 1 条登记" in text for chat, text, _ in sent)
    assert any(chat == 501 and "转交给“吉兴村委会”" in text for chat, text, _ in sent)


async def test_a_resubmitted_entry_goes_back_to_the_queue_that_returned_it(db):
    await committee(db, VILLAGE, 801)
    neighbour = await committee(db, NEIGHBOUR, 803)
    entry = await submit(db, 501)
    await decide(db, tg(801), "r", "fwd", entry.id, entry.version, target=neighbour)
    async with db.uow(read_only=True) as uow:
        handed = await uow.registrations.get(entry.id)
    await decide(db, tg(803), "r", "ret", entry.id, handed.version, reason="文号不对")
    again = await submit(db, 501, reg_id=entry.id)
    assert again.committee_id == neighbour and again.reg_no == entry.reg_no
    assert any(chat == 803 and "重新提交" in text for chat, text, _ in await outbox(db))


async def test_staff_filled_entry_of_a_village_without_committee_goes_to_the_staff(db):
    mine = await committee(db, VILLAGE, 801, 802)
    await committee(db, TOWNSHIP, 809, role=ReviewerRole.TOWNSHIP)
    entry = await submit(db, 801, hukou=NEIGHBOUR, filled_by=FILLED_BY_STAFF)
    assert entry.committee_id == mine
    assert "review.routed" in await actions(db, entry.id)
    told = {chat for chat, _, key in await outbox(db) if key.startswith("new|")}
    assert told == {802}  # the colleague, not the filler, not the desk


async def test_an_entry_without_a_committee_notifies_the_township_desk(db):
    await committee(db, VILLAGE, 801)
    await committee(db, TOWNSHIP, 809, role=ReviewerRole.TOWNSHIP)
    await committee(db, TOWNSHIP, 808)  # the desk's plain reviewer sees handed-over ones only
    entry = await submit(db, 502, hukou=NEIGHBOUR)
    assert entry.committee_id is None
    assert {chat for chat, _, key in await outbox(db) if key.startswith("new|")} == {809}
    desk = await decide(db, tg(809), "r", "ok", entry.id, entry.version)
    assert desk.done


@pytest.mark.parametrize("uses", [1, 2])
async def test_an_invite_works_as_often_as_allowed_and_is_audited(db, uses):
    async with db.uow() as uow:
        await uow.invites.add(
            hash_token("tok-en_1"),
            VILLAGE,
            role=ReviewerRole.REVIEWER,
            expires_at=utcnow() + timedelta(days=1),
            created_by="cli:t",
            uses_left=uses,
        )
        await uow.invites.add(
            hash_token("old"),
            VILLAGE,
            role=ReviewerRole.REVIEWER,
            expires_at=utcnow() - timedelta(seconds=1),
            created_by="cli:t",
        )
        await uow.commit()
    joined = await enrol(db, tg(901), "王", "tok-en_1", update_id=1)
    assert joined is not None and joined.division_code == VILLAGE
    assert await enrol(db, tg(901), "王", "tok-en_1", update_id=1) == joined  # redelivered update
    second = await enrol(db, tg(902), "赵", "tok-en_1", update_id=2)
    assert (second is not None) is (uses == 2)
    assert await enrol(db, tg(903), "钱", "old", update_id=3) is None  # expired
    assert await enrol(db, tg(903), "钱", "no such token", update_id=4) is None  # malformed
    log = await actions(db)
    assert log.count("review.enrolled") == uses and log.count("review.enrol_refused") == 4 - uses


async def test_queues_list_only_what_the_reviewer_may_see(db):
    mine = await committee(db, VILLAGE, 801)
    desk = await committee(db, TOWNSHIP, 809, role=ReviewerRole.TOWNSHIP)
    await submit(db, 501)
    await submit(db, 502, hukou=NEIGHBOUR)  # no committee: the desk's "free" queue
    village = await queue_page(db, tg(801), "r|queue", "queue", mine, 0)
    assert "光进村委会：待审核 1 条" in village.text
    assert await queue_page(db, tg(801), "r|free", "free", mine, 0) is None  # not a desk
    assert await queue_page(db, tg(801), "r|queue", "queue", desk, 0) is None  # not a member
    own = await queue_page(db, tg(809), "r|queue", "queue", desk, 0)
    assert "待审核 0 条" in own.text and "还没分到村（社区）的（1）" in str(own.buttons)
    free = await queue_page(db, tg(809), "r|free", "free", desk, 0)
    assert "还没有分到村（社区）的登记 1 条" in free.text
    assert (await my_queue(db, tg(801))).text == village.text
    assert await my_queue(db, tg(555)) is None
