"""Checking uploaded bytes and preparing a photo for OCR, with Pillow only.

`inspect_image` is the gate for anything a user sends: it must turn every kind of bad input into
an ImageRejected code the bot can explain, and never raise anything else. `preprocess` applies
what the OCR findings measured to help: EXIF orientation first, the red channel as the gray image
(red seals fade out), flattened lighting and contrast, a long side of about 2000 px.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageFilter, ImageOps

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000
LONG_SIDE = 2000

# Phone photos and scans only: no EPS (runs Ghostscript), no PDF, no exotic decoders.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")

# Pillow's own bomb check uses this global; keep it no looser than ours for every open in
# the process (Pillow raises DecompressionBombError above twice this value).
if Image.MAX_IMAGE_PIXELS is None or Image.MAX_IMAGE_PIXELS > MAX_PIXELS:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class ImageRejected(Exception):
    """Bytes that are not a usable photo; `code` names why, for the bot's message."""

    CODES = ("not_image", "empty", "truncated", "too_many_pixels", "too_large", "animated")

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass(frozen=True, slots=True)
class ImageInfo:
    format: str
    width: int
    height: int
    mime: str


def inspect_image(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> ImageInfo:
    """Validate the header, then decode the image once so truncated files are caught."""
    if not data:
        raise ImageRejected("empty")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", f"{len(data)} bytes")
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise ImageRejected("too_many_pixels", str(exc)) from None
    except Exception as exc:  # Pillow raises many types on hostile headers
        raise ImageRejected("not_image", type(exc).__name__) from None
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ImageRejected("not_image", "no pixels")
        if width * height > max_pixels:
            raise ImageRejected("too_many_pixels", f"{width}x{height}")
        fmt = image.format or "unknown"
        try:
            if fmt != "TIFF" and getattr(image, "is_animated", False):
                raise ImageRejected("animated")
            # JPEGs (every Telegram photo) decode at 1/8 scale: libjpeg still reads all the data,
            # so damage shows the same, but a 12 MP photo takes 0.75 MB instead of 48 MB.
            image.draft(None, (1, 1))
            image.load()
        except ImageRejected:
            raise
        except Image.DecompressionBombError as exc:
            raise ImageRejected("too_many_pixels", str(exc)) from None
        except Exception as exc:  # truncated data, broken chunks, bad checksums
            raise ImageRejected("truncated", type(exc).__name__) from None
    return ImageInfo(fmt, width, height, Image.MIME.get(fmt, "application/octet-stream"))


def preprocess(data: bytes) -> Image.Image:
    """A gray, upright (by EXIF), evenly lit, high-contrast image with a long side of ~2000 px.

    Expects bytes that passed `inspect_image`.
    """
    with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as image:
        scale = LONG_SIDE / max(image.size)
        if scale <= 0.5:  # let libjpeg decode big photos at 1/2, 1/4 or 1/8 size: much faster
            image.draft("RGB", (int(image.width * scale), int(image.height * scale)))
        upright = ImageOps.exif_transpose(image)
    gray = _red_channel(upright)
    scale = LONG_SIDE / max(gray.size)
    if abs(scale - 1) > 0.05:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return ImageOps.autocontrast(_flatten_light(gray), cutoff=0.5)


def _red_channel(image: Image.Image) -> Image.Image:
    """Red ink (seals, headings) is nearly white in the red channel; black ink stays black."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, (255, 255, 255))
        image.paste(rgba, mask=rgba.getchannel("A"))
    if image.mode in ("1", "L", "I", "I;16", "F"):
        return image.convert("L")
    return image.convert("RGB").getchannel("R")


def _flatten_light(gray: Image.Image, whiten: float = 0.9) -> Image.Image:
    """Divide by the local paper brightness, so a lamp on one side no longer matters.

    What is lighter than `whiten` of the local paper (faint seal ink in the red channel, paper
    texture) becomes white; printed text stays dark.
    """
    import numpy as np  # here: the bot imports this module for uploads; numpy costs it ~11 MB

    small = gray.reduce(16) if min(gray.size) >= 64 else gray
    paper = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2))
    paper = paper.resize(gray.size, Image.Resampling.BILINEAR)
    ratio = np.asarray(gray, np.float32) / np.maximum(np.asarray(paper, np.float32), 8.0)
    return Image.fromarray((np.clip(ratio / whiten, 0.0, 1.0) * 255).astype(np.uint8))
