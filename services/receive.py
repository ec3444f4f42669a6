"""Taking in packages from the level below (a county receives its townships' packages; a city
its counties'), into this level's own database.

Every package is verified before anything of it is taken in: the zip against the .sha256
beside it, every file against manifest.json; a changed, missing or unlisted file is named and
nothing of that package is imported. A package is known by its manifest's checksum, so taking
in the same package again changes nothing. ID numbers are compared by this level's own keyed
hash (the sender's key stays with the sender; the package carries the full numbers), so the
same person arriving from two townships, or twice from one, is flagged.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from dialogs.texts import t
from services.paper.evidence import CHUNK, sha256_file
from services.paper.manifest import CHECKSUM_SUFFIX, MANIFEST
from services.paper.package import DATA_FILE, DATA_FORMAT, default_actor
from storage.files import EvidenceStore
from storage.repositories.received import IncomingEntry, PackageInfo, SameIdNumber
from storage.settings import Settings
from storage.uow import Database

RECEIVED_DIR = "received"  # evidence of received packages, apart from the bot's own store
SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".pdf"}


def received_store(settings: Settings) -> EvidenceStore:
    """Where received evidence lives: not in the bot's evidence folder, whose sweep removes
    files its own tables do not name."""
    return EvidenceStore(settings.data_dir / RECEIVED_DIR)


@dataclass
class PackageOutcome:
    path: Path
    sender: str = ""
    sender_code: str = ""
    entries: int = 0
    new: int = 0
    updated: int = 0
    already: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def taken_in(self) -> bool:
        return not self.problems and not self.already


@dataclass
class ReceiveResult:
    packages: list[PackageOutcome]
    same_id_numbers: list[SameIdNumber]
    total: int  # received entries in the database afterwards
    by_township: dict[str, int]


class _Refused(Exception):
    """The package fails verification; the messages name what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _said(package: str, problem: str, **params: object) -> str:
    """A problem of the package named `package`, in the catalogue's words."""
    return t(
        "staff.receive.problem", package=package, problem=t(f"staff.receive.{problem}", **params)
    )


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Package:
    """An opened, verified package: its manifest and the zip it came in."""

    archive: zipfile.ZipFile
    top: str
    manifest: dict[str, Any]
    manifest_sha256: str
    checked: dict[str, str] = field(default_factory=dict)  # file → its SHA-256, as verified

    def member(self, rel: str) -> str:
        return f"{self.top}{rel}"

    def read(self, rel: str) -> bytes:
        return self.archive.read(self.member(rel))


def _open(path: Path) -> _Package:
    """Open the zip and read its manifest; raises _Refused when that is not possible."""
    name = path.name
    if not path.is_file():
        raise _Refused([_said(name, "no_file")])
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _Refused([_said(name, "not_zip")]) from None
    manifests = sorted(
        (n for n in archive.namelist() if PurePosixPath(n).name == MANIFEST),
        key=lambda n: n.count("/"),
    )
    if not manifests:
        archive.close()
        raise _Refused([_said(name, "no_manifest", manifest=MANIFEST)])
    raw = archive.read(manifests[0])
    try:
        manifest = json.loads(raw)
        if not isinstance(manifest.get("files"), list):
            raise ValueError("no file list")
    except ValueError:
        archive.close()
        raise _Refused([_said(name, "bad_manifest", manifest=MANIFEST)]) from None
    top = manifests[0].removesuffix(MANIFEST)
    return _Package(archive, top, manifest, hashlib.sha256(raw).hexdigest())


def _verify(path: Path, package: _Package) -> None:
    """The zip against the .sha256 beside it, every file against the manifest; raises
    _Refused naming every problem found."""
    name = path.name
    sidecar = path.with_name(name + CHECKSUM_SUFFIX)
    with ThreadPoolExecutor(1) as aside:  # hashing lets go of the GIL: the zip's own
        whole = aside.submit(sha256_file, path) if sidecar.is_file() else None  # meanwhile
        try:
            listed = {f["path"]: f for f in package.manifest["files"]}
        except (KeyError, TypeError):
            raise _Refused([_said(name, "bad_manifest", manifest=MANIFEST)]) from None
        present = set(package.archive.namelist()) - {package.member(MANIFEST)}
        problems = _check_files(package, listed, present)
        if whole is not None:
            expected = sidecar.read_text(encoding="utf-8", errors="replace").split()[:1]
            if expected != [whole.result()]:
                raise _Refused([_said(name, "zip_changed", sidecar=sidecar.name)])
    if DATA_FILE not in listed and not problems:
        problems.append(t("staff.receive.no_data", data=DATA_FILE))
    if problems:
        raise _Refused([t("staff.receive.problem", package=name, problem=p) for p in problems])


