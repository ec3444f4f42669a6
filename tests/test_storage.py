"""Repository and unit-of-work behaviour, run on SQLite and (marked postgres) on PostgreSQL."""

from __future__ import annotations

import asyncio
import stat
import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from dialogs.model import Draft
from storage.crypto import hash_token
from storage.divisions import SHIPPED_CSV, load_divisions
from storage.errors import InvalidStateError, NotACommitteeLevel, NotFoundError
from storage.files import READ_ONLY, EvidenceStore
from storage.models import Base, Division, Registration
from storage.records import (
    Address,
    AwardOutcome,
    AwardRow,
    CommitteeKind,
    EvidenceKind,
    NotificationStatus,
    ReviewerRole,
    Status,
)
from storage.settings import Settings
from storage.uow import SCHEMA_REVISION, Database
from testkit.fakes import tg

TOWNSHIP = "222401100000"  # 小营镇
VILLAGE = "222401100002"  # 白坪社区, gets a committee in the tests
OTHER_VILLAGE = "222401100003"  # 东阳社区, no committee: the township's queue
COUNTY = "222401000000"


def fake_id(birth: str = "19560312", region: str = "222401", seq: str = "123") -> str:
    """A made-up ID number with a valid GB 11643 check digit (never real data)."""
    body = region + birth + seq
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(a) * b for a, b in zip(body, w, strict=True)) % 11]


def award(position: int = 0, title: str = "全国劳动模范") -> AwardRow:
    return AwardRow(
        position=position,
        title=title,
        awarding_body="中共中央 国务院",
        award_year=2015,
        award_month=4,
        document_number="中发〔2015〕8号",
        treatment="全国劳动模范待遇",
        category="N1",
        level="国家级",
    )


async def new_entry(
    db: Database, user: int, hukou: str | None = VILLAGE, id_number: str | None = None
) -> int:
    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(tg(user))
        secrets = {"id_number": id_number or fake_id(seq=f"{user % 1000:03d}")}
        await uow.registrations.save_state(
            reg.id, {"step": "review"}, secrets, name="王桂兰", hukou_code=hukou
        )
        await uow.commit()
    return reg.id


async def submit(db: Database, reg_id: int, awards: list[AwardRow] | None = None):
    async with db.uow() as uow:
        record = await uow.registrations.submit(reg_id, awards or [award()])
        await uow.commit()
    return record


async def test_migrations_create_all_tables_and_rerun_is_noop(store: Database) -> None:
    await store.migrate()
    async with store.engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        head = await conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
    assert set(Base.metadata.tables) | {"alembic_version"} <= names
    assert head == SCHEMA_REVISION  # the bot skips Alembic when the database says this


async def test_divisions_are_loaded_and_navigable(store: Database) -> None:
    async with store.uow() as uow:
        assert await uow.divisions.count() == 13_014
        assert (await uow.divisions.count_by_level())["village"] == 11_860
        assert (await uow.divisions.get(VILLAGE)).name == "白坪社区"
        assert (await uow.divisions.township_of(VILLAGE)).code == TOWNSHIP
        assert (await uow.divisions.township_of(TOWNSHIP)).code == TOWNSHIP
        assert await uow.divisions.township_of(COUNTY) is None
        assert await uow.divisions.township_of("229999999999") is None
        assert [r.code for r in await uow.divisions.search("白坪社区")] == [VILLAGE]
        assert VILLAGE in {r.code for r in await uow.divisions.children(TOWNSHIP)}
        rows = await uow.divisions.all_rows()
    assert len(rows) == 13_014
    assert rows[0] == ("220000000000", "吉林省", "province", None)


