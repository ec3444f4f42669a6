"""`honoree-admin entries`, `stats`, `audit` and `demo-data` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stdnum.cn import ric

from dialogs.model import Draft
from services.demo import CATEGORIES
from storage.records import Status
from storage.settings import Settings
from storage.uow import Database
from testkit.fakes import tg
from tests.conftest import run_sync
from tests.test_export import (
    FAKE_ID,
    OTHER_TOWN,
    TOWN,
    Person,
    audit_events,
    cli,
    fresh_data_dir,
    records,
    seed,
    two_townships,
)

MASKED_FAKE_ID = "222401********096X"


@pytest.fixture
def data(settings: Settings, initialised_sqlite: Path) -> Settings:
    return fresh_data_dir(settings, initialised_sqlite)


@pytest.fixture
def township(data: Settings) -> Settings:
    return two_townships(data)


def test_entries_masks_ids_and_reveal_is_audited(township: Settings) -> None:
    table = cli(township, "entries", "--township", TOWN)
    assert table.exit_code == 0, table.output
    assert "金明浩" in table.output and "外乡人" not in table.output
    assert FAKE_ID not in table.output
    masked = json.loads(cli(township, "entries", "--township", TOWN, "--json").stdout)
    assert masked["total"] == 3
    by_name = {e["name"]: e for e in masked["entries"]}
    assert by_name["金明浩"]["id_number"] == MASKED_FAKE_ID
    assert "****" in by_name["金明浩"]["phone"]
    assert audit_events(township, action="revealed") == []

    shown = cli(township, "entries", "--township", TOWN, "--json", "--reveal", "--actor", "王")
    revealed = {e["name"]: e for e in json.loads(shown.stdout)["entries"]}
    assert revealed["金明浩"]["id_number"] == FAKE_ID
    events = audit_events(township, action="revealed")
    assert {e.registration_id for e in events} == {e["id"] for e in revealed.values()}
    assert {e.actor for e in events} == {"cli:王"}

    refused = cli(township, "entries", "--reveal")
    assert refused.exit_code == 1 and "--json" in refused.output


def test_entries_filter_by_status_village_and_county(township: Settings) -> None:
    def names(*args: str) -> set[str]:
        result = cli(township, "entries", "--json", *args)
        return {e["name"] for e in json.loads(result.stdout)["entries"]}

    assert names("--township", TOWN, "--status", "submitted") == {"朴待审"}
    assert names("--village", "222401101201") == {"外乡人"}
    assert names("--county", "222401000000") == {"=SUM(A1)", "金明浩", "朴待审", "外乡人"}
    assert names("--township", TOWN, "--no-demo") == set()


def test_stats_counts_by_place_status_and_category(township: Settings) -> None:
    result = cli(township, "stats", "--county", "222401000000", "--json")
    counts = json.loads(result.stdout)
    assert counts["persons"] == 4
    assert counts["by_status"]["confirmed"] == 3 and counts["by_status"]["submitted"] == 1
    towns = {t["code"]: t["total"] for t in counts["by_township"]}
    assert towns == {TOWN: 3, OTHER_TOWN: 1}
    assert counts["by_category"]["N1"]["persons"] == 1
    assert counts["by_category"]["N1"]["awards"] >= 1
    assert sum(v["total"] for v in counts["by_village"]) == 4
    assert counts["by_level"]["国家级"] >= 1
    table = cli(township, "stats", "--township", TOWN)
    assert table.exit_code == 0 and "按村（社区）" in table.output


def test_audit_by_entry_actor_and_time(township: Settings, tmp_path: Path) -> None:
    cli(
        township,
        "export",
        "--township",
        TOWN,
        "--out",
        str(tmp_path / "o"),
        "--demo",
        "--actor",
        "李",
    )
    reg = next(r for r in records(township) if r.name == "金明浩")
    by_reg_no = json.loads(cli(township, "audit", "--entry", reg.reg_no, "--json").stdout)
    assert {e["action"] for e in by_reg_no} >= {"submitted", "review.confirmed", "exported"}
    assert all(e["reg_no"] == reg.reg_no for e in by_reg_no)
    by_id = json.loads(cli(township, "audit", "--entry", str(reg.id), "--json").stdout)
    assert by_id == by_reg_no
    exports = json.loads(cli(township, "audit", "--actor", "cli:李", "--json").stdout)
    assert {e["action"] for e in exports} == {"exported", "export"}
    future = json.loads(cli(township, "audit", "--since", "2999-01-01", "--json").stdout)
    assert future == []
    today = json.loads(cli(township, "audit", "--until", "2999-01-01", "--json").stdout)
    assert len(today) == len(audit_events(township))
    assert cli(township, "audit", "--entry", "999999999-9999").exit_code == 1
    assert cli(township, "audit", "--since", "昨天").exit_code != 0
    assert "审计日志" in cli(township, "audit", "--limit", "3").output


def test_demo_data_covers_every_category_and_removes_only_demo(data: Settings) -> None:
    created = cli(data, "demo-data", "--township", TOWN, "--count", "12", "--seed", "7", "--json")
    assert created.exit_code == 0, created.output
    assert json.loads(created.stdout)["created"] == 12
    regs = records(data)
    assert len(regs) == 12 and all(r.is_demo and r.status is Status.CONFIRMED for r in regs)
    categories = {a.category for r in regs for a in r.awards}
    assert categories == set(CATEGORIES)
    for r in regs:
        draft = Draft.from_storage(r.state, r.secrets)
        assert ric.is_valid(draft.person["id_number"])
        assert draft.person["hukou_code"].startswith(TOWN[:9])
    seed(data, [Person(name="演示外", village="222401101201")])  # demo of another township
    real = _add_real_entry(data)

    removed = cli(data, "demo-data", "--remove", "--township", TOWN, "--json")
    assert json.loads(removed.stdout)["removed"] == 12
    assert records(data) == []
    assert [r.name for r in records(data, OTHER_TOWN)] == ["演示外", "真实人"]
    assert _evidence_rows(data) == 2 + 0  # only 演示外's two photos are left

    everything = json.loads(cli(data, "demo-data", "--remove", "--json").stdout)
    assert everything["removed"] == 1
    assert [r.id for r in records(data, OTHER_TOWN)] == [real]
    assert audit_events(data, action="demo_removed")


def test_demo_data_needs_a_township(data: Settings) -> None:
    assert cli(data, "demo-data").exit_code == 1
    assert cli(data, "demo-data", "--township", "222401100201").exit_code == 1


def _add_real_entry(settings: Settings) -> int:
    """A non-demo entry, stored the way the bot stores one."""

    async def run() -> int:
        db = Database.from_settings(settings)
        try:
            async with db.uow() as uow:
                reg = await uow.registrations.create_draft(tg(77))
                await uow.registrations.save_state(
                    reg.id,
                    {"person": {"name": "真实人"}},
                    {"id_number": FAKE_ID},
                    name="真实人",
                    hukou_code="222401101201",
                )
                await uow.registrations.submit(
                    reg.id,
                    [
                        {
                            "position": 0,
                            "title": "吉林省劳动模范",
                            "awarding_body": "吉林省人民政府",
                            "award_year": 2010,
                            "award_month": 4,
                            "category": "P1",
                            "level": "省部级",
                        }
                    ],
                )
                await uow.commit()
                return reg.id
        finally:
            await db.dispose()

    return run_sync(run())


def _evidence_rows(settings: Settings) -> int:
    async def run() -> int:
        db = Database.from_settings(settings)
        try:
            async with db.uow(read_only=True) as uow:
                found = 0
                for r in await uow.registrations.list(limit=100):
                    found += len(await uow.evidence.list_for(r.id))
                return found
        finally:
            await db.dispose()

    return run_sync(run())
