"""`honoree-admin backup` / `restore`: a drive restored into an empty database and data folder is
the drive that was backed up — every row of every table, every photo byte for byte, every ID
number readable with the kept key — on SQLite and PostgreSQL; a damaged archive, a newer one or a
drive already in use is refused and changes nothing."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.backup import BackupError, make_backup, restore_backup
from services.demo import ImagePool, plan_entries, store_entries, villages_of
from services.setup import initialise, prepare_data_dir
from storage.files import EvidenceStore
from storage.models import Base
from storage.records import Status
from storage.settings import Settings
from storage.uow import Database
from testkit.botproc import ROOT, admin, bot_env
from testkit.pg import scratch_database

TOWNSHIP = "222401100000"  # 延吉市 小营镇


async def _rows(db: Database) -> dict[str, list[tuple]]:
    rows = {}
    async with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            result = await connection.execute(sa.select(table).order_by(*order))
            rows[table.name] = [tuple(r) for r in result]
    return rows


async def _id_numbers(db: Database) -> list[str]:
    async with db.uow(read_only=True) as uow:
        entries = await uow.registrations.list(statuses=[Status.CONFIRMED], limit=1000)
        return sorted(e.secrets["id_number"] for e in entries)


def _settings(data: Path, url: str | None = None) -> Settings:
    return Settings(_env_file=None, data_dir=data, database_url=url,  # type: ignore[call-arg]
                    secret_key=None)  # the key file in `data`


def _drive_state(data: Path) -> tuple[dict[str, list[tuple]], list[str]]:
    """Every row, and the ID numbers as the key in `data` decrypts them."""
    async def read():
        db = Database.from_settings(_settings(data))
        try:
            return await _rows(db), await _id_numbers(db)
        finally:
            await db.dispose()

    return asyncio.run(read())


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _flat(text: str) -> str:
    """The console's words without the line breaks it wraps them at."""
    return "".join(text.split())


def _restore(data: Path, archive: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "admin_cli", "restore", str(archive), *extra],
        cwd=ROOT, env=bot_env(data, "http://127.0.0.1:9"), capture_output=True, text=True,
        timeout=120,
    )
    return subprocess.CompletedProcess(done.args, done.returncode, _flat(done.stdout),
                                       _flat(done.stderr))


@pytest.fixture(scope="module")
def drive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A township's drive (confirmed entries with their photos) and a backup of it."""
    data = tmp_path_factory.mktemp("drive") / "data"
    admin(data, "init")
    admin(data, "demo-data", "--township", TOWNSHIP, "--count", "25")
    archive = data.parent / "backup.tar"
    out = _flat(admin(data, "backup", "--out", str(archive)))
    assert "备份完成" in out and "25条登记" in out and "密钥" in out
    return data, archive


def _empty_drive(tmp_path: Path, drive: Path) -> Path:
    """A new data folder holding only the key file kept apart from the backup."""
    data = tmp_path / "restored"
    data.mkdir()
    shutil.copy(drive / "secret.key", data / "secret.key")
    return data


def test_restore_into_an_empty_folder_gives_back_every_row_photo_and_id_number(
    drive: tuple[Path, Path], tmp_path: Path
):
    source, archive = drive
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner alone
    with tarfile.open(archive) as tar:
        assert "secret.key" not in " ".join(tar.getnames())  # the key never travels with it
    target = _empty_drive(tmp_path, source)
    done = _restore(target, archive)
    assert done.returncode == 0, done.stderr
    assert "恢复完成" in done.stdout and "25条登记" in done.stdout

    before, after = _drive_state(source), _drive_state(target)
    assert after[0] == before[0]
    photos = _files(source / "evidence")
    assert len(photos) >= 25 and _files(target / "evidence") == photos
    assert len(after[1]) == 25 and after[1] == before[1]


def test_a_drive_in_use_is_not_overwritten_without_force(drive: tuple[Path, Path], tmp_path: Path):
    source, archive = drive
    other = _empty_drive(tmp_path, source)  # the same key, another drive's entries
    admin(other, "init")
    admin(other, "demo-data", "--township", TOWNSHIP, "--count", "3", "--seed", "7")
    kept = _drive_state(other)
    refused = _restore(other, archive)
    assert refused.returncode == 1 and "已经有登记数据" in refused.stderr
    assert "--force" in refused.stderr and _drive_state(other) == kept

    forced = _restore(other, archive, "--force")
    assert forced.returncode == 0, forced.stderr
    assert _drive_state(other)[0] == _drive_state(source)[0]