async def test_reloading_divisions_is_idempotent_and_takes_a_newer_edition(
    store: Database, tmp_path: Path
) -> None:
    started = time.perf_counter()
    again = await load_divisions(store)
    print(
        f"\n[{store.dialect}] reload of unchanged divisions: {time.perf_counter() - started:.2f}s"
    )
    assert (again.inserted, again.updated, again.total) == (0, 0, 13_014)

    newer = tmp_path / "newer.csv"
    text = SHIPPED_CSV.read_text(encoding="utf-8").replace(",白坪社区,", ",白坪社区居委会,")
    newer.write_text(text + f"222401100999,新建社区,village,{TOWNSHIP}\n", encoding="utf-8")
    try:
        result = await load_divisions(store, newer)
        assert (result.inserted, result.updated, result.total) == (1, 1, 13_015)
        async with store.uow() as uow:
            assert (await uow.divisions.get(VILLAGE)).name == "白坪社区居委会"
            assert (await uow.divisions.get("222401100999")).parent_code == TOWNSHIP
    finally:  # the PostgreSQL database is shared by the run: put the shipped edition back
        await load_divisions(store)
        async with store.uow() as uow:
            await uow.session.execute(sa.delete(Division).where(Division.code == "222401100999"))
            await uow.commit()


async def test_draft_lifecycle_get_active_and_delete(store: Database) -> None:
    async with store.uow() as uow:
        assert await uow.registrations.get_active(tg(42)) is None
        older = await uow.registrations.create_draft(tg(42))
        newer = await uow.registrations.create_draft(tg(42), filled_by="村工作人员代填")
        await uow.commit()
    assert (older.status, older.version, older.state, older.secrets) == (Status.DRAFT, 1, {}, {})
    async with store.uow() as uow:
        await uow.registrations.save_state(older.id, {"q": 1}, {}, name=None, hukou_code=None)
        await uow.commit()
    async with store.uow() as uow:
        active = await uow.registrations.get_active(tg(42))
        assert active.id == older.id and active.version == 2 and active.state == {"q": 1}
        assert await uow.registrations.delete_draft(older.id)
        assert await uow.registrations.get(older.id) is None
        assert (await uow.registrations.get_active(tg(42))).id == newer.id
        assert [r.id for r in await uow.registrations.list_for_owner(tg(42))] == [newer.id]
        assert await uow.registrations.list_for_owner(tg(43)) == []
        await uow.commit()


async def test_uow_without_commit_rolls_back(store: Database) -> None:
    async with store.uow() as uow:
        await uow.registrations.create_draft(tg(7))
    with pytest.raises(RuntimeError):
        async with store.uow() as uow:
            await uow.registrations.create_draft(tg(7))
            raise RuntimeError("handler crashed")
    async with store.uow() as uow:
        assert await uow.registrations.get_active(tg(7)) is None


async def test_secrets_round_trip_and_id_hash_finds_the_duplicate(store: Database) -> None:
    first = await new_entry(store, 1, id_number=fake_id())
    # the same person typed again with a lower-case x / spaces / full-width digits
    again = fake_id().replace("X", "x")
    second = await new_entry(store, 2, id_number=" " + again[:6] + " " + again[6:])
    third = await new_entry(store, 3, id_number=fake_id(seq="456"))
    async with store.uow() as uow:
        one = await uow.registrations.get(first)
        assert one.secrets == {"id_number": fake_id()}
        id_hash = store.cipher.id_hash(fake_id())
        duplicates = await uow.registrations.find_by_id_hash(id_hash, exclude_id=second)
        assert [r.id for r in duplicates] == [first]
        both = await uow.registrations.find_by_id_hash(id_hash)
        assert [r.id for r in both] == [first, second]
        assert third not in {r.id for r in both}


async def test_submit_routes_to_the_village_committee_or_the_township_queue(
    store: Database,
) -> None:
    async with store.uow() as uow:
        committee = await uow.committees.add(VILLAGE, contact="0433-1234567")
        await uow.commit()
    routed = await submit(store, await new_entry(store, 1, hukou=VILLAGE))
    queued = await submit(
        store, await new_entry(store, 2, hukou=OTHER_VILLAGE), [award(1), award(0, "先进工作者")]
    )

    assert routed.status == Status.SUBMITTED and routed.submitted_at is not None
    assert (routed.reg_no, routed.committee_id, routed.township_code) == (
        "222401100-0001",
        committee.id,
        TOWNSHIP,
    )
    assert (queued.reg_no, queued.committee_id, queued.township_code) == (
        "222401100-0002",
        None,
        TOWNSHIP,
    )
    assert [a.position for a in queued.awards] == [0, 1]
    assert queued.awards[0].title == "先进工作者" and queued.awards[1].category == "N1"

    async with store.uow() as uow:
        registrations = uow.registrations
        assert [r.id for r in await registrations.list(committee_id=committee.id)] == [routed.id]
        unassigned = await registrations.list(township_code=TOWNSHIP, unassigned_only=True)
        assert [r.id for r in unassigned] == [queued.id]
        assert len(await registrations.list(county_code=COUNTY)) == 2
        assert len(await registrations.list(village_code=OTHER_VILLAGE)) == 1
        assert await registrations.count_by_status(township_code=TOWNSHIP) == {Status.SUBMITTED: 2}
        events = await uow.audit.list(registration_id=queued.id)
    assert [(e.action, e.actor) for e in events] == [("submitted", "tg:2")]
    assert events[0].detail["reg_no"] == "222401100-0002"


