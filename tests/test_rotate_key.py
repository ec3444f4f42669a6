"""`honoree-admin rotate-key` as real processes: killed half-way, run again, every ID and phone
number readable with the new key alone, nothing sealed twice, look-up hashes under the new key."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from services.inbox import Inbox
from services.keys import left_behind, reencrypt
from storage.crypto import FieldCipher, generate_secret, parse_key_file, read_keyring
from storage.models import Registration
from storage.records import Address
from storage.settings import Settings
from storage.uow import Database
from testkit.botproc import ROOT, admin, bot_env
from testkit.fakes import fake_id_number

TOWNSHIP = "222401100000"  # 延吉市 小营镇


def _env(data_dir: Path) -> dict[str, str]:
    return bot_env(data_dir, "http://127.0.0.1:9")


def _rows(data_dir: Path) -> list[tuple[int, bytes, str]]:
    async def read() -> list[tuple[int, bytes, str]]:
        db = Database(f"sqlite+aiosqlite:///{data_dir / 'honoree.db'}", FieldCipher(b"x" * 32))
        try:
            async with db.uow(read_only=True) as uow:
                stmt = sa.select(Registration.id, Registration.secrets_cipher, Registration.id_hash)
                rows = await uow.session.execute(stmt.order_by(Registration.id))
                return [tuple(r) for r in rows]
        finally:
            await db.dispose()

    return asyncio.run(read())


def _keys(data_dir: Path) -> list[bytes]:
    return [k.encode() for k in parse_key_file((data_dir / "secret.key").read_text())]


def test_rotation_killed_half_way_finishes_when_run_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    admin(data, "init")
    admin(data, "demo-data", "--township", TOWNSHIP, "--count", "120")
    [old] = _keys(data)
    before = {i: FieldCipher(old).decrypt_json(blob) for i, blob, _ in _rows(data)}
    assert len(before) == 120 and all("id_number" in s for s in before.values())

    rotating = subprocess.Popen(
        [sys.executable, "-m", "admin_cli", "rotate-key", "--batch", "3"],
        cwd=ROOT, env=_env(data), stdout=subprocess.PIPE, text=True,
    )
    assert rotating.stdout is not None
    for line in rotating.stdout:
        if "registrations" in line:  # a first batch is committed
            break
    os.kill(rotating.pid, signal.SIGKILL)
    rotating.wait()
    new, kept = _keys(data)
    assert kept == old  # the old key stays until the rotation is done
    half = FieldCipher(new)
    done_first = sum(half.is_current(blob) for _, blob, _ in _rows(data))
    assert 0 < done_first < 120, "the kill should land half-way"

    out = json.loads(admin(data, "rotate-key", "--batch", "3", "--json"))
    assert sum(out["rewritten"].values()) == 120 - done_first

    assert _keys(data) == [new]
    retired = Path(out["retired_key_file"])
    assert parse_key_file(retired.read_text()) == [old.decode()]
    assert oct(retired.stat().st_mode & 0o777) == "0o600"
    only_new = FieldCipher(new)
    for reg_id, blob, id_hash in _rows(data):
        secrets = only_new.decrypt_json(blob)  # one layer: plain answers, not a ciphertext
        assert secrets == before[reg_id]
        assert id_hash == only_new.id_hash(secrets["id_number"])


def test_rotation_with_an_env_key_says_how_to_give_the_new_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {**_env(data), "HONOREE_SECRET_KEY": "k" * 40}
    done = subprocess.run(
        [sys.executable, "-m", "admin_cli", "rotate-key"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1
    assert "HONOREE_SECRET_KEY" in done.stderr and "k" * 40 not in done.stderr


async def test_reencrypt_on_postgresql_moves_every_sealed_value_to_the_new_key(
    pg_db: Database, pg_url: str, settings: Settings
) -> None:
    numbers = {}
    async with pg_db.uow() as uow:
        for n in range(7):
            reg = await uow.registrations.create_draft(Address("tg", str(n)))
            numbers[reg.id] = fake_id_number(date(1950, 1, 1 + n))
            await uow.registrations.save_state(
                reg.id, {}, {"id_number": numbers[reg.id]}, name=None, hukou_code=None
            )
        await uow.commit()
    await Inbox(pg_db).keep([(1, b'{"update_id": 1}')])
    new = generate_secret().encode()
    rotated = Database(pg_url, FieldCipher(new, *read_keyring(settings)))
    try:
        done = await reencrypt(rotated, batch=2)
        assert done["registrations"] == 7 and done["inbox_updates"] == 1
        assert not any((await left_behind(rotated)).values())
        only_new = Database(pg_url, FieldCipher(new))
        try:
            async with only_new.uow(read_only=True) as uow:
                for reg_id, number in numbers.items():
                    record = await uow.registrations.get(reg_id)
                    assert record is not None and record.secrets["id_number"] == number
                    found = await uow.registrations.find_by_id_hash(
                        only_new.cipher.id_hash(number)
                    )
                    assert [r.id for r in found] == [reg_id]
                assert await uow.inbox.pending() == [(b'{"update_id": 1}', False)]
        finally:
            await only_new.dispose()
    finally:
        await rotated.dispose()
