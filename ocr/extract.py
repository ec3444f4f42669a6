"""Fields of a certificate or an award document, from OCR text boxes. Pure: no I/O.

Each field is a guess with a confidence: the mean OCR confidence of the characters it was read
from, times how much the pattern that found it can be trusted (a title between 授予 and 称号 in
quotes is surer than a known title word found anywhere). The bot compares the guesses with what
the person typed; nothing here decides eligibility.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from ocr import vocabulary
from ocr.engines import TextBox
from ocr.layout import Line, group_lines
from ocr.normalise import (
    CJK,
    compact,
    find_dates,
    find_document_numbers,
    normalise_document_number,
    parse_chinese_date,
)

__all__ = [
    "Extraction",
    "FieldGuess",
    "extract",
    "normalise_document_number",
    "parse_chinese_date",
]


@dataclass
class FieldGuess:
    """A field's value and how sure it is; `source` says where the value came from: the
    sentence's structure, the vocabulary of known titles and bodies, or both agreeing."""

    value: str
    confidence: float
    source: str = "structure"  # "structure" | "vocabulary" | "both"


@dataclass
class Extraction:
    FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "title",
        "awarding_body",
        "date",
        "document_number",
        "document_title",
        "treatment",
    )

    name: FieldGuess | None = None
    title: FieldGuess | None = None
    awarding_body: FieldGuess | None = None
    date: FieldGuess | None = None  # value "YYYY-MM"
    document_number: FieldGuess | None = None  # value like 吉发〔2020〕12号
    document_title: FieldGuess | None = None
    treatment: FieldGuess | None = None  # value like 省级劳动模范（先进工作者）待遇
    names_listed: list[str] = field(default_factory=list)
    kind_guess: str = "unknown"  # "certificate" | "award_document" | "unknown"
    name_found: bool | None = None  # set when a registrant name was given


_NAME = rf"(?:[{CJK}]{{1,8}}·[{CJK}·]{{1,12}}|[{CJK}]{{2,4}})"
_NOT_IN_NAMES = set("的等名位各们和及与为对在是了于")
_NOT_NAMES = re.compile(
    "模范|先进|工作|劳动|单位|同志|名单"
    "|姓名|称号|荣誉|证书|奖项|编号|日期|时间|职务|性别|事迹|附件|抄送|主送|备注|地址|电话"
)
_SALUTED = re.compile(rf"^[\W\da-zA-Z_]*(?:兹授予|授予)?\s*({_NAME})\s*同志")
_LABELLED = re.compile(rf"姓\s*名\s*:?\s*({_NAME})")
# A name addressed with a colon, shortest first so that a 女士 or 先生 after it stays out.
_ADDRESSED = re.compile(
    rf"^[\W\da-zA-Z_]*([{CJK}]{{1,8}}·[{CJK}·]{{1,12}}|[{CJK}]{{2,4}}?)\s*(?:先生|女士)?\s*[:.]"
)
_TITLE_VERB = re.compile(r"授予|评为|评选为|荣获|命名为|评定为")
# Where the text a title phrase introduces ends at the latest.
_TITLE_STOP = re.compile(r"[,，。;；!！、\s]|称号|特发|特颁|以资|享受|此证")
_YEAR = r"[0-9〇○零OoQlI一二三四五六七八九十]{2,4}"
_NUMERAL = r"[0-9一二三四五六七八九十百零〇]+"
# What may stand between a phrase and its title: a year or a range of years with 年/年度, 度,
# an ordinal (第三届, 首批, 第2次), 了, 为, a colon or an opening quote.
_TITLE_LEAD = re.compile(
    rf"(?:{_YEAR}\s*(?:[-—~至到]\s*{_YEAR}\s*)?年(?:度)?|度|第{_NUMERAL}[届批次期]|首[届批]"
    rf"|了|为|[:\s\"])+"
)
_TITLE_TRAIL = re.compile(r'(?:荣誉|光荣|的|"|\))$')
_TITLE_END = re.compile(r"(?:决定|通知|命令|通报|批复|意见)$")
_ORG = re.compile(
    "|".join(re.escape(term) for term in vocabulary.terms("body"))
    + rf"|中共[{CJK}]{{1,8}}?(?:省委|市委|州委|县委|委员会)"
    + rf"|[{CJK}]{{2,14}}?(?:人民政府|委员会|总工会|联合会|领导小组|办公室|政府|部|厅|局|委|办)"
)


