"""Setting up a data directory: owner-only folders, the encryption key, the schema and the
Jilin divisions. Safe to run again at any time."""

from __future__ import annotations

from dataclasses import dataclass

from storage.crypto import ensure_key_file
from storage.divisions import LoadResult, load_divisions
from storage.records import DivisionLevel
from storage.settings import Settings
from storage.uow import Database


@dataclass(frozen=True)
class KeySource:
    source: str  # "HONOREE_SECRET_KEY" or "key_file"
    file: str | None
    created: bool  # a new key file was written: it must be backed up


@dataclass(frozen=True)
class Initialised:
    key: KeySource
    divisions: LoadResult
    by_level: dict[DivisionLevel, int]


def prepare_data_dir(settings: Settings) -> KeySource:
    """Data dir (owner-only: database, key, photos), evidence dir, and the key if none is set."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.evidence_dir.mkdir(mode=0o700, exist_ok=True)
    from_env = settings.secret_key is not None
    return KeySource(
        "HONOREE_SECRET_KEY" if from_env else "key_file",
        None if from_env else str(settings.key_file.resolve()),
        not from_env and ensure_key_file(settings.key_file),
    )


async def initialise(settings: Settings, key: KeySource) -> Initialised:
    """Create or migrate the schema and load the divisions shipped with the project."""
    db = Database.from_settings(settings)
    try:
        await db.migrate()
        loaded = await load_divisions(db)
        async with db.uow(read_only=True) as uow:
            by_level = await uow.divisions.count_by_level()
    finally:
        await db.dispose()
    return Initialised(key, loaded, by_level)
