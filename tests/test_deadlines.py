"""The drive's deadlines: set by staff (wrong input changes nothing), counted down to in
reminders that come once per point and never at night, and late entries marked."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from admin_cli.app import app
from services import reminders
from services.committees import place_names
from services.deadlines import (
    DeadlineRefused,
    china_today,
    days_left_text,
    due_for,
    is_late,
    parse_due,
    reminder_point,
    set_deadline,
)
from services.review.views import my_queue
from storage.uow import Database
from testkit.fakes import tg
from tests.test_review_notifier import statuses
from tests.test_review_storage import VILLAGE, committee, submit

DUE = date(2027, 1, 15)


def china_morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)  # 10:00 in China


def test_staff_set_list_and_clear_deadlines_and_wrong_input_changes_nothing(tmp_path: Path):
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, [*base, "init"]).exit_code == 0

    def run(*args: str):
        return runner.invoke(app, [*base, "deadline", *args])

    assert run("set", "--level", "township", "--date", "2027-01-15").exit_code == 0
    assert run("set", "--level", "village", "--date", "2027年1月10日").exit_code == 0
    refused = {
        "after the level above": run("set", "--level", "village", "--date", "2027-01-20"),
        "before the level below": run("set", "--level", "county", "--date", "2027-01-12"),
        "no such day": run("set", "--level", "county", "--date", "2027-02-30"),
        "not a date": run("set", "--level", "county", "--date", "下个月"),
        "no such level": run("set", "--level", "province", "--date", "2027-03-01"),
    }
    said = {k: "".join(r.output.split()) for k, r in refused.items()}  # Rich wraps lines
    assert all(r.exit_code == 1 for r in refused.values()), said
    assert "不能晚于乡镇（街道）报县的（2027年1月15日）" in said["after the level above"]
    assert "不能早于乡镇（街道）报县的（2027年1月15日）" in said["before the level below"]
    assert "“2027-02-30”不是日期" in said["no such day"] and "不是日期" in said["not a date"]
    assert "没有“province”这一级" in said["no such level"] and "township" in said["no such level"]
    listed = json.loads(run("list", "--json").stdout)
    assert listed == {"village": "2027-01-10", "township": "2027-01-15"}  # nothing changed
    assert "已取消" in run("clear", "--level", "village").output
    assert "本来就没有" in "".join(run("clear", "--level", "village").output.split())
    assert json.loads(run("list", "--json").stdout) == {"township": "2027-01-15"}
    audit = runner.invoke(app, [*base, "audit", "--json"]).stdout
    assert "deadline.set" in audit and "deadline.cleared" in audit


async def test_reviewers_and_idle_honorees_hear_each_countdown_point_once(
    db: Database, settings
):
    await committee(db, VILLAGE, 801)
    await submit(db, 501)
    async with db.uow() as uow:
        await uow.registrations.create_draft(tg(601))
        await uow.commit()
    await set_deadline(db, "village", DUE.isoformat(), "cli:test")

    def countdown() -> list[str]:
        return sorted(text for text in statuses_now if "截止" in text)

    heard = []
    for days_before in (9, 8, 7, 7, 6, 5, 3, 2, 1, 1, 0, -1, -5):
        now = china_morning(DUE - timedelta(days=days_before))
        await reminders.remind_once(db, settings, now)
        statuses_now = await statuses(db)
        heard.append(len(countdown()))
    # 7, 3 and 1 days before: the reviewer and the honoree each hear once, nothing after.
    assert heard == [0, 0, 2, 2, 2, 2, 4, 4, 6, 6, 6, 6, 6]
    texts = countdown()
    seven = "⏰ 还有 1 条登记等您审核，还有 7 天（2027年1月15日截止）"
    assert any(t.startswith(seven) for t in texts)
    assert any("您的登记还没填完，还有 1 天（2027年1月15日截止）" in t for t in texts)


async def test_nights_are_quiet_and_a_restart_sends_nothing_again(db: Database, settings):
    await committee(db, VILLAGE, 801)
    await submit(db, 502)
    await set_deadline(db, "township", DUE.isoformat(), "cli:test")  # the village level works to it
    night = datetime(2027, 1, 7, 15, tzinfo=UTC)  # 23:00 on the 7th in China
    assert await reminders.remind_once(db, settings, night) >= 1
    morning = datetime(2027, 1, 8, 1, tzinfo=UTC)  # 9:00 on the 8th: 7 days before
    async with db.uow(read_only=True) as uow:
        before_dawn = await uow.notifications.due("tg", morning - timedelta(hours=2))
        at_nine = await uow.notifications.due("tg", morning)
    assert not [n for n in before_dawn if "截止" in n.text]  # nothing in the quiet hours
    assert [n.not_before for n in at_nine if "截止" in n.text] == [morning]
    again = Database(db.url, db.cipher)  # a restarted process, the same database
    try:
        assert await reminders.remind_once(again, settings, morning + timedelta(hours=2)) == 0
    finally:
        await again.dispose()


def test_late_entries_are_those_sent_after_the_committees_date():
    found = {"township": DUE}
    assert due_for(found, "village") == ("township", DUE)
    assert not is_late(datetime(2027, 1, 15, 15, 59, tzinfo=UTC), found)  # 23:59 in China
    assert is_late(datetime(2027, 1, 15, 16, 0, tzinfo=UTC), found)  # 00:00 on the 16th
    assert not is_late(None, found) and not is_late(datetime.now(UTC), {})


def test_days_left_reads_plainly():
    assert days_left_text(DUE, DUE - timedelta(days=5)) == "还有 5 天（2027年1月15日截止）"
    assert days_left_text(DUE, DUE) == "今天（2027年1月15日）截止"
    assert days_left_text(DUE, DUE + timedelta(days=3)) == "已过截止日期 3 天（2027年1月15日）"


@given(st.integers(min_value=-30, max_value=60))
def test_every_day_of_the_countdown_belongs_to_at_most_one_point(left):
    point = reminder_point(left)
    assert point is None if left < 0 or left > 7 else point in (7, 3, 1) and point >= left


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]))
def test_every_spelling_of_a_date_parses_to_it(day, spelling):
    assert parse_due(spelling.format(y=day.year, m=day.month, d=day.day)) == day


@given(st.text(max_size=30))
def test_no_text_crashes_the_date_parser(text):
    try:
        parse_due(text)
    except DeadlineRefused as refused:
        assert "不是日期" in str(refused)


@pytest.mark.parametrize("text", ["2027-1-15", " 2027 年 1 月 15 日 "])
def test_forgiving_spellings(text):
    assert parse_due(text) == DUE


async def test_the_queue_says_how_many_days_are_left(db: Database):
    await committee(db, VILLAGE, 801)
    await submit(db, 503)
    names = await place_names(db)
    before = await my_queue(db, names, tg(801))
    assert "截止" not in before.text  # no deadline set: nothing said of one
    await set_deadline(db, "township", "2099-01-15", "cli:test")
    shown = await my_queue(db, names, tg(801))
    left = (date(2099, 1, 15) - china_today()).days
    assert f"📅 乡镇（街道）报县：还有 {left} 天（2099年1月15日截止）" in shown.text