class _Page:
    """The page as lines, and as one flat string (no whitespace) for sentences that wrap."""

    def __init__(self, boxes: list[TextBox]):
        self.lines: list[Line] = group_lines(boxes)
        flat, confidences = [], []
        for line in self.lines:
            for ch, conf in zip(line.text, line.confidences, strict=True):
                if not ch.isspace():
                    flat.append(ch)
                    confidences.append(conf)
        self.flat = "".join(flat)
        self.flat_confidences = confidences

    def flat_guess(
        self, value: str, start: int, end: int, weight: float, source: str = "structure"
    ) -> FieldGuess:
        return FieldGuess(value, _score(self.flat_confidences[start:end], weight), source)


def _score(confidences: list[float], weight: float) -> float:
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return round(max(0.0, min(1.0, mean * weight)), 2)


def _line_guess(line: Line, value: str, start: int, end: int, weight: float) -> FieldGuess:
    return FieldGuess(value, _score(line.confidences[start:end], weight))


def _is_name(text: str) -> bool:
    return (
        bool(re.fullmatch(_NAME, text))
        and not (set(text) & _NOT_IN_NAMES)
        and not _NOT_NAMES.search(text)
    )


def _coverage(part: str, line: Line) -> float:
    return len(compact(part)) / max(1, len(compact(line.text)))


# --- fields -------------------------------------------------------------------------------


def _name(page: _Page) -> FieldGuess | None:
    """The honoree of a certificate: "XXX同志" starting a line or "姓名：XXX"; failing those, a
    line that starts by addressing someone, "XXX：" (a name and a colon, which OCR may read as
    a full stop)."""
    for pattern, weight in ((_SALUTED, 1.0), (_LABELLED, 1.0), (_ADDRESSED, 0.9)):
        for line in page.lines:
            m = pattern.search(line.text)
            if m and _is_name(m[1]):
                sure = weight if _coverage(m[0], line) > 0.6 else weight * 0.9
                return _line_guess(line, m[1], m.start(1), m.end(1), sure)
    return None


def _title(page: _Page) -> FieldGuess | None:
    """The honour title, from the sentence that states it (授予…称号, 被评为…, 荣获…, or a
    "荣誉称号：" label), checked against the vocabulary; a known title printed anywhere else is
    the last resort."""
    flat = page.flat
    for start, end, weight in _title_spans(flat):
        found = _strip_title(flat, start, end)
        if found is None:
            continue
        start, end = found
        value, known = vocabulary.correct("title", flat[start:end])
        guess = page.flat_guess(value, start, end, weight if known else weight * 0.9)
        guess.source = "both" if known else "structure"
        return guess
    for term, start, end in vocabulary.find("title", flat):
        return page.flat_guess(term, start, end, 0.7, source="vocabulary")
    return None


def _title_spans(flat: str) -> list[tuple[int, int, float]]:
    """(start, end, weight) of the text each title phrase introduces, surest phrases first."""
    spans = []
    for m in re.finditer(r"(?:荣誉称号|称号|奖项|荣誉):", flat):
        end = _TITLE_STOP.search(flat, m.end())
        spans.append((m.end(), end.start() if end else len(flat), 1.0))
    for end in (m.start() for m in re.finditer("称号", flat)):
        verbs = list(_TITLE_VERB.finditer(flat, max(0, end - 60), end))
        if verbs:
            spans.append((verbs[-1].end(), end, 1.0))
    for verb in _TITLE_VERB.finditer(flat):
        end = _TITLE_STOP.search(flat, verb.end())
        spans.append((verb.end(), end.start() if end else len(flat), 0.9))
    return spans