async def test_returned_entry_is_resubmitted_with_the_same_number(store: Database) -> None:
    first = await submit(store, await new_entry(store, 1))
    async with store.uow() as uow:
        with pytest.raises(InvalidStateError):
            await uow.registrations.save_state(first.id, {}, {}, name="x", hukou_code=VILLAGE)
    async with store.uow() as uow:
        assert await uow.registrations.set_status(
            first.id, Status.RETURNED, expected_version=first.version
        )
        await uow.registrations.save_state(
            first.id, {"fixed": True}, first.secrets, name="王桂兰", hukou_code=VILLAGE
        )
        await uow.commit()
    as_mapping = {**asdict(award(0, "吉林省劳动模范")), "outcome": "uncertain"}
    second = await submit(store, first.id, [as_mapping, award(1)])  # mappings work too
    assert second.reg_no == first.reg_no and second.status == Status.SUBMITTED
    assert [a.title for a in second.awards] == ["吉林省劳动模范", "全国劳动模范"]
    assert second.awards[0].outcome == AwardOutcome.UNCERTAIN
    async with store.uow() as uow:
        with pytest.raises(InvalidStateError):
            await uow.registrations.submit(first.id, [award()])
        with pytest.raises(NotFoundError):
            await uow.registrations.submit(999_999, [award()])


async def test_submit_refuses_incomplete_entries(store: Database) -> None:
    no_hukou = await new_entry(store, 1, hukou=None)
    county_only = await new_entry(store, 2, hukou=COUNTY)
    async with store.uow() as uow:
        for reg_id in (no_hukou, county_only):
            with pytest.raises(InvalidStateError):
                await uow.registrations.submit(reg_id, [award()])
        with pytest.raises(InvalidStateError):
            await uow.registrations.submit(no_hukou, [])
        with pytest.raises(NotFoundError):
            await uow.registrations.save_state(999_999, {}, {}, name=None, hukou_code=None)


async def test_twenty_concurrent_submits_get_unique_numbers(store: Database) -> None:
    ids = [await new_entry(store, user) for user in range(1, 21)]
    results = await asyncio.gather(*(submit(store, reg_id) for reg_id in ids))
    numbers = sorted(r.reg_no for r in results)
    assert numbers == [f"222401100-{n:04d}" for n in range(1, 21)]


async def test_set_status_with_a_stale_version_loses(store: Database) -> None:
    entry = await submit(store, await new_entry(store, 1))

    async def decide(new_status: Status) -> bool:
        async with store.uow() as uow:
            won = await uow.registrations.set_status(
                entry.id, new_status, expected_version=entry.version
            )
            await uow.commit()
            return won

    outcomes = await asyncio.gather(decide(Status.CONFIRMED), decide(Status.RETURNED))
    assert sorted(outcomes) == [False, True]
    async with store.uow() as uow:
        now = await uow.registrations.get(entry.id)
        assert now.version == entry.version + 1 and now.decided_at is not None
        assert now.status == (Status.CONFIRMED if outcomes[0] else Status.RETURNED)
        stale = await uow.registrations.set_status(
            entry.id, Status.EXPORTED, expected_version=entry.version
        )
        assert not stale


