"""File names from people's names, and an output folder nothing can escape from."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_DOTS = re.compile(r"\.{2,}")
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
MAX_NAME = 80


def safe_name(text: str, fallback: str = "未命名") -> str:
    """A file or folder name that is valid on Windows and Linux and cannot climb out (..)."""
    name = _DOTS.sub("_", _UNSAFE.sub("_", text)).strip(" .")[:MAX_NAME].rstrip(" .")
    if not name:
        return fallback
    return f"_{name}" if name.split(".")[0].upper() in _RESERVED else name


class OutDir:
    """The export folder: every path handed out is checked to resolve inside it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._folders: dict[PurePosixPath, Path] = {}

    def path(self, rel: str) -> Path:
        """`rel` is a POSIX path of already safe parts, e.g. "登记表/x.docx".

        Its folder must lie inside the root (symlinks followed); the file name itself must be
        a plain name.
        """
        posix = PurePosixPath(rel)
        if posix.name in ("", ".", "..") or posix.is_absolute():
            raise ValueError(f"not a file name inside the export folder: {rel!r}")
        return self._folder(posix.parent) / posix.name

    def folder(self, rel: str) -> Path:
        """The folder `rel` (POSIX, safe parts) inside the root."""
        return self._folder(PurePosixPath(rel))

    def _folder(self, posix: PurePosixPath) -> Path:
        """Resolved once per folder: from its parent's, when it is a plain name that is no
        symlink (one lstat for each of a package's thousands of folders), else in full."""
        folder = self._folders.get(posix)
        if folder is not None:
            return folder
        if posix == posix.parent:
            return self.root
        parent = self._folder(posix.parent)
        folder = parent / posix.name
        if posix.name in (".", "..") or folder.is_symlink():
            folder = folder.resolve()
            if not folder.is_relative_to(self.root):
                raise ValueError(f"refusing to write outside the export folder: {posix}")
        self._folders[posix] = folder
        return folder

    def is_empty(self) -> bool:
        return not self.root.exists() or not any(self.root.iterdir())
