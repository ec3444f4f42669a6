"""OCR engines behind one small interface: RapidOCR (default, accurate) and Tesseract (light).

Both return every text line they see with a confidence; deciding what is good enough, and which
way up the page is, happens in `ocr.pipeline`, the same for both engines.
"""

from __future__ import annotations

import itertools
import logging
import os
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

ENGINES = ("rapidocr", "tesseract")


@dataclass(frozen=True, slots=True)
class TextBox:
    """One piece of text, its confidence 0..1 and its box (x0, y0, x1, y1) in image pixels."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image.Image) -> list[TextBox]: ...

    def read_lines(self, images: list[Image.Image]) -> list[tuple[str, float]]:
        """Each image read as one line of text, without looking for where text is."""
        ...


class EngineUnavailable(RuntimeError):
    """The engine's package, binary or model is missing on this machine."""


class RapidOcrEngine:
    """PP-OCRv4 through onnxruntime; the models ship inside the wheel, nothing is downloaded.

    Detection runs once, on the page shrunk to `det_side` pixels (its cost grows with area and
    it only has to find where lines are); recognition then reads every line, in batches, from
    the full-size page, so small print keeps its detail.
    """

    name = "rapidocr"

    def __init__(self, threads: int = 1, det_side: int = 736):
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise EngineUnavailable("rapidocr-onnxruntime is not installed") from exc
        # No angle classifier and no score filter: the pipeline judges orientation by how
        # confidently an orientation reads, which the classifier would hide.
        self._ocr = RapidOCR(
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            use_cls=False,
            text_score=0.0,
        )
        self._det_side = det_side

    def read(self, image: Image.Image) -> list[TextBox]:
        import numpy as np  # only here: the bot imports this module, and numpy costs it ~11 MB

        gray = image.convert("L")
        scale = min(1.0, self._det_side / max(gray.size))
        small = gray.resize((round(gray.width * scale), round(gray.height * scale)))
        quads, _ = self._ocr(_bgr(np.asarray(small)), use_rec=False, use_cls=False)
        if not quads:
            return []
        quads = [np.asarray(q, np.float32) / scale for q in quads]
        lines = self._ocr.get_crop_img_list(_bgr(np.asarray(gray)), quads)
        texts: list[tuple[str, float]] = [("", 0.0)] * len(lines)
        for batch in _similar_widths(lines):
            read, _ = self._ocr.text_rec([lines[i] for i in batch])
            for i, text in zip(batch, read, strict=True):
                texts[i] = text
        boxes = []
        for quad, (text, score) in zip(quads, texts, strict=True):
            xs, ys = quad[:, 0], quad[:, 1]
            box = (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
            boxes.append(TextBox(text, round(float(score), 3), box))
        return boxes

    def read_lines(self, images: list[Image.Image]) -> list[tuple[str, float]]:
        import numpy as np

        # Upright columns are turned on their side first, as the recogniser reads lines.
        arrays = [np.asarray(image.convert("L")) for image in images]
        lines = [np.rot90(a) if a.shape[0] >= 1.5 * a.shape[1] else a for a in arrays]
        read, _ = self._ocr.text_rec([_bgr(np.ascontiguousarray(line)) for line in lines])
        return [(text, float(score)) for text, score in read]


def _similar_widths(lines, spread: float = 1.3, size: int = 6) -> list[list[int]]:
    """Indices of the line images in batches of similar shape: a batch is padded to its widest
    line, so one long line in a batch of short ones makes every one of them cost as much."""
    ratios = [line.shape[1] / max(1, line.shape[0]) for line in lines]
    batches: list[list[int]] = []
    for i in sorted(range(len(lines)), key=ratios.__getitem__):
        if batches and len(batches[-1]) < size and ratios[i] <= spread * ratios[batches[-1][0]]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def _bgr(gray):
    """The three-channel image RapidOCR's models take, from a gray array."""
    import numpy as np

    return np.repeat(gray[..., None], 3, axis=2)


class TesseractEngine:
    """Tesseract 5 with chi_sim, one uniform block (psm 6), and far less memory than RapidOCR.
    With chi_sim_vert and psm 5 it reads pages printed in vertical columns.

    Returns one box per run of words on a line (runs split at wide gaps, like RapidOCR's).
    """

    name = "tesseract"

    def __init__(self, lang: str = "chi_sim", psm: int = 6):
        try:
            import pytesseract
        except ImportError as exc:
            raise EngineUnavailable("pytesseract is not installed") from exc
        try:
            languages = pytesseract.get_languages(config="")
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise EngineUnavailable("the tesseract binary is not installed") from exc
        if lang not in languages:
            package = "tesseract-ocr-" + lang.replace("_", "-")
            raise EngineUnavailable(f"tesseract has no {lang} data (install {package})")
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per worker, like rapidocr
        self._tesseract = pytesseract
        self._lang = lang
        self._psm = psm

    def read(self, image: Image.Image) -> list[TextBox]:
        data = self._tesseract.image_to_data(
            image,
            lang=self._lang,
            config=f"--psm {self._psm}",
            output_type=self._tesseract.Output.DICT,
        )
        lines: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if word.strip() and float(data["conf"][i]) >= 0:
                key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
                lines.setdefault(key, []).append(i)
        boxes = []
        for words in lines.values():
            for run in _runs(words, data):
                boxes.append(_run_box(run, data))
        return boxes

    def read_lines(self, images: list[Image.Image]) -> list[tuple[str, float]]:
        lines = []
        for image in images:
            boxes = self.read(image)
            text = "".join(b.text for b in boxes)
            lines.append((text, sum(b.confidence for b in boxes) / len(boxes) if boxes else 0.0))
        return lines


def _runs(words: list[int], data: dict) -> list[list[int]]:
    """Split a Tesseract line where the printed gap is wide (two cells, or text and seal)."""
    height = max(data["height"][i] for i in words)
    runs = [[words[0]]]
    for previous, current in itertools.pairwise(words):
        gap = data["left"][current] - (data["left"][previous] + data["width"][previous])
        if gap > 1.2 * height:
            runs.append([])
        runs[-1].append(current)
    return runs


def _run_box(run: list[int], data: dict) -> TextBox:
    """One box for a run of words: Chinese words joined without spaces, line confidence.

    Tesseract's per-word confidence for chi_sim is often near 0 on correct characters, so a
    word-level filter would cut words out of names; the run's mean is what gets judged.
    """
    text = ""
    for i in run:
        word = data["text"][i].strip()
        if text and text[-1].isascii() and word[0].isascii():
            text += " "
        text += word
    x0 = min(data["left"][i] for i in run)
    y0 = min(data["top"][i] for i in run)
    x1 = max(data["left"][i] + data["width"][i] for i in run)
    y1 = max(data["top"][i] + data["height"][i] for i in run)
    confidence = sum(float(data["conf"][i]) for i in run) / len(run) / 100
    return TextBox(text, round(confidence, 3), (x0, y0, x1, y1))


_MAKERS = {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


@cache
def vertical_reader() -> OcrEngine | None:
    """Tesseract's vertical model, for columns the main engine reads poorly; None when
    tesseract-ocr-chi-sim-vert is not installed. Loaded on the first vertical page."""
    try:
        return TesseractEngine("chi_sim_vert", psm=5)
    except EngineUnavailable as exc:
        log.warning("no fallback for vertical text: %s", exc)
        return None


def make_engine(name: str, *, fallback: bool = True) -> OcrEngine:
    """The named engine, or (with `fallback`) the other one when it is missing;
    EngineUnavailable if none can be loaded."""
    if name not in _MAKERS:
        raise ValueError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")
    reasons = []
    others = [e for e in ENGINES if e != name] if fallback else []
    for candidate in (name, *others):
        try:
            engine = _MAKERS[candidate]()
        except EngineUnavailable as exc:
            reasons.append(f"{candidate}: {exc}")
            continue
        if candidate != name:
            log.warning("OCR engine %s unavailable (%s); using %s", name, reasons[0], candidate)
        return engine
    raise EngineUnavailable("; ".join(reasons))