async def test_invite_is_single_use_and_expiry_checked(store: Database) -> None:
    now = datetime.now(UTC)
    async with store.uow() as uow:
        await uow.invites.add(
            hash_token("once"),
            VILLAGE,
            role=ReviewerRole.REVIEWER,
            expires_at=now + timedelta(days=1),
            created_by="cli:test",
        )
        await uow.invites.add(
            hash_token("old"),
            VILLAGE,
            role=ReviewerRole.REVIEWER,
            expires_at=now - timedelta(seconds=1),
            created_by="cli:test",
        )
        twice = await uow.invites.add(
            hash_token("twice"),
            TOWNSHIP,
            role=ReviewerRole.TOWNSHIP,
            expires_at=now + timedelta(days=1),
            created_by="cli:test",
            uses_left=2,
        )
        await uow.commit()

    async def consume(token: str) -> bool:
        async with store.uow() as uow:
            used = await uow.invites.consume(hash_token(token), datetime.now(UTC))
            await uow.commit()
            return used is not None

    assert sorted(await asyncio.gather(consume("once"), consume("once"))) == [False, True]
    assert not await consume("old")
    assert not await consume("never-issued")
    assert [await consume("twice") for _ in range(3)] == [True, True, False]
    async with store.uow() as uow:
        assert (await uow.invites.get(twice.id)).uses_left == 0
        assert await uow.invites.list(active_at=datetime.now(UTC)) == []
        assert len(await uow.invites.list(division_code=VILLAGE)) == 2


async def test_processed_updates_are_marked_once(store: Database) -> None:
    async with store.uow() as uow:
        assert not await uow.updates.seen(10**12)
        assert await uow.updates.mark(10**12)
        assert not await uow.updates.mark(10**12)
        assert await uow.updates.seen(10**12)
        await uow.commit()
    async with store.uow() as uow:
        assert not await uow.updates.mark(10**12)
        assert await uow.updates.prune(datetime.now(UTC) + timedelta(seconds=1)) == 1


async def test_committees_reviewers_and_audit(store: Database) -> None:
    async with store.uow() as uow:
        village = await uow.committees.add(VILLAGE)
        assert (village.kind, village.name) == (CommitteeKind.VILLAGE, "白坪社区")
        assert (await uow.committees.add(VILLAGE, name="另一个")).id == village.id
        desk = await uow.committees.add(TOWNSHIP, name="小营镇人社服务站")
        assert desk.kind == CommitteeKind.TOWNSHIP
        with pytest.raises(NotACommitteeLevel):
            await uow.committees.add(COUNTY)
        with pytest.raises(NotFoundError):
            await uow.committees.add("229999999999")
        assert [c.id for c in await uow.committees.list(TOWNSHIP)] == [desk.id, village.id]
        assert (await uow.committees.get(desk.id)).division_code == TOWNSHIP

        reviewer = await uow.reviewers.add(tg(555), village.id, display_name="李主任")
        await uow.reviewers.add(tg(555), desk.id, role=ReviewerRole.TOWNSHIP)
        mine = await uow.reviewers.for_user(tg(555))
        assert {r.committee_id for r in mine} == {village.id, desk.id}
        assert await uow.reviewers.revoke(reviewer.id)
        assert not await uow.reviewers.revoke(reviewer.id)
        assert [r.committee_id for r in await uow.reviewers.for_user(tg(555))] == [desk.id]
        again = await uow.reviewers.add(tg(555), village.id, display_name="李主任")
        assert again.id == reviewer.id and again.revoked_at is None
        assert len(await uow.reviewers.list(committee_id=village.id)) == 1

        await uow.audit.record("tg:555", "viewed", 1, at=datetime.now(UTC), path=Path("a"))
        await uow.audit.record("cli:admin", "exported", None, count=3)
        await uow.commit()
    async with store.uow() as uow:
        assert [e.action for e in await uow.audit.list()] == ["exported", "viewed"]
        assert [e.action for e in await uow.audit.list(actor="tg:555")] == ["viewed"]
        assert await uow.audit.list(since=datetime.now(UTC) + timedelta(hours=1)) == []
        assert (await uow.audit.list(registration_id=1))[0].detail["path"] == "a"


