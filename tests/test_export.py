"""`honoree-admin export` end to end through the CLI: the package a township sends up."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook
from stdnum.cn import ric
from typer.testing import CliRunner, Result

from admin_cli.app import app
from dialogs.divisions import DivisionDirectory
from dialogs.export_view import REVIEW_BOXES, form_view
from dialogs.form import SUMMARY_COLUMNS
from dialogs.model import Draft
from services import demo as demo_data
from services.paper import forms
from services.paper.labels import CHINA
from services.paper.source import directory
from storage.files import EvidenceStore
from storage.records import AuditRecord, EvidenceKind, RegistrationRecord, Status
from storage.settings import Settings
from storage.uow import Database
from tests.conftest import run_sync

TOWN = "222401100000"  # 延吉市 小营镇
OTHER_TOWN = "222401101000"  # 延吉市 依兰镇
VILLAGE = "222401100201"  # 光进村
OTHER_VILLAGE = "222401101201"  # 依兰镇 春兴村
FAKE_ID = "22240119500701096X"  # fake, valid check digit "X"
RUNNER = CliRunner()


@dataclass(frozen=True)
class Person:
    village: str = VILLAGE
    category: str = "N1"
    awards: int = 1
    portrait: bool = False
    name: str | None = None
    id_number: str | None = None


def cli(settings: Settings, *args: str) -> Result:
    env = {
        "HONOREE_DATA_DIR": str(settings.data_dir),
        "HONOREE_SECRET_KEY": settings.secret_key.get_secret_value(),  # type: ignore[union-attr]
        "HONOREE_DATABASE_URL": None,
        "COLUMNS": "200",  # Rich tables as wide as a staff terminal
    }
    return RUNNER.invoke(app, list(args), env=env, catch_exceptions=False)


def fresh_data_dir(settings: Settings, template: Path) -> Settings:
    """Settings whose data dir holds an initialised database (no entries yet)."""
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(template, settings.data_dir / "honoree.db")
    return settings


@pytest.fixture
def data(settings: Settings, initialised_sqlite: Path) -> Settings:
    return fresh_data_dir(settings, initialised_sqlite)


def entry_for(person: Person, seed: int) -> demo_data.DemoEntry:
    plan = demo_data.Plan(
        second_award=1.0 if person.awards > 1 else 0.0,
        portrait=1.0 if person.portrait else 0.0,
        hardship=0.0,
    )
    entry = demo_data.build_entry(random.Random(seed), person.village, person.category, plan)
    if person.name:
        entry.draft.person["name"] = person.name
    if person.id_number:
        entry.draft.person["id_number"] = person.id_number
    return entry


def seed(settings: Settings, people: list[Person], status: Status = Status.CONFIRMED) -> None:
    """Store demo entries through demo-data's code path; each gets its own image files."""

    async def run() -> None:
        db = Database.from_settings(settings)
        try:
            images = demo_data.ImagePool(
                EvidenceStore(settings.evidence_dir), len(people), demo_data.plain_image
            )
            entries = (entry_for(p, n) for n, p in enumerate(people))
            await demo_data.store_entries(db, entries, images, status)
        finally:
            await db.dispose()

    run_sync(run())


def records(settings: Settings, township: str = TOWN) -> list[RegistrationRecord]:
    async def run() -> list[RegistrationRecord]:
        db = Database.from_settings(settings)
        try:
            async with db.uow(read_only=True) as uow:
                return await uow.registrations.list(township_code=township, limit=1000)
        finally:
            await db.dispose()

    return run_sync(run())


def audit_events(settings: Settings, **filters: Any) -> list[AuditRecord]:
    async def run() -> list[AuditRecord]:
        db = Database.from_settings(settings)
        try:
            async with db.uow(read_only=True) as uow:
                return await uow.audit.list(limit=1000, **filters)
        finally:
            await db.dispose()

    return run_sync(run())


