"""Text boxes to reading-order lines, by coordinates.

Engines return boxes in their own order; on skewed pages a name and its work unit come back far
apart in that order (findings 5). Grouping boxes into lines by vertical overlap and ordering each
line left to right puts them back together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ocr.engines import TextBox
from ocr.normalise import canonical_char

_SAME_LINE_OVERLAP = 0.5  # share of the smaller box's height
_CELL_GAP = 1.2  # a gap wider than this many line heights separates cells ("中共中央  国务院")


@dataclass
class Line:
    """One printed line: canonical text with one confidence per character, and its extent."""

    boxes: list[TextBox] = field(default_factory=list)
    text: str = ""
    confidences: list[float] = field(default_factory=list)

    @property
    def top(self) -> int:
        return min(b.box[1] for b in self.boxes)

    @property
    def bottom(self) -> int:
        return max(b.box[3] for b in self.boxes)

    @property
    def height(self) -> int:
        return max(1, self.bottom - self.top)


def _overlap(a: TextBox, top: int, bottom: int) -> float:
    inter = min(a.box[3], bottom) - max(a.box[1], top)
    smaller = max(1, min(a.box[3] - a.box[1], bottom - top))
    return inter / smaller


def group_lines(boxes: list[TextBox]) -> list[Line]:
    """Boxes grouped into lines, top to bottom; text canonical, cells joined by two spaces."""
    lines: list[Line] = []
    for box in sorted(boxes, key=lambda b: (b.box[1] + b.box[3]) / 2):
        home = next(
            (
                line
                for line in reversed(lines[-3:])
                if _overlap(box, line.top, line.bottom) >= _SAME_LINE_OVERLAP
            ),
            None,
        )
        if home is None:
            home = Line()
            lines.append(home)
        home.boxes.append(box)
    for line in lines:
        line.boxes.sort(key=lambda b: b.box[0])
        _join(line)
    lines.sort(key=lambda line: line.top)
    return lines


def _join(line: Line) -> None:
    chars: list[tuple[str, float]] = []
    previous_right = None
    for box in line.boxes:
        if previous_right is not None and box.box[0] - previous_right > _CELL_GAP * line.height:
            chars += [(" ", 1.0), (" ", 1.0)]
        for ch in "".join(canonical_char(c) for c in box.text):
            if ch.isspace() and (not chars or chars[-1][0] == " "):
                continue  # runs of spaces inside a box collapse to one
            chars.append((" " if ch.isspace() else ch, box.confidence))
        previous_right = box.box[2]
    while chars and chars[-1][0] == " ":
        chars.pop()
    line.text = "".join(ch for ch, _ in chars)
    line.confidences = [conf for _, conf in chars]
