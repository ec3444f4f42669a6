"""Rotating the field-encryption key: a new key first in the key ring, every sealed value
re-encrypted with it in small committed batches, and only then the old key retired.

The progress lives in the data itself: each ciphertext names the key that sealed it, so a run
killed half-way goes on where it stopped when started again, and a value is never sealed twice
(it is always unsealed first, and one already under the new key is left alone). ID-number
look-up hashes are recomputed with the new key in the same update as their row.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dialogs.texts import t
from storage.crypto import generate_secret, read_keyring, write_key_file
from storage.models import InboxUpdate, ReceivedEntry, Registration, WebPerson
from storage.settings import Settings
from storage.uow import Database

KEY_FILE_COMMENT = (
    "honoree field-encryption keys, one a line: the first encrypts, the others are older keys\n"
    "still read during a key rotation (honoree-admin rotate-key). Keep this file secret."
)


@dataclass(frozen=True, slots=True)
class Sealed:
    """A column holding sealed values, and the ID-number hash kept beside it (if any)."""

    table: str
    key: Any  # the primary-key column
    blob: Any
    id_hash: Any = None


SEALED = (
    Sealed("registrations", Registration.id, Registration.secrets_cipher, Registration.id_hash),
    Sealed("received_entries", ReceivedEntry.id, ReceivedEntry.secrets_cipher,
           ReceivedEntry.id_hash),
    Sealed("inbox_updates", InboxUpdate.update_id, InboxUpdate.body),
    Sealed("web_people", WebPerson.external_id, WebPerson.screen),
)


class RotationError(Exception):
    """The rotation cannot start or finish; the message says what to do (in Chinese)."""


@dataclass(frozen=True, slots=True)
class RotationStart:
    source: str  # "key_file" or "HONOREE_SECRET_KEY"
    resumed: bool  # a rotation begun before goes on (the ring already had a new key first)


@dataclass(frozen=True, slots=True)
class Progress:
    table: str
    seen: int
    rewritten: int


def begin_rotation(settings: Settings) -> RotationStart:
    """Put a new key first in the key file, unless a rotation is under way already."""
    keys = read_keyring(settings)
    if settings.secret_key is not None:
        if len(keys) < 2:
            raise RotationError(t("staff.keys.env_single"))
        return RotationStart("HONOREE_SECRET_KEY", resumed=True)
    if len(keys) >= 2:
        return RotationStart("key_file", resumed=True)
    write_key_file(settings.key_file, [generate_secret().encode(), *keys], KEY_FILE_COMMENT)
    return RotationStart("key_file", resumed=False)


async def reencrypt(
    db: Database, *, batch: int = 200, progress: Callable[[Progress], None] | None = None
) -> dict[str, int]:
    """Seal every stored value with the database cipher's current key; how many were rewritten
    per table. Safe while the bot runs with the same key ring: an update only applies if the
    row still holds the value that was read (else the bot has just rewritten it itself)."""
    rewritten: dict[str, int] = {}
    for column in SEALED:
        rewritten[column.table] = await _reencrypt_column(db, column, batch, progress)
    return rewritten


async def left_behind(db: Database) -> dict[str, int]:
    """Per table, how many values are not yet sealed with the current key."""
    left: dict[str, int] = {}
    for column in SEALED:
        async with db.uow(read_only=True) as uow:
            stmt = sa.select(column.blob).where(column.blob.is_not(None))
            blobs = await uow.session.scalars(stmt)
            left[column.table] = sum(not db.cipher.is_current(b) for b in blobs)
    return left


def finish_rotation(settings: Settings) -> Path | None:
    """Leave only the new key in the key file. The old keys go to a retired file beside it
    (backups made before the rotation need them); with keys from the environment the
    operator removes the old ones there. Returns the retired file."""
    if settings.secret_key is not None:
        return None
    keys = read_keyring(settings)
    if len(keys) < 2:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    retired = settings.key_file.with_name(f"{settings.key_file.name}.retired-{stamp}")
    write_key_file(retired, keys[1:], "keys retired by honoree-admin rotate-key: they read "
                   "backups made before the rotation\nand nothing else. Store offline or delete.")
    write_key_file(settings.key_file, keys[:1], KEY_FILE_COMMENT)
    return retired


async def _reencrypt_column(
    db: Database, column: Sealed, batch: int, progress: Callable[[Progress], None] | None
) -> int:
    cipher = db.cipher
    seen = rewritten = 0
    last: Any = None
    while True:
        async with db.uow() as uow:
            stmt = sa.select(column.key, column.blob).where(column.blob.is_not(None))
            if last is not None:
                stmt = stmt.where(column.key > last)
            rows = (await uow.session.execute(stmt.order_by(column.key).limit(batch))).all()
            if not rows:
                return rewritten
            for key, blob in rows:
                if cipher.is_current(blob):
                    continue
                plain = cipher.unseal(blob)
                values: dict[str, Any] = {column.blob.key: cipher.seal(plain)}
                if column.id_hash is not None:
                    number = json.loads(plain).get("id_number")
                    values[column.id_hash.key] = cipher.id_hash(number) if number else None
                table = column.blob.class_.__table__
                done = await uow.session.execute(
                    sa.update(table)
                    .where(table.c[column.key.key] == key, table.c[column.blob.key] == blob)
                    .values(values)
                )
                rewritten += done.rowcount
            await uow.commit()
        seen += len(rows)
        last = rows[-1][0]
        if progress is not None:
            progress(Progress(column.table, seen, rewritten))
