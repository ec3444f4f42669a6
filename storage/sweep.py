"""Remove evidence files no row points at, and temporary files a crash left behind.

A photo is written to disk before its row is committed; a crash in between leaves a file
nobody refers to. Sweeping at start-up, before anything new is written, keeps the evidence
folder equal to what the database knows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from storage.files import EvidenceStore
from storage.uow import Database


@dataclass(frozen=True)
class SweepResult:
    removed_orphans: int
    removed_temporary: int


async def sweep_evidence(
    db: Database, store: EvidenceStore, *, grace_seconds: float = 0
) -> SweepResult:
    """Delete unreferenced files older than `grace_seconds` and every temporary file."""
    if not store.root.exists():
        return SweepResult(0, 0)
    async with db.uow(read_only=True) as uow:
        referenced = await uow.evidence.referenced_paths()
    cutoff = time.time() - grace_seconds
    orphans = temporary = 0
    for path in store.root.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(store.root).as_posix()
        if path.name.startswith(".tmp-"):
            path.unlink(missing_ok=True)
            temporary += 1
        elif rel not in referenced and path.stat().st_mtime <= cutoff:
            path.unlink(missing_ok=True)
            orphans += 1
    return SweepResult(orphans, temporary)