def export(settings: Settings, out: Path, *extra: str) -> dict[str, Any]:
    result = cli(
        settings, "export", "--township", TOWN, "--out", str(out), "--demo", "--json", *extra
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar for --json or without a terminal
    return json.loads(result.stdout)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def column(label: str) -> int:
    return [c for c, _ in SUMMARY_COLUMNS].index(label)


def two_townships(data: Settings) -> Settings:
    """小营镇: two confirmed people (one with two awards, a portrait and a name that looks
    like a formula; one with an ID ending in X), one still waiting for review; and one
    confirmed person of 依兰镇 who must never appear in 小营镇's package."""
    seed(
        data,
        [
            Person(category="N1", awards=2, portrait=True, name="=SUM(A1)"),
            Person(category="P2", name="金明浩", id_number=FAKE_ID),
        ],
    )
    seed(data, [Person(category="P3", name="朴待审")], Status.SUBMITTED)
    seed(data, [Person(village=OTHER_VILLAGE, category="P1", name="外乡人")])
    return data


@pytest.fixture
def township(data: Settings) -> Settings:
    return two_townships(data)


def test_export_package_through_the_cli(township: Settings, tmp_path: Path) -> None:
    out = tmp_path / "报送"
    summary = export(township, out, "--zip", "--actor", "测试员")
    assert (summary["entries"], summary["forms"], summary["marked_exported"]) == (2, 2, 2)
    assert summary["problems"] == []
    regs = {r.name: r for r in records(township)}
    two_awards, with_x = regs["=SUM(A1)"], regs["金明浩"]
    assert ric.is_valid(FAKE_ID)

    # 汇总表: title, frozen header in spec order, one row per person, text stays text
    ws = load_workbook(out / "汇总表.xlsx")["汇总表"]
    assert "小营镇" in ws["A1"].value and "年" in ws["A1"].value
    assert [c.value for c in ws[2]] == [label for label, _ in SUMMARY_COLUMNS]
    assert ws.freeze_panes == "D3"  # 序号, 登记编号, 姓名 stay in view
    rows = {row[column("姓名")].value: row for row in ws.iter_rows(min_row=3)}
    assert set(rows) == {"=SUM(A1)", "金明浩"}
    id_cell = rows["金明浩"][column("公民身份号码")]
    assert (id_cell.value, id_cell.data_type) == (FAKE_ID, "s")
    formula = rows["=SUM(A1)"][column("姓名")]
    assert (formula.data_type, formula.quotePrefix) == ("s", True)
    draft = Draft.from_storage(two_awards.state, two_awards.secrets)
    titles = rows["=SUM(A1)"][column("荣誉称号")]
    assert titles.value == "\n".join(a["title"] for a in draft.awards)
    assert titles.value.count("\n") == 1 and titles.alignment.wrap_text
    assert rows["=SUM(A1)"][column("待遇级别")].value == "国家级"
    birth = rows["金明浩"][column("出生年月")]  # a date that sorts, shown as 年月
    assert birth.is_date and birth.number_format == 'yyyy"年"m"月"'
    born = Draft.from_storage(with_x.state, with_x.secrets).person["birth_date"]
    assert f"{birth.value:%Y-%m}" == born
    assert rows["金明浩"][column("登记编号")].value == with_x.reg_no
    assert rows["金明浩"][column("村（社区）确认人")].value in demo_data.REVIEWERS

    # 登记表: every printed label and value, the review boxes, the portrait
    form = out / "登记表" / f"{two_awards.reg_no}_=SUM(A1).docx"
    text = docx_text(form)
    divisions = run_sync(_directory(township))
    view = form_view(draft, divisions)
    for line in [*view.basic, *view.other, *(line for award in view.awards for line in award)]:
        assert line.label in text and line.value in text, line
    assert draft.person["id_number"] in text and "第2项" in text
    for box in REVIEW_BOXES:
        assert box in text
    assert "确认人：" in text
    assert len(docx.Document(str(form)).inline_shapes) == 1  # the portrait
    assert FAKE_ID in docx_text(out / "登记表" / f"{with_x.reg_no}_金明浩.docx")

    # 佐证材料: named by kind, award numbers only for the person with several awards
    folder = out / "佐证材料" / f"{two_awards.reg_no}_=SUM(A1)"
    assert {p.name for p in folder.iterdir()} == {
        "免冠照片_1.jpg",
        "第1项_荣誉证书_1.jpg",
        "第1项_表彰文件_1.jpg",
        "第2项_荣誉证书_1.jpg",
        "第2项_表彰文件_1.jpg",
    }
    p2 = {p.name for p in (out / "佐证材料" / f"{with_x.reg_no}_金明浩").iterdir()}
    assert p2 == {"荣誉证书_1.jpg", "表彰文件_1.jpg", "人事部确认文件_1.jpg"}

    # 统计登记工作情况
    # 统计登记工作情况: the counts agree with what was sent (已报送 2) and what waits (待审核 1)
    book = load_workbook(out / "统计登记工作情况.xlsx")
    cells = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    values = [c for row in cells for c in row if c is not None]
    assert "一、按统计类别" in values and "四、按村（社区）" in values
    by_status = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert (by_status["已报送"], by_status["待审核"], by_status["已确认"]) == (2, 1, 0)
    report_text = docx_text(out / "统计登记工作情况报告.docx")
    assert "本次报送 2 人" in report_text and "待审核 1 人" in report_text
    readme = (out / "说明.txt").read_text(encoding="utf-8-sig")
    assert "本次报送：2 人" in readme and "certutil -hashfile" in readme and "测试员" in readme

    # manifest: every file, with checksum and size; nothing else in the folder
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["exported_by"] == "测试员"
    assert manifest["township"] == {"code": TOWN, "name": "延吉市 小营镇"}
    assert manifest["counts"]["entries"] == manifest["counts"]["exported"] == 2
    assert manifest["counts"]["by_status"]["exported"] == {"label": "已报送", "persons": 2}
    assert manifest["counts"]["by_category"]["N1"]["persons"] == 1
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    zip_name = Path(summary["zip"]).name
    assert on_disk - set(listed) == {"manifest.json", zip_name, f"{zip_name}.sha256"}
    sidecar = (out / f"{zip_name}.sha256").read_text(encoding="utf-8")
    assert sidecar.split()[0] == summary["zip_sha256"]
    assert hashlib.sha256(Path(summary["zip"]).read_bytes()).hexdigest() == summary["zip_sha256"]
    for rel, f in listed.items():
        content = (out / rel).read_bytes()
        assert (hashlib.sha256(content).hexdigest(), len(content)) == (f["sha256"], f["size"]), rel

    # zip: Chinese names flagged UTF-8 (0x800) and decoded back
    with zipfile.ZipFile(summary["zip"]) as z:
        assert z.testzip() is None
        names = z.namelist()
        top = names[0].split("/")[0]
        assert {n.removeprefix(top + "/") for n in names} == {*listed, "manifest.json"}
        assert all(i.flag_bits & 0x800 for i in z.infolist() if not i.filename.isascii())
    raw = Path(summary["zip"]).read_bytes()
    assert "汇总表.xlsx".encode() in raw  # names are stored as UTF-8 bytes

    # the other township never appears; the unconfirmed entry is not sent
    everything = json.dumps(manifest, ensure_ascii=False) + str(on_disk)
    assert "外乡人" not in everything and "朴待审" not in everything
    assert all("外乡人" not in str(c.value) for row in ws.iter_rows() for c in row)

    # marked 已报送 and audited
    assert {r.name: r.status for r in records(township)} == {
        "=SUM(A1)": Status.EXPORTED,
        "金明浩": Status.EXPORTED,
        "朴待审": Status.SUBMITTED,
    }
    assert records(township, OTHER_TOWN)[0].status is Status.CONFIRMED
    per_entry = audit_events(township, action="exported")
    assert {e.registration_id for e in per_entry} == {two_awards.id, with_x.id}
    (event,) = audit_events(township, action="export")
    assert event.actor == "cli:测试员"
    assert (event.detail["township_code"], event.detail["entries"]) == (TOWN, 2)


async def _directory(settings: Settings) -> DivisionDirectory:
    db = Database.from_settings(settings)
    try:
        async with db.uow(read_only=True) as uow:
            return await directory(uow, TOWN)
    finally:
        await db.dispose()


def test_a_second_export_sends_nothing_again_unless_asked(
    township: Settings, tmp_path: Path
) -> None:
    assert export(township, tmp_path / "first")["entries"] == 2
    second = export(township, tmp_path / "second")
    assert (second["entries"], second["marked_exported"]) == (0, 0)
    assert not (tmp_path / "second").exists()
    again = export(township, tmp_path / "again", "--again")
    assert (again["entries"], again["marked_exported"]) == (2, 0)
    assert {r.status for r in records(township)} == {Status.EXPORTED, Status.SUBMITTED}
    assert len(audit_events(township, action="exported")) == 2  # marked once only


def test_demo_entries_stay_out_unless_asked(township: Settings, tmp_path: Path) -> None:
    result = cli(township, "export", "--township", TOWN, "--out", str(tmp_path / "o"), "--json")
    summary = json.loads(result.stdout)
    assert (summary["entries"], summary["skipped_demo"]) == (0, 2)


def test_broken_and_missing_evidence_is_reported_and_the_export_completes(
    data: Settings, tmp_path: Path
) -> None:
    seed(data, [Person(category="N1", name=name) for name in ("甲一", "乙二", "丙三")])
    regs = {r.name: r for r in records(data)}
    store = EvidenceStore(data.evidence_dir)

    async def damage() -> None:
        db = Database.from_settings(data)
        try:
            async with db.uow() as uow:
                first = await uow.evidence.list_for(regs["甲一"].id)
                gone = next(e for e in first if e.kind is EvidenceKind.CERTIFICATE)
                store.absolute(gone.path).unlink()  # the file vanished from disk
                second = await uow.evidence.list_for(regs["乙二"].id)
                changed = next(e for e in second if e.kind is EvidenceKind.AWARD_DOCUMENT)
                tampered = store.absolute(changed.path)
                tampered.chmod(0o640)  # evidence is stored read-only; this test tampers on purpose
                tampered.write_bytes(b"not the photo that was received")
        finally:
            await db.dispose()

    run_sync(damage())
    out = tmp_path / "out"
    summary = export(data, out)
    assert (summary["entries"], summary["marked_exported"]) == (3, 3)
    problems = {(p["reg_no"], p["problem"]) for p in summary["problems"]}
    assert (regs["甲一"].reg_no, "佐证材料文件缺失") in problems
    assert (regs["乙二"].reg_no, "佐证材料校验值不符（文件已被改动）") in problems
    assert (regs["甲一"].reg_no, "缺少第1项 荣誉证书照片") in problems
    assert not any(p[0] == regs["丙三"].reg_no for p in problems)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["problems"]) == len(summary["problems"])
    assert not (out / "佐证材料" / f"{regs['甲一'].reg_no}_甲一" / "荣誉证书_1.jpg").exists()
    assert (out / "佐证材料" / f"{regs['丙三'].reg_no}_丙三" / "荣誉证书_1.jpg").exists()
    assert len(list((out / "登记表").iterdir())) == 3