def _strip_title(flat: str, start: int, end: int) -> tuple[int, int] | None:
    """The title inside a phrase's text: after the person and any year, ordinal or 年度, without
    quotes or 荣誉 around it; None if what is left does not look like a title."""
    span = flat[start:end]
    quoted = list(re.finditer(r'"([^"]{2,30})"', span))
    if quoted:
        return start + quoted[-1].start(1), start + quoted[-1].end(1)
    if "同志" in span:
        start += span.rindex("同志") + 2
    while True:
        lead = _TITLE_LEAD.match(flat, start, end)
        if not lead or lead.end() == start:
            break
        start = lead.end()
    while end > start and (trail := _TITLE_TRAIL.search(flat, start, end)):
        end = trail.start()
    value = flat[start:end]
    if 2 <= len(value) <= 30 and re.fullmatch(rf"[{CJK}()]+", value):
        return start, end
    return None


def _treatment(page: _Page) -> FieldGuess | None:
    """The treatment clause 享受…待遇, returned without 享受 and with full-width brackets."""
    m = re.search(r"享受(.{2,40}?待遇)", page.flat)
    if not m:
        return None
    value = m[1].replace("(", "（").replace(")", "）")
    return page.flat_guess(value, m.start(1), m.end(1), 1.0)


def _document_number(page: _Page) -> FieldGuess | None:
    """The document's own 文号: the first one standing on its own line, else the first seen."""
    candidates = [
        (line, found) for line in page.lines for found in find_document_numbers(line.text)
    ]
    for line, (value, start, end) in candidates:
        if _coverage(line.text[start:end], line) >= 0.6:
            return _line_guess(line, value, start, end, 1.0)
    if candidates:
        line, (value, start, end) = candidates[0]
        return _line_guess(line, value, start, end, 0.7)
    return None


def _date(page: _Page) -> tuple[FieldGuess | None, int | None]:
    """The award date: the last date standing on its own line (the signature date)."""
    best = None
    for index, line in enumerate(page.lines):
        for value, start, end in find_dates(line.text):
            own_line = _coverage(line.text[start:end], line) >= 0.6
            if best is None or own_line or not best[3]:
                best = (index, value, (start, end), own_line)
    if best is None:
        return None, None
    index, value, (start, end), own_line = best
    line = page.lines[index]
    return _line_guess(line, value, start, end, 1.0 if own_line else 0.75), index


def _orgs(text: str) -> list[str]:
    """The bodies named in `text`, near-misses of known bodies corrected."""
    # A seal's star between two bodies often reads as 一; no body's name starts with it.
    return [m[0] for m in _ORG.finditer(compact(text).replace("一", " "))]


def _bodies_guess(names: list[str], confidences: list[float], weight: float) -> FieldGuess:
    """One guess for bodies printed side by side; sure when every body is a known one."""
    corrected = [vocabulary.correct("body", name) for name in names]
    known = all(k for _, k in corrected)
    value = " ".join(dict.fromkeys(name for name, _ in corrected))
    source = "both" if known else "structure"
    return FieldGuess(value, _score(confidences, weight if known else weight * 0.9), source)


def _header_body(page: _Page) -> FieldGuess | None:
    """The bodies named in a document's red header "…文件" (faint in the red channel)."""
    for line in page.lines[:3]:
        text = compact(line.text)
        orgs = _orgs(text.removesuffix("文件")) if text.endswith("文件") else []
        if orgs:
            return _bodies_guess(orgs, line.confidences, 0.9)
    return None


