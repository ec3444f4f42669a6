"""Photos for tests: synthetic certificates and award documents (fake names), and bad uploads.

The pages and their degradations live in `ocr.synth` (the benchmark uses them too); this module
adds the broken inputs a user can send. Every function returns bytes as a Telegram download
would, plus the ground truth where there is one.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

from ocr import synth
from ocr.synth import DEGRADATIONS, blank_photo

__all__ = [
    "DEGRADATIONS",
    "animated_gif",
    "award_document_photo",
    "blank_photo",
    "certificate_photo",
    "oversized_jpeg",
    "pdf_bytes",
    "png_claiming",
    "truncated_jpeg",
]


def certificate_photo(seed: int = 0, degradation: str = "clean") -> tuple[bytes, dict]:
    """A 荣誉证书 photo and its truth (name, title, awarding_body, date "YYYY-MM", text…)."""
    return synth.sample("certificate", seed, degradation)


def award_document_photo(seed: int = 0, degradation: str = "clean") -> tuple[bytes, dict]:
    """A 表彰决定 photo and its truth (document_number, treatment, names_listed, …)."""
    return synth.sample("award_document", seed, degradation)


def pdf_bytes() -> bytes:
    """The start of a PDF: people send scans as PDF documents."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << >>\n%%EOF\n"


def truncated_jpeg() -> bytes:
    """A real photo cut off halfway, as an interrupted upload leaves it."""
    data, _ = certificate_photo()
    return data[: len(data) // 2]


def png_claiming(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def animated_gif(frames: int = 3) -> bytes:
    """A small GIF animation (stickers and GIFs arrive as these)."""
    images = [Image.new("RGB", (40, 40), (60 * i, 200 - 60 * i, 90)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def oversized_jpeg(size: int = 20 * 1024 * 1024 + 1) -> bytes:
    """A valid JPEG padded past the 20 MB limit."""
    data, _ = certificate_photo()
    return data + b"\x00" * max(0, size - len(data))
