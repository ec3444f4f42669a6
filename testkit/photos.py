"""Photos for the photo path: real JPEGs, not real certificates."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def photo_bytes(label: str = "certificate", size: tuple[int, int] = (1200, 900)) -> bytes:
    """A real JPEG (not a real certificate): enough for the photo path without OCR."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, size[1] - 20), outline="red", width=12)
    draw.text((100, 100), label, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
