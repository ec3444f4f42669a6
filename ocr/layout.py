"""Text boxes to reading-order lines, by coordinates.

Engines return boxes in their own order; on skewed pages a name and its work unit come back far
apart in that order (findings 5). Grouping boxes into lines by vertical overlap and ordering each
line left to right puts them back together. Pages printed in vertical columns (竖排) are told
by their boxes' shape, tall and narrow; each column is then a line, read top to bottom, and
the columns are read from right to left.
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


def is_tall(box: TextBox) -> bool:
    """A box of two or more characters standing upright: a column of vertical text."""
    x0, y0, x1, y1 = box.box
    return len(box.text) >= 2 and (y1 - y0) >= 1.5 * (x1 - x0)


def is_vertical(boxes: list[TextBox]) -> bool:
    """Most characters on the page stand in columns."""
    total = sum(len(b.text) for b in boxes)
    return total > 0 and sum(len(b.text) for b in boxes if is_tall(b)) > 0.6 * total


def _transposed(box: TextBox) -> TextBox:
    """The box as it would lie if the page were turned so columns became lines, right to left
    becoming top to bottom."""
    x0, y0, x1, y1 = box.box
    return TextBox(box.text, box.confidence, (y0, -x1, y1, -x0))


def group_lines(boxes: list[TextBox]) -> list[Line]:
    """Boxes grouped into lines in reading order; text canonical, cells joined by two spaces."""
    if is_vertical(boxes):
        lines = _group([_transposed(b) for b in boxes])
        originals = {_transposed(b): b for b in boxes}
        for line in lines:
            line.boxes = [originals[b] for b in line.boxes]
        return lines
    return _group(boxes)


def _side_by_side(box: TextBox, line: Line) -> bool:
    """Pieces of one line stand side by side; a box lying over one of them in reading direction
    is a neighbouring line that leans into this one (a slanted photo, a column of 竖排)."""
    x0, _, x1, _ = box.box
    for other in line.boxes:
        inter = min(x1, other.box[2]) - max(x0, other.box[0])
        if inter > _SAME_LINE_OVERLAP * max(1, min(x1 - x0, other.box[2] - other.box[0])):
            return False
    return True


def _group(boxes: list[TextBox]) -> list[Line]:
    lines: list[Line] = []
    for box in sorted(boxes, key=lambda b: (b.box[1] + b.box[3]) / 2):
        home = next(
            (
                line
                for line in reversed(lines[-3:])
                if _overlap(box, line.top, line.bottom) >= _SAME_LINE_OVERLAP
                and _side_by_side(box, line)
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
