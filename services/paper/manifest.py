"""manifest.json (every file with its SHA-256, size and what it is, in Chinese), the optional
zip archive and the .sha256 file beside it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from dialogs.texts import t
from services.paper.evidence import sha256_file
from services.paper.paths import OutDir

MANIFEST = "manifest.json"
CHECKSUM_SUFFIX = ".sha256"
# What each file of a package is, by its first path part: manifest.json says it beside the code.
KINDS = {
    "汇总表.xlsx": "summary",
    "登记表": "forms",
    "佐证材料": "evidence",
    "统计登记工作情况.xlsx": "report",
    "统计登记工作情况报告.docx": "work_report",
    "登记数据.jsonl": "data",
    "说明.txt": "readme",
}


def file_kinds() -> dict[str, str]:
    """Each file's (or folder's) name → what it is, in the catalogue's words."""
    return {name: t(f"paper.kind.{kind}") for name, kind in KINDS.items()}


_COMPRESSIBLE = {".json", ".txt", ".csv", ".xml"}  # images, docx, xlsx are compressed already


class Manifest:
    """Files written into the export folder, in the order they were written."""

    def __init__(self, out: OutDir) -> None:
        self.out = out
        self.files: list[dict[str, Any]] = []
        self._kinds = file_kinds()

    def write(self, rel: str, data: bytes) -> Path:
        path = self.out.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.add(rel, hashlib.sha256(data).hexdigest(), len(data))
        return path

    def add(self, rel: str, sha256: str | None = None, size: int | None = None) -> None:
        """Record a file already in place; the checksum is computed when not known."""
        path = self.out.path(rel)
        self.files.append(
            {
                "path": rel,
                "类型": self._kinds.get(rel.split("/")[0], ""),
                "sha256": sha256 or sha256_file(path),
                "size": path.stat().st_size if size is None else size,
            }
        )

    def save(self, meta: dict[str, Any]) -> Path:
        document = {**meta, "files": self.files}
        path = self.out.path(MANIFEST)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
        return path


def write_zip(out: OutDir, rels: list[str], target: Path, top: str) -> str:
    """Pack `rels` under the folder `top`; returns the archive's SHA-256.

    zipfile marks every non-ASCII name as UTF-8 (general purpose flag 0x800), which is what
    Windows' Explorer and 7-Zip need to show Chinese names correctly.
    """
    with zipfile.ZipFile(target, "w", allowZip64=True) as z:
        for rel in rels:
            method = (
                zipfile.ZIP_DEFLATED if Path(rel).suffix in _COMPRESSIBLE else zipfile.ZIP_STORED
            )
            z.write(out.path(rel), f"{top}/{rel}", compress_type=method)
    return sha256_file(target)


def write_checksum(target: Path, sha256: str) -> Path:
    """PACKAGE.zip.sha256 in sha256sum's format; Windows' `certutil -hashfile` prints the same
    hex digits."""
    path = target.with_name(target.name + CHECKSUM_SUFFIX)
    path.write_text(f"{sha256} *{target.name}\n", encoding="utf-8")
    return path