async def test_evidence_rows_follow_their_registration(store: Database, tmp_path: Path) -> None:
    files = EvidenceStore(tmp_path / "evidence")
    reg_id = await new_entry(store, 1)
    async with store.uow() as uow:
        portrait = await uow.evidence.add(
            reg_id,
            award_position=None,
            kind=EvidenceKind.PORTRAIT,
            page=1,
            stored=files.save(b"portrait", ".jpg"),
            mime="image/jpeg",
            width=3,
            height=4,
        )
        page2 = await uow.evidence.add(
            reg_id,
            award_position=0,
            kind=EvidenceKind.CERTIFICATE,
            page=2,
            stored=files.save(b"page two", ".jpg"),
            mime="image/jpeg",
            width=3,
            height=4,
            telegram_file_id="AgAC-2",
        )
        page1 = await uow.evidence.add(
            reg_id,
            award_position=0,
            kind=EvidenceKind.CERTIFICATE,
            page=1,
            stored=files.save(b"page one", ".jpg"),
            mime="image/jpeg",
            width=3,
            height=4,
        )
        assert await uow.evidence.set_ocr(page1.id, {"title": "全国劳动模范", "confidence": 0.9})
        listed = await uow.evidence.list_for(reg_id)
        assert [e.id for e in listed] == [page1.id, page2.id, portrait.id]
        assert listed[0].ocr == {"title": "全国劳动模范", "confidence": 0.9}
        assert files.absolute(listed[0].path).read_bytes() == b"page one"
        assert await uow.registrations.delete_draft(reg_id)
        assert await uow.evidence.list_for(reg_id) == []  # ON DELETE CASCADE


async def test_evidence_of_many_entries_and_remembered_file_ids(
    store: Database, tmp_path: Path
) -> None:
    files = EvidenceStore(tmp_path / "evidence")
    first, second, bare = [await new_entry(store, user) for user in (1, 2, 3)]
    async with store.uow() as uow:

        async def add(reg_id: int, kind: EvidenceKind, page: int, position: int | None = 0):
            data = f"{reg_id}-{kind}-{page}".encode()
            return await uow.evidence.add(
                reg_id,
                award_position=position,
                kind=kind,
                page=page,
                stored=files.save(data, ".jpg"),
                mime="image/jpeg",
                width=3,
                height=4,
            )

        portrait = await add(first, EvidenceKind.PORTRAIT, 1, None)
        page2 = await add(first, EvidenceKind.CERTIFICATE, 2)
        page1 = await add(first, EvidenceKind.CERTIFICATE, 1)
        document = await add(second, EvidenceKind.AWARD_DOCUMENT, 1)
        await uow.commit()

    async with store.uow() as uow:
        many = await uow.evidence.list_for_many([second, first, bare, 10**9, first])
        assert list(many) == [second, first, bare, 10**9]  # every id, in the order asked
        assert [e.id for e in many[first]] == [page1.id, page2.id, portrait.id]
        assert many[first] == await uow.evidence.list_for(first)  # same records, same order
        assert [e.id for e in many[second]] == [document.id]
        assert many[bare] == many[10**9] == []
        assert await uow.evidence.list_for_many([]) == {}

        assert await uow.evidence.set_telegram_file_id(page1.id, "AgAC-uploaded")
        assert not await uow.evidence.set_telegram_file_id(10**9, "AgAC-nobody")
        assert not await uow.evidence.set_telegram_file_id(page2.id, "x" * 201)  # too long
        await uow.commit()
    async with store.uow() as uow:
        ids = {e.id: e.telegram_file_id for e in await uow.evidence.list_for(first)}
        assert ids == {page1.id: "AgAC-uploaded", page2.id: None, portrait.id: None}
        assert await uow.evidence.set_telegram_file_id(page1.id, None)
        assert (await uow.evidence.list_for_many([first]))[first][0].telegram_file_id is None


async def test_latest_audit_event_of_many_entries(store: Database) -> None:
    first, second, quiet = [await new_entry(store, user) for user in (1, 2, 3)]
    async with store.uow() as uow:
        await uow.audit.record("tg:1", "review.confirmed", first, by="甲")
        await uow.audit.record("tg:2", "review.confirmed", first, by="乙")
        await uow.audit.record("tg:2", "review.returned", second, by="乙")
        await uow.audit.record("tg:3", "review.confirmed", second, by="丙")
        await uow.audit.record("tg:3", "review.returned", second, by="丙")
        await uow.audit.record("tg:4", "review.confirmed", None, by="丁")
        await uow.audit.record("tg:5", "review.confirmed", quiet + 100, by="戊")
        await uow.commit()
    async with store.uow(read_only=True) as uow:
        confirmed = await uow.audit.latest_for([first, second, quiet], "review.confirmed")
        assert set(confirmed) == {first, second}  # none for quiet, nor for other entries
        assert (confirmed[first].actor, confirmed[first].detail) == ("tg:2", {"by": "乙"})
        assert confirmed[first].action == "review.confirmed"
        assert confirmed[first].registration_id == first
        assert confirmed[second].detail == {"by": "丙"}
        newest = (await uow.audit.list(registration_id=first, action="review.confirmed"))[0]
        assert confirmed[first] == newest
        returned = await uow.audit.latest_for([second], "review.returned")
        assert returned[second].actor == "tg:3"
        assert await uow.audit.latest_for([], "review.confirmed") == {}
        assert await uow.audit.latest_for([first], "no.such.action") == {}


