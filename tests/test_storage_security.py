"""Personal numbers at rest, the key handling around them, and atomic evidence files."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

import pytest

from storage.crypto import FieldCipher, ensure_key_file, generate_secret, hash_token
from storage.errors import DecryptionError, InvalidKeyError, KeyMissingError
from storage.files import EvidenceStore
from storage.settings import Settings
from storage.uow import Database
from testkit.fakes import tg
from tests.test_storage import VILLAGE, fake_id


def make_settings(tmp_path: Path, secret: str | None) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, secret_key=secret)  # type: ignore[call-arg]


async def test_personal_numbers_never_reach_the_sqlite_file_in_clear(
    db: Database, settings: Settings
) -> None:
    id_number, phone = fake_id(), "13912345678"
    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(tg(1))
        state = {"gender": "女", "ethnicity": "朝鲜族", "phone_masked": "139****5678"}
        secrets = {"id_number": id_number, "phone": phone}
        await uow.registrations.save_state(
            reg.id, state, secrets, name="金顺姬", hukou_code=VILLAGE
        )
        await uow.commit()
    raw = b"".join(p.read_bytes() for p in settings.data_dir.glob("honoree.db*") if p.is_file())
    assert "金顺姬".encode() in raw  # the check can see plain text at all
    for value in (id_number, phone, id_number[6:14]):
        assert value.encode() not in raw
        assert value.encode("utf-16-le") not in raw
    async with db.uow() as uow:
        back = await uow.registrations.get(reg.id)
    assert back.secrets == secrets and back.state == state
    assert id_number not in repr(back) and phone not in repr(back)


def test_encryption_round_trip_is_randomised_and_tamper_evident() -> None:
    cipher = FieldCipher(generate_secret().encode())
    data = {"id_number": fake_id(), "phone": "0433-1234567"}
    a, b = cipher.encrypt_json(data), cipher.encrypt_json(data)
    assert a != b  # fresh nonce per value
    assert cipher.decrypt_json(a) == cipher.decrypt_json(b) == data
    tampered = a[:-1] + bytes([a[-1] ^ 1])
    with pytest.raises(DecryptionError):
        cipher.decrypt_json(tampered)
    with pytest.raises(DecryptionError):
        cipher.decrypt_json(b"\x09" + a[1:])  # an unknown format


def test_a_different_key_cannot_decrypt_and_errors_never_show_a_key() -> None:
    secret, other = generate_secret(), generate_secret()
    blob = FieldCipher(secret.encode()).encrypt_json({"id_number": fake_id()})
    with pytest.raises(DecryptionError) as caught:
        FieldCipher(other.encode()).decrypt_json(blob)
    assert secret not in str(caught.value) and other not in str(caught.value)
    assert secret not in repr(FieldCipher(secret.encode()))


def test_id_hash_is_keyed_and_normalised() -> None:
    cipher = FieldCipher(generate_secret().encode())
    id_number = fake_id()
    assert re.fullmatch(r"[0-9a-f]{64}", cipher.id_hash(id_number))
    full_width = id_number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for variant in (id_number.lower(), f" {id_number} ", full_width):
        assert cipher.id_hash(variant) == cipher.id_hash(id_number)
    assert cipher.id_hash(id_number) != FieldCipher(generate_secret().encode()).id_hash(id_number)
    assert cipher.id_hash(id_number) != hashlib.sha256(id_number.encode()).hexdigest()


def test_missing_or_short_key_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KeyMissingError, match="honoree-admin init"):
        FieldCipher.from_settings(make_settings(tmp_path, None))
    short = "too-short-secret"
    with pytest.raises(InvalidKeyError) as caught:
        FieldCipher.from_settings(make_settings(tmp_path, short))
    assert short not in str(caught.value)


def test_key_file_is_created_once_private_and_equivalent_to_the_env_variable(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path / "data", None)
    assert ensure_key_file(settings.key_file)
    assert not ensure_key_file(settings.key_file)
    assert stat.S_IMODE(settings.key_file.stat().st_mode) == 0o600
    assert [p.name for p in settings.key_file.parent.iterdir()] == ["secret.key"]
    from_file = FieldCipher.from_settings(settings)
    as_env = FieldCipher.from_settings(
        make_settings(tmp_path, settings.key_file.read_text().strip())
    )
    blob = from_file.encrypt_json({"phone": "13912345678"})
    assert as_env.decrypt_json(blob) == {"phone": "13912345678"}
    assert as_env.id_hash(fake_id()) == from_file.id_hash(fake_id())


def test_invite_tokens_are_stored_as_hashes() -> None:
    assert hash_token("abc") == hashlib.sha256(b"abc").hexdigest()


def test_evidence_store_content_addressed_and_checksummed(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    data = os.urandom(4096)
    stored = store.save(data, ".JPG")
    digest = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == digest and stored.size == len(data)
    assert stored.path == f"{digest[:2]}/{digest[2:4]}/{digest}.jpg"
    assert hashlib.sha256(store.absolute(stored.path).read_bytes()).hexdigest() == digest
    with store.open(stored.path) as f:
        assert f.read() == data
    assert store.save(data, ".jpg") == stored  # same bytes, same file
    leftovers = [p for p in (tmp_path / "evidence").rglob("*") if p.name.startswith(".tmp")]
    assert leftovers == []


def test_evidence_store_never_leaves_a_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    data = b"certificate scan"
    target = store.absolute(store.save(data, ".png").path)
    target.unlink()

    def crash(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.save(data, ".png")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


@pytest.mark.parametrize("bad", ["../../etc/passwd", "/etc/passwd"])
def test_evidence_paths_stay_inside_the_store(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        EvidenceStore(tmp_path).absolute(bad)


@pytest.mark.parametrize("suffix", ["jpg", ".j/pg", ".张三", ""])
def test_evidence_suffix_is_checked(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(ValueError):
        EvidenceStore(tmp_path).save(b"x", suffix)
