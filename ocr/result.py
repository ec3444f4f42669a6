"""The outcome of reading one photo, and its JSON form for the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ocr.engines import TextBox
from ocr.extract import Extraction, FieldGuess


@dataclass
class OcrResult:
    """ok=False comes with `error`: an ImageRejected code, or "no_text", "timeout",
    "engine_failed", "unavailable" (OCR off or no engine installed)."""

    ok: bool
    error: str | None
    engine: str
    text: str = ""
    boxes: list[TextBox] = field(default_factory=list)
    extraction: Extraction | None = None
    seconds: float = 0.0


def failure(error: str, engine: str, seconds: float = 0.0) -> OcrResult:
    return OcrResult(ok=False, error=error, engine=engine, seconds=round(seconds, 3))


def to_json(result: OcrResult) -> dict[str, Any]:
    """A JSON-compatible dict (for a JSON column or json.dumps)."""
    data = asdict(result)
    for box in data["boxes"]:
        box["box"] = list(box["box"])
    return data


def from_json(data: dict[str, Any]) -> OcrResult:
    """The inverse of `to_json`."""
    boxes = [TextBox(b["text"], b["confidence"], tuple(b["box"])) for b in data.get("boxes", [])]
    extraction = None
    if data.get("extraction") is not None:
        raw = dict(data["extraction"])
        for key in Extraction.FIELDS:
            raw[key] = FieldGuess(**raw[key]) if raw.get(key) else None
        extraction = Extraction(**raw)
    return OcrResult(
        ok=data["ok"],
        error=data.get("error"),
        engine=data.get("engine", ""),
        text=data.get("text", ""),
        boxes=boxes,
        extraction=extraction,
        seconds=data.get("seconds", 0.0),
    )