def _check_files(
    package: _Package, listed: dict[str, dict[str, Any]], present: set[str]
) -> list[str]:
    """What is missing, changed or unlisted; what is right goes into `package.checked`."""
    problems = []
    archive, top = package.archive, package.top
    for rel, f in listed.items():
        member = f"{top}{rel}"
        if member not in present:
            problems.append(t("staff.receive.missing_file", file=rel))
            continue
        try:
            with archive.open(member) as stream:
                actual = _sha256(stream)
        except (zipfile.BadZipFile, OSError, ValueError):
            actual = ""
        if actual != f.get("sha256"):
            problems.append(t("staff.receive.changed_file", file=rel))
        else:
            package.checked[rel] = actual
    for member in sorted(present):
        rel = member.removeprefix(top)
        if not member.endswith("/") and rel not in listed:
            problems.append(t("staff.receive.unlisted_file", file=rel))
    return problems


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _incoming(package: _Package, store: EvidenceStore) -> list[IncomingEntry]:
    """The package's people, their evidence copied into this level's store."""
    entries = []
    for line in package.read(DATA_FILE).decode("utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        evidence = []
        for ev in data.get("evidence", []):
            suffix = PurePosixPath(ev["file"]).suffix.lower()
            content = package.read(ev["file"])
            stored = store.save(
                content, suffix if suffix in SUFFIXES else ".bin", package.checked.get(ev["file"])
            )
            evidence.append({**ev, "path": stored.path, "sha256": stored.sha256})
        secrets = data.get("secrets") or {}
        entries.append(
            IncomingEntry(
                reg_no=data["reg_no"],
                name=data.get("name") or "",
                township_code=data.get("township_code"),
                hukou_code=data.get("hukou_code"),
                id_number=secrets.get("id_number"),
                secrets=secrets,
                state=data.get("state") or {},
                awards=data.get("awards") or [],
                evidence=evidence,
                submitted_at=_when(data.get("submitted_at")),
                confirmed_by=data.get("confirmed_by") or "",
                confirmed_at=_when(data.get("confirmed_at")),
                is_demo=bool(data.get("is_demo")),
            )
        )
    return entries


async def receive(
    db: Database, settings: Settings, paths: list[Path], actor: str = ""
) -> ReceiveResult:
    """Verify and take in each package; one refused package does not stop the others."""
    actor = actor or default_actor()
    store = received_store(settings)
    outcomes = []
    for path in paths:
        outcome = PackageOutcome(path)
        outcomes.append(outcome)
        try:
            package = _open(path)
        except _Refused as refused:
            outcome.problems = refused.problems
            continue
        with package.archive:
            async with db.uow(read_only=True) as uow:
                known = await uow.received.package_by_manifest(package.manifest_sha256)
            if known is not None:  # taken in before: nothing to check, nothing changes
                outcome.already = True
                outcome.sender = known.info.sender_name
                continue
            try:
                _verify(path, package)
            except _Refused as refused:
                outcome.problems = refused.problems
                continue
            await _take_in(db, package, store, outcome, actor)
    async with db.uow(read_only=True) as uow:
        same = await uow.received.same_id_numbers()
        by_township = await uow.received.count_by_township()
    return ReceiveResult(outcomes, same, sum(by_township.values()), by_township)


async def _take_in(
    db: Database, package: _Package, store: EvidenceStore, outcome: PackageOutcome, actor: str
) -> None:
    manifest = package.manifest
    sender = manifest.get("sender") or manifest.get("township") or {}
    outcome.sender, outcome.sender_code = sender.get("name", ""), sender.get("code", "")
    if manifest.get("data_format") not in (None, DATA_FORMAT):
        outcome.problems.append(
            _said(outcome.path.name, "unknown_format", format=manifest["data_format"])
        )
        return
    entries = _incoming(package, store)
    outcome.entries = len(entries)
    info = PackageInfo(
        manifest_sha256=package.manifest_sha256,
        sender_code=outcome.sender_code,
        sender_name=outcome.sender,
        sender_level=str(manifest.get("level") or "township"),
        exported_at=str(manifest.get("exported_at") or ""),
        exported_by=str(manifest.get("exported_by") or ""),
        file_name=outcome.path.name,
        entries=len(entries),
        received_by=actor,
    )
    async with db.uow() as uow:
        known = await uow.received.existing(e.reg_no for e in entries)
        package_id = await uow.received.add_package(info)
        await uow.received.put(package_id, entries)
        outcome.updated = len(known)
        outcome.new = len(entries) - len(known)
        await uow.audit.record(
            f"cli:{actor}",
            "receive",
            None,
            sender_code=info.sender_code,
            sender=info.sender_name,
            file=info.file_name,
            manifest_sha256=info.manifest_sha256,
            entries=len(entries),
            new=outcome.new,
            updated=outcome.updated,
        )
        await uow.commit()