def _rewritten(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    with tarfile.open(archive) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return out


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(
    drive: tuple[Path, Path], tmp_path: Path
):
    source, archive = drive

    def flip_a_photo_byte(name: str, data: bytes) -> bytes:
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if name.endswith(".jpg") else data

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["revision"] = "9999"
        return json.dumps(manifest).encode()

    cases = [
        (_rewritten(archive, tmp_path / "flipped.tar", flip_a_photo_byte), "对不上"),
        (_rewritten(archive, tmp_path / "newer.tar", newer), "更新的版本"),
        (tmp_path / "form.pdf", "读不了"),
    ]
    (tmp_path / "form.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    target = _empty_drive(tmp_path, source)
    for bad, said in cases:
        done = _restore(target, bad)
        assert done.returncode == 1 and said in done.stderr and "没有做任何改动" in done.stderr
        assert "Traceback" not in done.stderr
    assert not (target / "honoree.db").exists() and not (target / "evidence").exists()

    stranger = tmp_path / "stranger"  # a drive with a key of its own
    admin(stranger, "init")
    done = _restore(stranger, archive)
    assert done.returncode == 1 and "不是做备份时用的那一个" in done.stderr


async def test_a_backup_taken_while_the_bot_writes_is_one_consistent_moment(
    settings: Settings, tmp_path: Path
):
    await initialise(settings, prepare_data_dir(settings))
    db = Database.from_settings(settings)
    stop = asyncio.Event()

    async def keep_writing() -> int:
        n = 0
        while not stop.is_set():
            async with db.uow() as uow:
                await uow.audit.record("test:writer", "test.write", None, n=n)
                await uow.commit()
            n += 1
            await asyncio.sleep(0)
        return n

    writer = asyncio.create_task(keep_writing())
    await asyncio.sleep(0.2)
    manifest = await make_backup(settings, db, tmp_path / "live.tar")
    stop.set()
    written = await writer
    await db.dispose()
    assert 0 < manifest.counts["audit_events"] < written

    into = Settings(_env_file=None, data_dir=tmp_path / "restored",  # type: ignore[call-arg]
                    database_url=None, secret_key=settings.secret_key)
    done = await restore_backup(into, tmp_path / "live.tar")
    assert done.counts["audit_events"] == manifest.counts["audit_events"]


@pytest.mark.postgres
async def test_postgresql_backup_restores_into_an_empty_database(tmp_path: Path, pg_url: str):
    async with scratch_database("honoree_backup_src") as src_url, \
            scratch_database("honoree_backup_dst") as dst_url:
        source = _settings(tmp_path / "pg-source", src_url)
        await initialise(source, prepare_data_dir(source))
        db = Database.from_settings(source)
        villages = await villages_of(db, TOWNSHIP)
        assert villages
        pool = ImagePool(EvidenceStore(source.evidence_dir))
        await store_entries(db, plan_entries(villages, 12, seed=3), pool, Status.CONFIRMED)
        archive = tmp_path / "pg.tar"
        manifest = await make_backup(source, db, archive)
        assert manifest.engine == "postgresql" and manifest.counts["registrations"] == 12

        (tmp_path / "pg-restored").mkdir()
        shutil.copy(source.key_file, tmp_path / "pg-restored" / "secret.key")
        target = _settings(tmp_path / "pg-restored", dst_url)
        done = await restore_backup(target, archive)  # into a database with no schema at all
        assert done.counts == manifest.counts
        restored = Database.from_settings(target)
        try:
            assert await _rows(restored) == await _rows(db)
            assert await _id_numbers(restored) == await _id_numbers(db)
            assert _files(target.evidence_dir) == _files(source.evidence_dir)
        finally:
            await restored.dispose()
            await db.dispose()
        with pytest.raises(BackupError, match="已经有登记数据"):
            await restore_backup(target, archive)
