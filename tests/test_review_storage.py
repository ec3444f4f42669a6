"""Review against a real (SQLite) database: decisions, races, routing, enrolment, access."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from dialogs.form import FILLED_BY_STAFF
from dialogs.masking import mask_id
from dialogs.model import Draft, Press
from services.committees import committee_name
from services.invites import enrol
from services.registration import Registration
from services.review.access import ReviewerIds, members
from services.review.decisions import decide, still_open
from services.review.intake import on_submitted
from services.review.views import my_queue, open_entry, queue_page, reveal_id
from storage.crypto import hash_token
from storage.files import EvidenceStore, StoredFile
from storage.models import utcnow
from storage.records import AwardRow, EvidenceKind, RegistrationRecord, ReviewerRole, Status
from storage.uow import Database
from testkit.fakes import fake_id_number, tg
from tests.test_review_dialogs import complete_draft

VILLAGE = "222401100201"  # 光进村, 小营镇
NEIGHBOUR = "222401100202"  # 吉兴村, 小营镇
ELSEWHERE = "222401101201"  # a village of another township
TOWNSHIP = "222401100000"  # 小营镇
CTX = complete_draft()[1]
NAMES = CTX.divisions
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
        entry = await on_submitted(uow, NAMES, await uow.registrations.submit(reg_id, [AWARD]))
        await uow.commit()
    return entry


async def outbox(db: Database) -> list[tuple[int, str, str | None]]:
    async with db.uow(read_only=True) as uow:
        rows = await uow.notifications.due("tg", utcnow() + timedelta(hours=1), limit=500)
    return [(int(r.to.external_id), r.text, r.dedup_key) for r in rows]


async def actions(db: Database, reg_id: int | None = None) -> list[str]:
    async with db.uow(read_only=True) as uow:
        return [e.action for e in reversed(await uow.audit.list(registration_id=reg_id))]


@pytest.fixture
def db(store: Database) -> Database:
    """Every review storage test runs on SQLite and on PostgreSQL."""
    return store


async def test_two_reviewers_deciding_at_once_exactly_one_wins(db):
    await committee(db, VILLAGE, 801, 802)
    entry = await submit(db, 501)
    results = await asyncio.gather(
        decide(db, CTX, tg(801), "r|ok", "ok", entry.id, entry.version),
        decide(db, CTX, tg(802), "r|retr", "ret", entry.id, entry.version, reason="照片不清楚"),
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
    result = await decide(
        db, CTX, tg(801), "r", "ret", entry.id, entry.version, reason="请补拍首页"
    )
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
    assert "变化" in (await decide(db, CTX, tg(801), "r", "ok", entry.id, entry.version - 1)).text
    foreign = await decide(db, CTX, tg(803), "r|ok|forged", "ok", entry.id, entry.version)
    assert foreign.denied and "无权操作" in foreign.text
    async with db.uow() as uow:
        reviewer = (await uow.reviewers.for_user(tg(802)))[0]
        await uow.reviewers.revoke(reviewer.id)
        await uow.commit()
    assert (await decide(db, CTX, tg(802), "r|ok", "ok", entry.id, entry.version)).denied
    assert await open_entry(db, tg(803), "r|open", entry.id, CTX) is None
    assert await reveal_id(db, NAMES, tg(802), "r|id", entry.id) is None
    async with db.uow(read_only=True) as uow:
        denied = await uow.audit.list(action="review.denied")
        assert (await uow.registrations.get(entry.id)).status is Status.SUBMITTED
    assert len(denied) == 4 and {e.actor for e in denied} == {"tg:802", "tg:803"}
    assert denied[-1].detail == {"data": "r|ok|forged", "why": "not_member"}


async def test_views_and_reveals_are_audited(db):
    await committee(db, VILLAGE, 801)
    entry = await submit(db, 501)
    view = await open_entry(db, tg(801), "r|open", entry.id, CTX)
    assert view is not None and "登记编号" in view.card.text
    assert entry.secrets["id_number"] not in view.card.text
    assert await reveal_id(db, NAMES, tg(801), "r|id", entry.id) == entry.secrets["id_number"]
    assert (await actions(db, entry.id))[-2:] == ["review.viewed", "review.id_revealed"]


async def test_same_id_registered_elsewhere_is_flagged(db):
    await committee(db, VILLAGE, 801)
    first = await submit(db, 501)
    second = await submit(db, 502, hukou=NEIGHBOUR)
    assert second.committee_id is None  # 吉兴村 has no committee: the township's queue
    view = await open_entry(db, tg(801), "r|open", first.id, CTX)
    assert f"同一身份证号码还有一条登记：{second.reg_no}" in view.card.text


async def test_hand_over_only_within_the_township(db):
    await committee(db, VILLAGE, 801)
    neighbour = await committee(db, NEIGHBOUR, 803)
    far = await committee(db, ELSEWHERE, 804)
    entry = await submit(db, 501)
    refused = await decide(db, CTX, tg(801), "r|fwdc", "fwd", entry.id, entry.version, target=far)
    assert refused.denied
    moved = await decide(
        db, CTX, tg(801), "r|fwdc", "fwd", entry.id, entry.version, target=neighbour
    )
    assert moved.done and "小营镇吉兴村" in moved.text
    async with db.uow(read_only=True) as uow:
        assert (await uow.registrations.get(entry.id)).committee_id == neighbour
    sent = await outbox(db)
    assert any(chat == 803 and "转来 1 条登记" in text for chat, text, _ in sent)
    assert any(chat == 501 and "转交给“小营镇吉兴村”" in text for chat, text, _ in sent)


async def test_a_resubmitted_entry_goes_back_to_the_queue_that_returned_it(db):
    await committee(db, VILLAGE, 801)
    neighbour = await committee(db, NEIGHBOUR, 803)
    entry = await submit(db, 501)
    await decide(db, CTX, tg(801), "r", "fwd", entry.id, entry.version, target=neighbour)
    async with db.uow(read_only=True) as uow:
        handed = await uow.registrations.get(entry.id)
    await decide(db, CTX, tg(803), "r", "ret", entry.id, handed.version, reason="文号不对")
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
    desk = await decide(db, CTX, tg(809), "r", "ok", entry.id, entry.version)
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
    village = await queue_page(db, NAMES, tg(801), "r|queue", "queue", mine, 0)
    assert "小营镇光进村：待审核 1 条" in village.text
    assert await queue_page(db, NAMES, tg(801), "r|free", "free", mine, 0) is None  # not a desk
    assert await queue_page(db, NAMES, tg(801), "r|queue", "queue", desk, 0) is None  # not a member
    own = await queue_page(db, NAMES, tg(809), "r|queue", "queue", desk, 0)
    assert "待审核 0 条" in own.text and "还没分到村（社区）的（1）" in str(own.buttons)
    free = await queue_page(db, NAMES, tg(809), "r|free", "free", desk, 0)
    assert "还没有分到村（社区）的登记 1 条" in free.text
    assert (await my_queue(db, NAMES, tg(801))).text == village.text
    assert await my_queue(db, NAMES, tg(555)) is None


# --- a reviewer side that does not confuse a clerk (issue 19, points 14–16) ---------------


async def test_notices_and_queues_name_the_committee_with_its_township(db):
    await committee(db, VILLAGE, 801)
    await submit(db, 501)
    assert (await my_queue(db, NAMES, tg(801))).text.startswith("📋 小营镇光进村：待审核 1 条")
    told = [text for chat, text, _ in await outbox(db) if chat == 801]
    assert any("金明浩（小营镇光进村）" in text for text in told)
    async with db.uow(read_only=True) as uow:
        member = (await members(uow, tg(801)))[0]
    assert committee_name(NAMES, member.committee) == "小营镇光进村"
    assert member.name(NAMES) == "小营镇光进村 用户801"


async def test_a_decision_gives_the_card_its_new_status_and_no_buttons(db):
    await committee(db, VILLAGE, 801)
    entry = await submit(db, 501)
    confirmed = await decide(db, CTX, tg(801), "r|ok", "ok", entry.id, entry.version)
    assert confirmed.done and confirmed.card is not None
    assert "（已确认）" in confirmed.card.text and confirmed.card.buttons == ()


async def test_a_late_press_says_you_to_the_one_who_decided_and_names_the_others(db):
    await committee(db, VILLAGE, 801, 802)
    entry = await submit(db, 501)
    await decide(db, CTX, tg(801), "r|ok", "ok", entry.id, entry.version)
    mine = await decide(db, CTX, tg(801), "r|retr", "ret", entry.id, entry.version, reason="再看")
    assert mine.text == "您已经处理过这条登记了（已确认）。" and not mine.done
    assert "（已确认）" in mine.card.text and mine.card.buttons == ()
    theirs = await still_open(db, CTX, tg(802), "r|ret", entry.id, entry.version)
    assert theirs is not None and "已经由“小营镇光进村 用户801”处理了（已确认）" in theirs.text
    assert await still_open(db, CTX, tg(802), "r|ret", entry.id, entry.version + 1) is not None


async def test_a_waiting_entry_is_still_open_for_its_reviewer_only(db):
    await committee(db, VILLAGE, 801)
    await committee(db, NEIGHBOUR, 803)
    entry = await submit(db, 501)
    assert await still_open(db, CTX, tg(801), "r|ret", entry.id, entry.version) is None
    assert (await still_open(db, CTX, tg(803), "r|ret", entry.id, entry.version)).denied


async def test_a_resubmission_notice_and_card_show_what_changed_masked(db):
    await committee(db, VILLAGE, 801)
    entry = await submit(db, 501)
    await decide(db, CTX, tg(801), "r", "ret", entry.id, entry.version, reason="身份证号有误")
    async with db.uow() as uow:
        returned = await uow.registrations.get(entry.id)
    draft = Draft.from_storage(returned.state, returned.secrets)
    old_id = draft.person["id_number"]
    new_id = fake_id_number(date(1958, 7, 1), "男", region="222401", seq=77)
    draft.person.update(id_number=new_id, residence="延吉市河南街道 8 号")
    async with db.uow() as uow:
        state, secrets = draft.to_storage()
        await uow.registrations.save_state(entry.id, state, secrets, name="金明浩",
                                           hukou_code=VILLAGE)
        await uow.commit()
    async with db.uow() as uow:
        again = await on_submitted(uow, NAMES, await uow.registrations.submit(entry.id, [AWARD]))
        await uow.commit()
    notice = next(text for chat, text, key in await outbox(db) if "重新提交" in text)
    assert notice.index("改动的地方") < notice.index("→")
    assert f"公民身份号码：{mask_id(old_id)} → {mask_id(new_id)}" in notice
    assert "→ 延吉市河南街道 8 号" in notice and new_id not in notice and old_id not in notice
    view = await open_entry(db, tg(801), "r|open", again.id, CTX)
    assert view.card.text.index("这次改动的地方") < view.card.text.index("【基本信息】")


async def test_the_album_is_sent_once_per_reviewer_and_version(db):
    await committee(db, VILLAGE, 801, 802)
    entry = await submit(db, 501)
    async with db.uow() as uow:
        await uow.evidence.add(
            entry.id, award_position=0, kind=EvidenceKind.CERTIFICATE, page=1,
            stored=StoredFile("ab/cd/abcd.jpg", "ab" * 32, 10), mime="image/jpeg",
            width=10, height=10,
        )
        await uow.commit()
    first = await open_entry(db, tg(801), "r|open", entry.id, CTX)
    again = await open_entry(db, tg(801), "r|open", entry.id, CTX)
    colleague = await open_entry(db, tg(802), "r|open", entry.id, CTX)
    assert not first.album_shown and "见上面的相册" in first.card.text
    assert again.album_shown and "照片在上面" in again.card.text
    assert not colleague.album_shown


async def test_a_stray_press_opens_no_empty_draft(db, tmp_path):
    registration = Registration(db, NAMES, EvidenceStore(tmp_path))
    for stray in ("gender#|1", "r|x" * 40):
        result = await registration.handle(tg(601), Press(stray), None)
        assert result.alert and "同意吗" in result.replies[-1].text
        assert not await registration.has_draft(tg(601))
    agree = result.replies[-1].buttons[0][0]
    assert agree.text == "同意"
    await registration.handle(tg(601), Press(agree.data), None)
    assert await registration.has_draft(tg(601))


async def test_the_reviewer_list_is_fresh_after_an_enrolment_and_renewed_behind_messages(db):
    """Routing knows a new reviewer at their next message; an expired list is read again
    without the message waiting for it, and a revocation shows once that read is done."""
    reviewers = ReviewerIds(ttl=0.0)
    assert not await reviewers.contains(db, tg(811))
    await committee(db, VILLAGE, 811)
    reviewers.forget()  # what an enrolment in this process does
    assert await reviewers.contains(db, tg(811))
    async with db.uow() as uow:
        await uow.reviewers.revoke((await uow.reviewers.for_user(tg(811)))[0].id)
        await uow.commit()
    assert await reviewers.contains(db, tg(811)), "the message went on with the list it had"
    for _ in range(100):  # the renewal runs behind it
        await asyncio.sleep(0.01)
        if not await reviewers.contains(db, tg(811)):
            break
    else:
        raise AssertionError("the revocation never showed")
