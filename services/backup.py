"""A whole drive in one archive and back: the database, the evidence photos and a manifest.

The manifest names every member with its SHA-256, the engine, the schema revision and the rows
per table, so a restore checks the archive before it changes anything and the result after.
The key file is never in the archive: a backup found on a lost disk stays unreadable, and the
key is kept apart (staff are told so each time).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from dialogs.texts import t
from storage import backup as store
from storage.errors import StorageError
from storage.files import EvidenceStore
from storage.settings import Settings
from storage.uow import Database, known_revision

MANIFEST = "manifest.json"
EVIDENCE = "evidence"  # the members under it are the evidence store's own relative paths
FORMAT = 1
CHUNK = 1 << 20


class BackupError(StorageError):
    """The archive cannot be made or restored; the message (Chinese) says why and what to do."""


@dataclass(frozen=True, slots=True)
class Manifest:
    created_at: str
    engine: str
    revision: str | None
    counts: dict[str, int]
    members: dict[str, str]  # archive name -> sha256
    key_ids: list[str]  # the keys that sealed its ID and phone numbers (ids only, hex)

    def to_json(self) -> bytes:
        body = {"format": FORMAT, "created_at": self.created_at, "engine": self.engine,
                "revision": self.revision, "counts": self.counts, "members": self.members,
                "key_ids": self.key_ids}
        return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            body = json.loads(data)
            if body.get("format") != FORMAT:
                raise BackupError(t("staff.backup.bad_format"))
            return cls(str(body["created_at"]), str(body["engine"]), body["revision"],
                       {str(k): int(v) for k, v in body["counts"].items()},
                       {str(k): str(v) for k, v in body["members"].items()},
                       [str(k) for k in body["key_ids"]])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(t("staff.backup.bad_manifest")) from exc


@dataclass(frozen=True, slots=True)
class Restored:
    manifest: Manifest
    counts: dict[str, int]
    upgraded: bool  # the backup came from an older release and was migrated


async def make_backup(settings: Settings, db: Database, out: Path) -> Manifest:
    """Write the archive to `out` (atomically: a half-written archive never has its name)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as work:
        copy = Path(work) / store.member_name(db)
        snapshot = await store.dump(db, copy)
        files = [(copy.name, copy), *_evidence_files(settings.evidence_dir)]
        manifest = Manifest(
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            engine=db.dialect, revision=snapshot.revision, counts=snapshot.counts,
            members={name: _sha256(path) for name, path in files},
            key_ids=[k.hex() for k in db.cipher.key_ids],
        )
        partial = Path(work) / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            _add_bytes(archive, MANIFEST, manifest.to_json())
            for name, path in files:
                archive.add(path, arcname=name, recursive=False)
        partial.chmod(0o600)  # names and photos are in it in the clear: staff only
        os.replace(partial, out)
    return manifest


async def restore_backup(settings: Settings, source: Path, *, force: bool = False) -> Restored:
    """Check the archive, refuse a drive that already holds entries unless `force`, then put
    the database and the photos in place and check the rows against the manifest."""
    with tempfile.TemporaryDirectory(prefix=".restore-") as work:
        manifest, unpacked = _unpack(source, Path(work))
        if manifest.revision is not None and not known_revision(manifest.revision):
            raise BackupError(t("staff.backup.newer", revision=manifest.revision))
        db = Database.from_settings(settings)
        try:
            if db.dialect != manifest.engine:
                raise BackupError(t("staff.backup.engine", backup=manifest.engine,
                                    target=db.dialect))
            if not set(manifest.key_ids) <= {k.hex() for k in db.cipher.key_ids}:
                raise BackupError(t("staff.backup.wrong_key", key=settings.key_file))
            if not force and not store.is_empty(await store.row_counts(db)):
                raise BackupError(t("staff.backup.not_empty"))
            await store.restore(db, unpacked / store.member_name(db))
        finally:
            await db.dispose()
        _put_evidence(unpacked / EVIDENCE, settings.evidence_dir)
    db = Database.from_settings(settings)
    try:
        before = await store.revision(db)
        await db.migrate()
        upgraded = before != await store.revision(db)
        counts = await store.row_counts(db)
    finally:
        await db.dispose()
    short = {k: (manifest.counts.get(k, 0), n) for k, n in counts.items()
             if n != manifest.counts.get(k, 0)}
    if short and not upgraded:
        raise BackupError(t("staff.backup.mismatch", tables=_tables(short)))
    return Restored(manifest, counts, upgraded)


def _unpack(source: Path, work: Path) -> tuple[Manifest, Path]:
    try:
        with tarfile.open(source, "r:*") as archive:
            return _checked_members(archive, work), work
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise BackupError(t("staff.backup.unreadable", file=source)) from exc


def _checked_members(archive: tarfile.TarFile, work: Path) -> Manifest:
    """Extract the members the manifest names, each checked against its digest; anything
    else in the archive (or a name that would leave the folder) makes it refused."""
    first = archive.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError(t("staff.backup.bad_manifest"))
    manifest = Manifest.from_json(_read(archive, first))
    seen: set[str] = set()
    for member in iter(archive.next, None):
        name = member.name
        expected = manifest.members.get(name)
        if expected is None or not member.isfile() or not _safe(name) or name in seen:
            raise BackupError(t("staff.backup.tampered", member=name))
        target = work.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if _copy_hashing(archive, member, target) != expected:
            raise BackupError(t("staff.backup.tampered", member=name))
        seen.add(name)
    missing = sorted(set(manifest.members) - seen)
    if missing:
        raise BackupError(t("staff.backup.tampered", member=missing[0]))
    return manifest


def _evidence_files(root: Path) -> Iterator[tuple[str, Path]]:
    if not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        yield f"{EVIDENCE}/{path.relative_to(root).as_posix()}", path


def _put_evidence(unpacked: Path, root: Path) -> None:
    """Back into the evidence store as the bot writes it (atomically, read-only); photos are
    named by their content, so one already there is the same photo."""
    if not unpacked.is_dir():
        return
    store = EvidenceStore(root)
    for path in unpacked.rglob("*"):
        if path.is_file():
            store.save(path.read_bytes(), path.suffix, sha256=path.stem)


def _safe(name: str) -> bool:
    rel = PurePosixPath(name)
    return not rel.is_absolute() and ".." not in rel.parts and name == rel.as_posix()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    fh = archive.extractfile(member)
    if fh is None:
        raise BackupError(t("staff.backup.bad_manifest"))
    return fh.read()


def _copy_hashing(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    fh = archive.extractfile(member)
    if fh is None:
        return ""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _tables(short: dict[str, tuple[int, int]]) -> str:
    return "、".join(f"{name} {want}→{got}" for name, (want, got) in sorted(short.items()))
