"""What the printed form (登记表) and the summary table (汇总表) show for one entry.

Pure (no I/O): derived only from the form definition (`dialogs.form`) and `summary.display`, so
the bot's summary card, the printed form and the table agree on labels, order and values, and
adding a field to form.py is enough to print and export it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from dialogs.divisions import DivisionDirectory
from dialogs.form import (
    AWARD_FIELDS,
    FIELDS,
    PERSON_FIELDS,
    SCREEN_FIELDS,
    SUMMARY_SOURCES,
    Field,
    Kind,
    Section,
    column_header,
)
from dialogs.model import Draft
from dialogs.summary import display, in_scope_awards
from dialogs.texts import t

FORM_TITLE = "吉林省享受省部级以上表彰奖励获得者待遇人员登记表"
SUMMARY_TITLE = "吉林省享受省部级以上表彰奖励获得者待遇人员汇总表"
# §2 D: signature and seal boxes, filled on paper (the first one also by the bot's reviewer).
REVIEW_BOXES = (
    "村（社区）确认",
    "乡镇（街道）初审意见",
    "县级人社部门意见",
    "市级人社部门意见",
    "省级审核备案",
)
REVIEW_TITLE = "五、审核意见"
SIGNED_BOXES = REVIEW_BOXES[:3]  # signed and stamped on paper: these get room for it
PLEDGE_TITLE = "四、本人（或代填人）承诺"
PLEDGE = "本人承诺：以上填报信息及所附材料真实、准确、完整，如有不实，本人愿承担相应责任。"
PLEDGE_SIGN = (
    "本人（或代填人）签字：　　　　　　　　　与本人关系：　　　　　　日期：　　　年　　月　　日"
)
LEVELS = ("国家级", "省部级")  # highest first
UNCERTAIN = t("summary.uncertain")
# Evidence file names use the photo field's label without 照片; the portrait reads better whole.
EVIDENCE_NAME_OVERRIDES = {"portrait": "免冠照片"}

_RESIDENTS = ("居委会", "居民委员会")
_DATE_SOURCES = ("birth_date", "award:award_date")
_COLUMN_INDEX = {source: i for i, source in enumerate(SUMMARY_SOURCES)}
_NUMBERS = "一二三"


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class FormView:
    """The printed form's sections; every award list has the same keys in the same order."""

    basic: list[Line]
    awards: list[list[Line]]
    other: list[Line]


def section_title(section: Section) -> str:
    """ "一、基本信息" etc., from the same catalogue the summary card uses."""
    number = _NUMBERS[(Section.BASIC, Section.AWARD, Section.OTHER).index(section)]
    return f"{number}、{t(f'summary.section.{section.value}').strip('【】')}"


def section_fields(section: Section) -> list[Field]:
    """Printed person fields of section A or C, in print order.

    The dialog asks a few of them during screening (人员类别, 填报人); they are placed where the
    汇总表 puts them, or first in their section when the table has no such column.
    """
    ordered = [f for f in PERSON_FIELDS if f.section is section and f.printed]
    leading = 0
    for f in SCREEN_FIELDS:
        if f.section is not section or not f.printed:
            continue
        pos = _COLUMN_INDEX.get(f.key)
        if pos is None:
            ordered.insert(leading, f)
            leading += 1
            continue
        before = [i for i, g in enumerate(ordered) if _COLUMN_INDEX.get(g.key, pos) < pos]
        ordered.insert(max(before, default=-1) + 1, f)
    return ordered


def printed_awards(draft: Draft) -> list[tuple[int, dict[str, Any]]]:
    """(dialog position, answers) of the awards that were registered (in scope)."""
    return in_scope_awards(draft)


def award_number(draft: Draft) -> dict[int, int]:
    """Dialog award position → the 1-based number printed on the form (第N项)."""
    return {pos: n for n, (pos, _) in enumerate(printed_awards(draft), start=1)}


def category_text(award: Mapping[str, Any]) -> str:
    category = award.get("category") or ""
    if award.get("outcome") == "uncertain":
        return f"{category}（{UNCERTAIN}）" if category else UNCERTAIN
    return category


def highest_level(draft: Draft) -> str:
    levels = {a.get("level") for _, a in printed_awards(draft)}
    return next((level for level in LEVELS if level in levels), "")


def evidence_name(f: Field) -> str:
    """荣誉证书照片 → 荣誉证书: the name an evidence file of this field gets in the export."""
    kind = f.evidence_kind or f.key
    return EVIDENCE_NAME_OVERRIDES.get(kind) or f.label.removesuffix("照片") or f.label


def photo_fields() -> list[Field]:
    """Every PHOTOS field (person and award), i.e. every kind of evidence the form collects."""
    return [f for f in (*PERSON_FIELDS, *AWARD_FIELDS) if f.kind is Kind.PHOTOS]