def test_refuses_a_non_empty_folder_unless_forced(township: Settings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "别人的文件.txt").write_text("keep me", encoding="utf-8")
    refused = cli(township, "export", "--township", TOWN, "--out", str(out), "--demo")
    assert refused.exit_code == 1
    assert "--force" in refused.output
    assert {r.status for r in records(township)} == {Status.CONFIRMED, Status.SUBMITTED}
    forced = export(township, out, "--force")
    assert forced["entries"] == 2
    assert (out / "别人的文件.txt").read_text(encoding="utf-8") == "keep me"


def test_unknown_township_is_refused(data: Settings, tmp_path: Path) -> None:
    result = cli(data, "export", "--township", VILLAGE, "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "不是乡镇" in result.output


def test_unsafe_names_stay_inside_the_folder(data: Settings, tmp_path: Path) -> None:
    seed(data, [Person(name='../../逃出/去:*?"<>|')])
    out = tmp_path / "out"
    export(data, out)
    (form,) = (out / "登记表").iterdir()
    assert form.parent == out / "登记表"
    assert not any(c in form.name for c in '/\\:*?"<>|') and ".." not in form.name
    assert not (tmp_path / "逃出").exists()


def test_pdf_needs_libreoffice(
    township: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setenv("PATH", str(tmp_path / "empty-bin"))
        without = export(township, tmp_path / "a", "--pdf")
    assert any("LibreOffice" in note for note in without["notes"])
    assert without["pdfs"] == 0 and without["entries"] == 2
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")

    made = export(township, tmp_path / "b", "--pdf", "--again")
    assert made["pdfs"] == 2
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    pdfs = [f["path"] for f in manifest["files"] if f["path"].endswith(".pdf")]
    assert len(pdfs) == 2
    assert all((tmp_path / "b" / p).read_bytes().startswith(b"%PDF") for p in pdfs)


def test_a_folder_that_cannot_be_written_fails_cleanly(township: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = cli(township, "export", "--township", TOWN, "--out", str(blocker / "out"), "--demo")
    assert result.exit_code == 1 and "失败" in result.output
    assert {r.status for r in records(township)} == {Status.CONFIRMED, Status.SUBMITTED}


def test_forms_rendered_by_worker_processes_are_complete_and_in_entry_order(
    township: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large export renders its forms in one process per core: every form and evidence file
    arrives, listed with its checksum, in the order of the 汇总表."""
    monkeypatch.setattr(forms, "POOL_FROM", 1)
    monkeypatch.setattr(forms, "cores", lambda: 2)  # as on the 2-core machine it targets
    monkeypatch.setattr(forms, "BATCH", 1)  # one task per form: order must still hold
    out = tmp_path / "报送"
    assert export(township, out)["forms"] == 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = [f for f in manifest["files"] if f["path"].startswith("登记表/")]
    ws = load_workbook(out / "汇总表.xlsx")["汇总表"]
    order = [
        (row[column("登记编号")].value, row[column("姓名")].value)
        for row in ws.iter_rows(min_row=3)
    ]
    assert [f["path"] for f in listed] == [f"登记表/{no}_{name}.docx" for no, name in order]
    for f in manifest["files"]:
        content = (out / f["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == f["sha256"], f["path"]
    for no, name in order:
        assert name in docx_text(out / "登记表" / f"{no}_{name}.docx")
    assert len(list((out / "佐证材料").rglob("*.jpg"))) == manifest["counts"]["evidence_files"]


def test_an_entry_sent_after_the_deadline_is_exported_and_marked_late(
    township: Settings, tmp_path: Path
) -> None:
    """Late entries are still accepted and sent up, marked 逾期 in the 汇总表 and the JSONL;
    the same entries before their deadline carry no mark."""
    today = datetime.now(UTC).astimezone(CHINA).date()

    def status_cells(out: Path) -> set[str]:
        ws = load_workbook(out / "汇总表.xlsx")["汇总表"]
        return {row[column("状态")].value for row in ws.iter_rows(min_row=3)}

    def late_marks(out: Path) -> list[bool]:
        lines = (out / "登记数据.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line)["late"] for line in lines]

    due = (today + timedelta(days=3)).isoformat()
    assert cli(township, "deadline", "set", "--level", "village", "--date", due).exit_code == 0
    export(township, tmp_path / "in_time")
    assert not any("逾期" in cell for cell in status_cells(tmp_path / "in_time"))
    assert late_marks(tmp_path / "in_time") == [False, False]

    past = (today - timedelta(days=1)).isoformat()
    assert cli(township, "deadline", "set", "--level", "village", "--date", past).exit_code == 0
    late = export(township, tmp_path / "late", "--again")
    assert late["entries"] == 2  # accepted all the same
    assert all(cell.endswith("（逾期）") for cell in status_cells(tmp_path / "late"))
    assert late_marks(tmp_path / "late") == [True, True]
