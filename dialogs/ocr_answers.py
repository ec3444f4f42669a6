"""What a photo's OCR reading may contribute: offers to confirm, and disagreements to flag.

OCR never writes an answer by itself: read values become answers only when the person presses
对, and a disagreement with a typed answer is shown once and noted for the reviewer.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from dialogs import validators as v
from dialogs.summary import display

# OCR field name → award answer key (the person's name is compared, never offered).
AWARD_KEYS = {
    "title": "title",
    "awarding_body": "awarding_body",
    "date": "award_date",
    "document_number": "document_number",
    "document_title": "document_title",
}
OFFERED = ("title", "awarding_body", "award_date", "document_number")
NAME_SEP = "、"  # how a read name list travels as one string


def usable(fields: Mapping[str, str | None], today: date) -> dict[str, str]:
    """Read values as award answers, keeping only those that pass the same validation as typing."""
    out: dict[str, str] = {}
    for ocr_key, key in AWARD_KEYS.items():
        raw = fields.get(ocr_key)
        if not raw:
            continue
        try:
            if key == "award_date":
                out[key] = v.parse_year_month(raw, today).iso
            elif key == "document_number":
                out[key] = v.normalise_document_number(raw)
            else:
                out[key] = v.parse_free_text(raw, limit=60)
        except v.Invalid:
            continue
    if fields.get("name"):
        with contextlib.suppress(v.Invalid):
            out["name"] = v.parse_name(fields["name"])
    if fields.get("names_listed"):
        out["names_listed"] = fields["names_listed"]
    return out


def listed_names(seen: Mapping[str, str]) -> set[str]:
    return set(filter(None, seen.get("names_listed", "").split(NAME_SEP)))


def merge_names(seen: dict[str, str], read: Mapping[str, str]) -> None:
    """Name lists span pages (首页, then the page with the person): keep every page's names."""
    names = listed_names(seen) | listed_names(read)
    if names:
        seen["names_listed"] = NAME_SEP.join(sorted(names))


def offer(read: Mapping[str, str], award: Mapping[str, Any]) -> dict[str, str]:
    """The read answers the person has not given yet, to confirm with one press."""
    return {k: read[k] for k in OFFERED if k in read and k not in award}


def offer_text(values: Mapping[str, str]) -> str:
    return "，".join(display(k, values[k]) for k in OFFERED if k in values)


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s〔〕\[\]()（）【】［］·•]", "", text)


def same(key: str, typed: str, read: str) -> bool:
    if key == "award_date":
        return typed[:7] == read[:7]
    a, b = _plain(typed), _plain(read)
    return a == b or (len(b) >= 4 and (a in b or b in a))


def mismatches(answers: Mapping[str, Any], read: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(key, typed, read) for every answer the photo disagrees with."""
    found = []
    for key in (*OFFERED, "name"):
        typed, seen = answers.get(key), read.get(key)
        if isinstance(typed, str) and typed and seen and not same(key, typed, seen):
            found.append((key, typed, seen))
    return found