async def test_registration_by_number_and_numbers_by_id(store: Database) -> None:
    submitted, draft = await new_entry(store, 1), await new_entry(store, 2)
    record = await submit(store, submitted)
    async with store.uow(read_only=True) as uow:
        found = await uow.registrations.get_by_reg_no(record.reg_no)
        assert found is not None and found.id == submitted and found.secrets == record.secrets
        assert await uow.registrations.get_by_reg_no("222401100-9999") is None
        numbers = await uow.registrations.reg_nos([submitted, draft, 10**9, submitted])
        assert numbers == {submitted: record.reg_no, draft: None}  # unknown ids left out
        assert await uow.registrations.reg_nos([]) == {}


async def test_release_loaded_forgets_orm_objects_but_records_stay(store: Database) -> None:
    ids = [await new_entry(store, user) for user in (1, 2)]
    async with store.uow(read_only=True) as uow:
        records = await uow.registrations.list()
        loaded = await uow.session.get(Registration, ids[0])  # an ORM object still referenced
        assert loaded in uow.session
        uow.release_loaded()
        assert loaded not in uow.session and len(uow.session.identity_map) == 0
        assert [r.id for r in records] == ids and records[0].name == "王桂兰"
        again = await uow.registrations.get(ids[0])  # the session still works
        assert again == records[0]


def test_stored_evidence_files_are_read_only(tmp_path: Path) -> None:
    files = EvidenceStore(tmp_path / "evidence")
    stored = files.save(b"certificate scan", ".jpg")
    path = files.absolute(stored.path)
    assert stat.S_IMODE(path.stat().st_mode) == READ_ONLY
    assert not stat.S_IMODE(path.stat().st_mode) & 0o222  # nobody may write, hard links too
    path.chmod(0o644)  # stored before files were made read-only
    assert files.save(b"certificate scan", ".jpg") == stored
    assert stat.S_IMODE(path.stat().st_mode) == READ_ONLY
    assert path.read_bytes() == b"certificate scan"


async def test_notification_outbox(store: Database) -> None:
    now = datetime.now(UTC)
    async with store.uow() as uow:
        outbox = uow.notifications
        buttons = ((("看看进度", "x|status"),),)
        first = await outbox.enqueue(tg(100), "您的登记已提交", buttons, "sub:1")
        assert await outbox.enqueue(tg(100), "again", dedup_key="sub:1") is None
        later = await outbox.enqueue(tg(100), "提醒", not_before=now + timedelta(days=3))
        other = await outbox.enqueue(tg(200), "审核结果")
        await outbox.enqueue(Address("web", "s1"), "网页")  # another channel's sender takes it
        due = await outbox.due("tg", now + timedelta(seconds=1))
        assert [n.id for n in due] == [first, other]
        assert due[0].buttons == buttons and due[0].to == tg(100) and due[1].buttons == ()

        await outbox.mark_sent(first)
        await outbox.mark_failed(other, retry_at=now + timedelta(minutes=5))
        assert await outbox.due("tg", now + timedelta(minutes=1)) == []
        retried = await outbox.due("tg", now + timedelta(minutes=6))
        assert [(n.id, n.attempts) for n in retried] == [(other, 1)]
        await outbox.mark_failed(other, retry_at=None)

        await outbox.mark_unreachable(tg(100))
        assert await outbox.unreachable() == {tg(100)}
        blocked = await outbox.enqueue(tg(100), "blocked")
        assert await outbox.due("tg", now + timedelta(days=4)) == []
        await outbox.mark_reachable(tg(100))
        back = await outbox.enqueue(tg(100), "back")
        assert [n.id for n in await outbox.due("tg", now + timedelta(days=4))] == [back]
        await uow.commit()
    statuses = {
        first: NotificationStatus.SENT,
        other: NotificationStatus.FAILED,
        later: NotificationStatus.UNREACHABLE,
        blocked: NotificationStatus.UNREACHABLE,
    }
    async with store.uow() as uow:
        rows = await uow.session.execute(sa.text("SELECT id, status FROM notifications"))
        assert {i: s for i, s in rows if i in statuses} == statuses


