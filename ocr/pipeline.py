"""One photo from bytes to an OcrResult: check, preprocess, find which way up, read, extract.

Runs synchronously: `ocr.service` calls it inside worker processes, the admin CLI directly.
Orientation is detected, not assumed: a quarter-turned or upside-down page reads with few
confident characters (the engines run without their own angle classifier), so the turn that
reads best wins. Upright pages, the usual case, are read once.
"""

from __future__ import annotations

import logging
import re
import time

from PIL import Image

from ocr.engines import OcrEngine, TextBox, vertical_reader
from ocr.extract import extract
from ocr.image import ImageRejected, inspect_image, preprocess
from ocr.layout import group_lines, is_vertical
from ocr.orient import deskew
from ocr.result import OcrResult, failure

log = logging.getLogger(__name__)

KEEP = 0.5  # boxes read with less confidence are dropped
SURE = 0.8  # characters read at least this sure count as readable
# Upright pages read with 40–100 % of characters sure (Tesseract low, RapidOCR high), pages
# the wrong way up with under 30 % and a handful of characters.
_READS_WELL = 0.3
_MIN_SURE_CHARS = 10
_SAMPLE_LINES = 4  # text boxes read under each turn to tell which way up the page is


def _sure_share(boxes: list[TextBox]) -> tuple[int, float]:
    total = sum(len(b.text) for b in boxes)
    sure = sum(len(b.text) for b in boxes if b.confidence >= SURE)
    return sure, sure / total if total else 0.0


def _looks_sideways(boxes: list[TextBox]) -> bool:
    tall = sum(1 for b in boxes if (b.box[3] - b.box[1]) > 1.5 * (b.box[2] - b.box[0]))
    return tall > len(boxes) / 2


def _reads_well(boxes: list[TextBox]) -> bool:
    sure, share = _sure_share(boxes)
    return sure >= _MIN_SURE_CHARS and share >= _READS_WELL


def recognise(engine: OcrEngine, gray: Image.Image) -> list[TextBox]:
    """Read the page in the orientation that reads best; boxes are in that page's pixels.

    A page of vertical columns that reads poorly, or any upright page Tesseract reads poorly
    (its horizontal model sees no columns at all), is read again with the vertical model.
    """
    upright = deskew(gray)
    best = engine.read(upright)
    columns = is_vertical(best) or engine.name == "tesseract"
    if best and not _reads_well(best):
        for turn in _likeliest_turns(engine, upright, best):
            boxes = engine.read(deskew(gray.rotate(turn, expand=True)))
            if _sure_share(boxes)[0] > _sure_share(best)[0]:
                best = boxes
            if _reads_well(boxes):
                break
    if columns and not _reads_well(best):  # no turn read well: try the vertical model last
        best = max(best, _read_vertical(upright), key=lambda b: _sure_share(b)[0])
    return [b for b in best if b.confidence >= KEEP and re.search(r"\w", b.text)]


def _likeliest_turns(engine: OcrEngine, page: Image.Image, boxes: list[TextBox]) -> list[int]:
    """The three other quarter turns, likeliest first; when the boxes' shape leaves it open,
    the one under which the lines in the largest print read most surely. Reading a few lines
    found already costs a fraction of finding and reading them again in every orientation."""
    if not _looks_sideways(boxes):  # lines lie level: the page is upside down
        return [180, 90, 270]
    # Upright boxes: a page of lines on its side, or a page of columns upside down.
    order = [90, 270, 180]
    crops = [page.crop(_head(b.box)) for b in sorted(boxes, key=_print_size)[-_SAMPLE_LINES:]]

    def sure(turn: int) -> int:
        read = engine.read_lines([c.rotate(turn, expand=True) for c in crops])
        return sum(len(text) for text, confidence in read if confidence >= SURE)

    scores = {turn: sure(turn) for turn in order}
    return sorted(order, key=lambda t: -scores[t])


def _print_size(box: TextBox) -> int:
    x0, y0, x1, y1 = box.box
    return min(x1 - x0, y1 - y0)


def _head(box: tuple[int, int, int, int], chars: int = 6) -> tuple[int, int, int, int]:
    """The box cut to its first few characters' length at both ends (which end comes first
    depends on the turn), so that a long line costs no more to read than a short one."""
    x0, y0, x1, y1 = box
    size = min(x1 - x0, y1 - y0) * chars
    return (x0, y0, min(x1, x0 + size), min(y1, y0 + size))


def _read_vertical(page: Image.Image) -> list[TextBox]:
    reader = vertical_reader()
    return reader.read(page) if reader else []


def read_photo(engine: OcrEngine, data: bytes, registrant_name: str | None = None) -> OcrResult:
    """Check the bytes, read them, extract the fields; every problem becomes an error code."""
    started = time.perf_counter()
    try:
        inspect_image(data)
    except ImageRejected as exc:
        return failure(exc.code, engine.name, time.perf_counter() - started)
    try:
        boxes = recognise(engine, preprocess(data))
    except Exception:
        log.exception("OCR engine %s failed", engine.name)
        return failure("engine_failed", engine.name, time.perf_counter() - started)
    if not boxes:
        return failure("no_text", engine.name, time.perf_counter() - started)
    return OcrResult(
        ok=True,
        error=None,
        engine=engine.name,
        text="\n".join(line.text for line in group_lines(boxes)),
        boxes=boxes,
        extraction=extract(boxes, registrant_name=registrant_name),
        seconds=round(time.perf_counter() - started, 3),
    )