def place_name(divisions: DivisionDirectory, code: str, from_level: str = "county") -> str:
    """The division's full name; a 居委会 keeps its kind (“五棵树镇 昌盛” reads like a person)."""
    name = divisions.full_name(code, from_level=from_level) or code
    division = divisions.get(code)
    official = division.name if division is not None else ""
    if official.endswith(_RESIDENTS) and not name.endswith(("社区", "居委会")):
        name += "居委会"
    return name


def shown(key: str, value: Any, divisions: DivisionDirectory | None) -> str:
    """How the printed form and the 汇总表 show an answer (the summary card's way, with places
    named in full)."""
    f = FIELDS.get(key)
    if f is not None and f.kind is Kind.DIVISION and divisions is not None and value:
        return place_name(divisions, str(value))
    return display(key, value, divisions)


def as_date(value: Any) -> date | None:
    """A stored "1994-12" or "2015-04-26" as a date (day 1 when only the month is known)."""
    try:
        parts = [int(p) for p in str(value).split("-")]
        return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def person_lines(draft: Draft, section: Section, divisions: DivisionDirectory | None) -> list[Line]:
    """Label and shown value of each printed, applicable person field (photos excluded)."""
    return [
        Line(f.key, f.label, shown(f.key, draft.person.get(f.key), divisions))
        for f in section_fields(section)
        if f.kind is not Kind.PHOTOS and f.applies(draft.person)
    ]


def award_lines(draft: Draft, divisions: DivisionDirectory | None) -> list[list[Line]]:
    """One list of lines per registered award, aligned for a table with one column per award."""
    awards = [a for _, a in printed_awards(draft)]
    fields = [
        f
        for f in AWARD_FIELDS
        if f.printed
        and f.kind is not Kind.PHOTOS
        and any(f.applies(draft.person, a) for a in awards)
    ]
    photos = [f for f in AWARD_FIELDS if f.kind is Kind.PHOTOS]
    result = []
    for award in awards:
        lines = [
            Line(
                f.key,
                f.label,
                shown(f.key, award.get(f.key), divisions) if f.applies(draft.person, award) else "",
            )
            for f in fields
        ]
        lines.append(Line("category", column_header("award:category"), category_text(award)))
        lines.append(Line("level", column_header("@level"), award.get("level") or ""))
        photographed = [
            f"{evidence_name(f)} {display(f.key, award.get(f.key))}"
            for f in photos
            if award.get(f.key) and f.applies(draft.person, award)
        ]
        lines.append(Line("evidence", "佐证材料", "；".join(photographed)))
        result.append(lines)
    return result


def form_view(draft: Draft, divisions: DivisionDirectory | None) -> FormView:
    return FormView(
        basic=person_lines(draft, Section.BASIC, divisions),
        awards=award_lines(draft, divisions),
        other=person_lines(draft, Section.OTHER, divisions),
    )


def text_columns() -> list[int]:
    """汇总表 columns holding numbers that must stay text (ID numbers, phones)."""
    return [
        i
        for i, source in enumerate(SUMMARY_SOURCES)
        if source in FIELDS and FIELDS[source].kind in (Kind.ID_NUMBER, Kind.PHONE)
    ]


def summary_cells(
    draft: Draft, meta: Mapping[str, Any], divisions: DivisionDirectory | None
) -> list[Any]:
    """One 汇总表 row in SUMMARY_SOURCES order; `meta` supplies the "@" sources.

    Several awards share the row: each award column lists them in the same order, one per
    line; 待遇级别 shows the highest (unless `meta` says otherwise). A date of birth, and the
    award date of a person with one award, are dates (so the column sorts).
    """
    awards = [a for _, a in printed_awards(draft)]
    cells: list[Any] = []
    for source in SUMMARY_SOURCES:
        if source in _DATE_SOURCES and (day := _one_date(source, draft, awards)) is not None:
            cells.append(day)
        elif source == "@level":
            cells.append(meta.get(source) or highest_level(draft))
        elif source.startswith("@"):
            cells.append(meta.get(source, ""))
        elif source.startswith("award:"):
            key = source.removeprefix("award:")
            values = [
                category_text(a) if key == "category" else shown(key, a.get(key), divisions)
                for a in awards
            ]
            cells.append("\n".join(values) if any(values) else "")
        else:
            cells.append(shown(source, draft.person.get(source), divisions))
    return cells


def _one_date(source: str, draft: Draft, awards: list[dict[str, Any]]) -> date | None:
    if source == "birth_date":
        return as_date(draft.person.get("birth_date"))
    return as_date(awards[0].get("award_date")) if len(awards) == 1 else None


def missing_evidence(draft: Draft, present: set[tuple[int | None, str]]) -> list[str]:
    """The award photos the form asks for but no file was stored for, e.g. "第1项 荣誉证书照片".

    `present` holds (award position, evidence kind) of the stored files.
    """
    missing = []
    for n, (position, award) in enumerate(printed_awards(draft), start=1):
        for f in AWARD_FIELDS:
            wanted = f.kind is Kind.PHOTOS and f.applies(draft.person, award)
            if wanted and (position, f.evidence_kind) not in present:
                missing.append(f"第{n}项 {f.label}")
    return missing
