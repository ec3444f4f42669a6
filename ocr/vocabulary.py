"""Known honour titles and awarding bodies, kept as data in `ocr/data/vocabulary.csv`.

The list corrects near-misses (a seal over 吉林 reads 吉释) but is never required: an unknown
title or body is still taken from the sentence that states it. Staff extend the CSV, not code.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

KINDS = ("title", "body")


@cache
def terms(kind: str) -> tuple[str, ...]:
    """Every known term of `kind` ("title" or "body"), longest first."""
    if kind not in KINDS:
        raise ValueError(f"unknown vocabulary kind {kind!r}")
    with resources.files("ocr").joinpath("data/vocabulary.csv").open(encoding="utf-8") as f:
        found = {row["value"].strip() for row in csv.DictReader(f) if row["kind"] == kind}
    return tuple(sorted(found, key=lambda t: (-len(t), t)))


def _allowed_edits(term: str) -> int:
    """Two wrong characters in a long term, one in a short one, none in two or three."""
    return 0 if len(term) < 4 else 1 if len(term) < 7 else 2


def correct(kind: str, text: str) -> tuple[str, bool]:
    """(the known term `text` is, or is a near-miss of; or `text` itself, and whether it is known).

    A near-miss is one or two characters substituted, dropped or added; when two terms are
    equally near, neither is chosen (the reading stays as it was).
    """
    if text in terms(kind):
        return text, True
    best: list[tuple[int, str]] = []
    for term in terms(kind):
        limit = _allowed_edits(term)
        if limit and abs(len(term) - len(text)) <= limit:
            distance = Levenshtein.distance(term, text, score_cutoff=limit)
            if distance <= limit:
                best.append((distance, term))
    best.sort()
    if best and (len(best) == 1 or best[0][0] < best[1][0]):
        return best[0][1], True
    return text, False


def find(kind: str, text: str) -> list[tuple[str, int, int]]:
    """Known terms printed in `text`, as (term, start, end), left to right, none overlapping."""
    taken: list[tuple[str, int, int]] = []
    for term in terms(kind):
        start = text.find(term)
        while start >= 0:
            end = start + len(term)
            if all(end <= s or start >= e for _, s, e in taken):
                taken.append((term, start, end))
            start = text.find(term, start + 1)
    return sorted(taken, key=lambda found: found[1])