async def test_lists_page_and_hide_demo_entries(store: Database) -> None:
    ids = [await new_entry(store, user) for user in range(1, 6)]
    for reg_id in ids:
        await submit(store, reg_id)
    async with store.uow() as uow:
        demo = await uow.registrations.create_draft(tg(9), is_demo=True)
        await uow.commit()
        listing = uow.registrations
        assert [r.id for r in await listing.list(offset=1, limit=2)] == ids[1:3]
        assert demo.id in {r.id for r in await listing.list()}
        assert demo.id not in {r.id for r in await listing.list(include_demo=False)}
        drafts = await listing.list(statuses=[Status.DRAFT])
        assert [r.id for r in drafts] == [demo.id]
        assert all(
            r.awards[0].outcome == AwardOutcome.ELIGIBLE
            for r in await listing.list(statuses=[Status.SUBMITTED])
        )


def test_settings_fixture_isolated(settings: Settings, tmp_path: Path) -> None:
    assert settings.resolved_database_url.endswith(f"{tmp_path}/data/honoree.db")
    assert settings.secret_key is not None


async def test_sweep_removes_orphans_and_temporary_files_but_keeps_evidence(db, settings):
    from storage.files import EvidenceStore
    from storage.sweep import sweep_evidence

    store = EvidenceStore(settings.evidence_dir)
    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(tg(42))
        kept = store.save(b"photo that has a row", ".jpg")
        await uow.evidence.add(reg.id, award_position=0, kind="certificate", page=1, stored=kept,
                               mime="image/jpeg", width=10, height=10)
        await uow.commit()
    orphan = store.save(b"photo whose row never committed", ".jpg")
    leftover = store.absolute(kept.path).parent / ".tmp-crashed"
    leftover.write_bytes(b"half")
    result = await sweep_evidence(db, store)
    assert (result.removed_orphans, result.removed_temporary) == (1, 1)
    assert store.absolute(kept.path).exists()
    assert not store.absolute(orphan.path).exists() and not leftover.exists()


async def test_drafts_are_saved_and_submitted_as_the_dialog_holds_them(store: Database) -> None:
    """The repository splits a draft itself: the ID number is sealed, the name and household
    village are copied for the queues, and only the awards registered here are stored."""
    id_number = fake_id()
    kept = {"title": "全国劳动模范", "awarding_body": "国务院", "award_date": "2005-04",
            "outcome": "eligible", "category": "N1", "level": "national"}
    refused = {"title": "市劳动模范", "awarding_body": "白城市人民政府", "award_date": "2001-05",
               "outcome": "out_of_scope"}
    draft = Draft(person={"name": "王桂兰", "id_number": id_number, "hukou_code": VILLAGE},
                  awards=[refused, kept])
    async with store.uow() as uow:
        reg = await uow.registrations.create_draft(tg(77))
        await uow.registrations.save_draft(reg.id, draft)
        await uow.commit()
    async with store.uow() as uow:
        found = await uow.registrations.load_draft(tg(77))
        row = await uow.session.get(Registration, reg.id)
        assert found is not None and found.draft == draft
        assert id_number not in str(row.state) and (row.name, row.hukou_code) == ("王桂兰", VILLAGE)
        submitted = await uow.registrations.submit_draft(reg.id, found.draft)
        await uow.commit()
    assert [(a.position, a.title, a.award_year, a.award_month) for a in submitted.awards] == [
        (1, "全国劳动模范", 2005, 4)
    ]
    assert submitted.draft.person["id_number"] == id_number
    async with store.uow() as uow:
        assert await uow.registrations.load_draft(tg(77)) is None  # submitted: nothing open
