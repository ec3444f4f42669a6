"""File storage: every upload gets a file_id and a download path, like Telegram's file servers."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import mimetypes
import secrets
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from .errors import WRONG_FILE_ID, bad_request

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
"""Bots cannot getFile anything bigger (cloud Bot API)."""

THUMBNAIL_SIDES = (90, 320, 800)
"""Telegram's s/m/x photo sizes; the original is always the largest size."""

_FOLDERS = {
    "photo": ("photos", "jpg"),
    "document": ("documents", "bin"),
    "sticker": ("stickers", "webp"),
    "voice": ("voice", "oga"),
}
_ID_PREFIXES = {"photo": "AgAC", "document": "BQAC", "sticker": "CAAC", "voice": "AwAC"}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str
    media: Any = None
    """What a message shows for it: the PhotoSize list, or the Document/Sticker/Voice object."""

    def as_file(self) -> dict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


class FileStore:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(self, data: bytes, kind: str, extension: str | None = None) -> StoredFile:
        if not data:
            raise bad_request("file must be non-empty")
        folder, default_ext = _FOLDERS[kind]
        number = next(self._counter)
        file_id = _ID_PREFIXES[kind] + base64.urlsafe_b64encode(
            number.to_bytes(4, "big") + secrets.token_bytes(30)
        ).decode().rstrip("=")
        unique = base64.urlsafe_b64encode(hashlib.sha256(data).digest()[:12]).decode()
        path = f"{folder}/file_{number}.{extension or default_ext}"
        stored = StoredFile(file_id, "AQAD" + unique, kind, data, path)
        self.by_id[file_id] = stored
        self.by_path[path] = stored
        return stored

    def get(self, file_id: str, kind: str | None = None) -> StoredFile:
        """Look a file_id up for re-sending; the wrong kind fails as on Telegram."""
        stored = self.by_id.get(file_id)
        if stored is None:
            raise bad_request(WRONG_FILE_ID)
        if kind is not None and stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def add_photo(self, data: bytes) -> list[dict]:
        """Store a photo and its downscaled copies; return the PhotoSize list, smallest first."""
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (UnidentifiedImageError, OSError):
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        rgb = image.convert("RGB")
        sizes = [
            self._photo_size(*_jpeg_thumbnail(rgb, side))
            for side in THUMBNAIL_SIDES
            if side < max(image.size)
        ]
        sizes.append(self._photo_size(data, image.size))
        for size in sizes:
            self.by_id[size["file_id"]].media = sizes
        return sizes

    def _photo_size(self, data: bytes, dimensions: tuple[int, int]) -> dict:
        stored = self.add(data, "photo")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "width": dimensions[0],
            "height": dimensions[1],
            "file_size": len(data),
        }

    def add_document(self, data: bytes, file_name: str, mime_type: str | None = None) -> dict:
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        extension = file_name.rsplit(".", 1)[1] if "." in file_name else None
        stored = self.add(data, "document", extension)
        stored.media = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime,
            "file_size": len(data),
        }
        return stored.media

    def add_sticker(self, data: bytes, emoji: str) -> dict:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        stored = self.add(data, "sticker")
        stored.media = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": width,
            "height": height,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(data),
        }
        return stored.media

    def add_voice(self, data: bytes, duration: int) -> dict:
        stored = self.add(data, "voice")
        stored.media = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return stored.media


def _jpeg_thumbnail(rgb: Image.Image, side: int) -> tuple[bytes, tuple[int, int]]:
    copy = rgb.copy()
    copy.thumbnail((side, side))
    buffer = io.BytesIO()
    copy.save(buffer, "JPEG", quality=80)
    return buffer.getvalue(), copy.size


def sample_sticker() -> bytes:
    """A 512×512 WebP, the size Telegram requires of static stickers."""
    buffer = io.BytesIO()
    Image.new("RGBA", (512, 512), (255, 200, 0, 255)).save(buffer, "WEBP")
    return buffer.getvalue()


def sample_voice() -> bytes:
    """Bytes that start like an Ogg stream; nothing in a bot should decode a voice note."""
    return b"OggS" + bytes(2000)