def _signature_body(page: _Page, date_line: int | None) -> FieldGuess | None:
    """The bodies printed just above (or beside) the date, under the seal; without a date,
    the bottom lines (less sure)."""
    weight = 0.95 if date_line is not None else 0.7
    if date_line is None:
        date_line = len(page.lines) - 1
    picked: list[tuple[Line, list[str]]] = []
    for line in reversed(page.lines[max(0, date_line - 3) : date_line + 1]):
        text = line.text
        for _, start, end in reversed(find_dates(text)):
            text = text[:start] + text[end:]
        orgs = _orgs(text)
        if orgs and sum(len(m) for m in orgs) >= 0.7 * len(compact(text)):
            picked.insert(0, (line, orgs))
        elif picked:
            break
    if not picked:
        return None
    # Seal text repeats a body's name above the printed one; keep each body once, in print order.
    names = [name for _, orgs in picked for name in orgs]
    names = list(reversed(dict.fromkeys(reversed(names))))
    return _bodies_guess(names, [c for line, _ in picked for c in line.confidences], weight)


def _awarding_body(page: _Page, date_line: int | None) -> FieldGuess | None:
    """The signature above the date, confirmed by the document header when there is one."""
    signature = _signature_body(page, date_line)
    header = _header_body(page)
    if signature and header and compact(signature.value) == compact(header.value):
        signature.confidence = max(signature.confidence, header.confidence)
    return signature or header


def _document_title(page: _Page) -> FieldGuess | None:
    """关于… up to …的决定/通知, over at most three lines."""
    for index, line in enumerate(page.lines):
        if not compact(line.text).startswith("关于"):
            continue
        parts, confidences = [], []
        for following in page.lines[index : index + 3]:
            parts.append(compact(following.text))
            confidences += following.confidences
            if _TITLE_END.search(parts[-1]):
                return FieldGuess("".join(parts), _score(confidences, 1.0))
        return FieldGuess(parts[0], _score(line.confidences, 0.6))
    return None


def _names_listed(page: _Page) -> list[str]:
    """Names in a name list: "张三（某某村农民）" entries, or lines of two or more bare names
    under a 名单 heading. Under a heading the list ends at the first line that is not part of
    it (the signature and the seal's text follow); without one the whole page is searched."""
    has_heading = any(compact(line.text).endswith("名单") for line in page.lines)
    listing = not has_heading
    names: list[str] = []
    for line in page.lines:
        text = compact(line.text)
        if text.endswith("名单"):
            listing = True
            continue
        if not listing:
            continue
        entries = [m[1] for m in re.finditer(rf"({_NAME})\([^()]*?[{CJK}][^()]{{0,30}}\)", text)]
        if not entries and has_heading and re.fullmatch(rf"{_NAME}(?: +{_NAME})+", line.text):
            entries = line.text.split()
        if not entries and has_heading and names:
            listing = False
        names += [n for n in entries if _is_name(n) and n not in names]
    return names


def _kind(page: _Page, ex: Extraction) -> str:
    flat = page.flat
    certificate = 2 * ("证书" in flat) + ("此证" in flat) + (ex.name is not None)
    document = (
        2 * any(compact(line.text).endswith("文件") for line in page.lines[:3])
        + 2 * (ex.document_number is not None)
        + (ex.document_title is not None)
        + ("名单" in flat)
        + (ex.treatment is not None)
    )
    if max(certificate, document) < 2 or certificate == document:
        return "unknown"
    return "certificate" if certificate > document else "award_document"


def extract(boxes: list[TextBox], *, registrant_name: str | None = None) -> Extraction:
    """Every field the page shows; `name_found` says whether `registrant_name` appears."""
    page = _Page(boxes)
    date, date_line = _date(page)
    ex = Extraction(
        name=_name(page),
        title=_title(page),
        awarding_body=_awarding_body(page, date_line),
        date=date,
        document_number=_document_number(page),
        document_title=_document_title(page),
        treatment=_treatment(page),
        names_listed=_names_listed(page),
    )
    ex.kind_guess = _kind(page, ex)
    if registrant_name is not None:
        wanted = compact(registrant_name)
        ex.name_found = bool(wanted) and (
            wanted in ex.names_listed
            or (ex.name is not None and ex.name.value == wanted)
            or wanted in page.flat
        )
    return ex
