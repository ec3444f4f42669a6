"""Evidence files on disk, content-addressed so names carry no personal data and never collide."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")
# Stored files are read-only: exports hard-link them (services/paper/evidence.py), so an
# exported copy is the same inode, and editing it in place must fail rather than change the
# evidence. Owner and group may read (the bot and the admin CLI may run as two users).
READ_ONLY = 0o440


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: str  # POSIX path relative to the evidence root, e.g. "ab/cd/abcd….jpg"
    sha256: str
    size: int


class EvidenceStore:
    """Files under `root/<2 hex>/<2 hex>/<sha256><suffix>`, written atomically, read-only."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, data: bytes, suffix: str, sha256: str | None = None) -> StoredFile:
        """Store `data`; `sha256` is its digest when the caller has just checked it (a
        received package's files are hashed once, not twice)."""
        suffix = suffix.lower()
        if not _SUFFIX.fullmatch(suffix):
            raise ValueError(f"unsupported file suffix {suffix!r}")
        digest = sha256 or hashlib.sha256(data).hexdigest()
        rel = f"{digest[:2]}/{digest[2:4]}/{digest}{suffix}"
        target = self.absolute(rel)
        try:
            existing = target.stat()
        except FileNotFoundError:
            existing = None
        if existing is None or existing.st_size != len(data):
            self._write_atomically(target, data)
        elif existing.st_mode & 0o222:
            _seal(target)  # stored before files were made read-only
        return StoredFile(path=rel, sha256=digest, size=len(data))

    def open(self, path: str) -> BinaryIO:
        return self.absolute(path).open("rb")

    def absolute(self, path: str) -> Path:
        rel = PurePosixPath(path)
        if rel.is_absolute() or ".." in rel.parts:
            raise ValueError(f"evidence path must stay inside the store: {path!r}")
        return self.root.joinpath(*rel.parts)

    @staticmethod
    def _write_atomically(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
                # Read-only before the rename: the file never appears writable at its name.
                os.fchmod(f.fileno(), READ_ONLY)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _seal(path: Path) -> None:
    """Best effort: a file of another user cannot be chmod-ed, and it is still the evidence."""
    with contextlib.suppress(OSError):
        path.chmod(READ_ONLY)
