"""Each person's printable A4 登记表 as a .docx, written directly as WordprocessingML.

python-docx is too slow to open, fill and save a township's thousands of forms. The package
parts that never change (styles, content types) are prepared once; per person only
document.xml and the page header are rendered from the form view, and the zip is written
directly. python-docx reads the result (the tests check with it).

On paper: every page's header names the form (登记编号, 姓名) and its page of how many, so a
stapled form that comes apart can be put back together; the pledge and the review boxes are
kept together on one page, with room to sign and stamp.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from dialogs.export_view import (
    FORM_TITLE,
    PLEDGE,
    PLEDGE_SIGN,
    PLEDGE_TITLE,
    REVIEW_BOXES,
    REVIEW_TITLE,
    SIGNED_BOXES,
    FormView,
    Line,
    section_title,
)
from dialogs.form import Section
from dialogs.texts import t

PAGE_WIDTH = 9638  # A4 (11906 twips) minus 2 cm margins on both sides
EMU_PER_CM = 360_000
PORTRAIT_BOX_CM = (2.5, 3.5)  # 一寸照片 size
FOOTNOTE = t("paper.form.footnote")

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SECTION = (
    '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/>'
    '<w:footerReference w:type="default" r:id="rIdFooter"/>'
    '<w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1247" w:right="1134" w:bottom="907" w:left="1134" w:header="567" '
    'w:footer="454" w:gutter="0"/></w:sectPr>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="jpeg" ContentType="image/jpeg"/>'
    '<Default Extension="png" ContentType="image/png"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/header1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_STYLES = (
    _XML + '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" '
    'w:hAnsi="Times New Roman" w:eastAsia="宋体" w:cs="Times New Roman"/>'
    '<w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
    '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="276" '
    'w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
    "</w:style>"
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
    '<w:name w:val="Normal Table"/><w:tblPr><w:tblCellMar><w:left w:w="85" w:type="dxa"/>'
    '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    "</w:styles>"
)
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f]")  # control characters but tab and newline
_TABLE_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


@dataclass(frozen=True)
class Portrait:
    data: bytes
    extension: str  # "jpeg" or "png"
    width: int
    height: int


@dataclass(frozen=True)
class Confirmation:
    """What the bot knows of the village committee's confirmation (empty if nothing)."""

    by: str = ""
    at: str = ""


def _text(value: str) -> str:
    """Runs for `value`; line breaks become <w:br/>, characters XML forbids are dropped."""
    clean = _FORBIDDEN.sub("", value)
    parts = [f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in clean.split("\n")]
    return "<w:br/>".join(parts)


def _p(
    text: str = "",
    *,
    bold: bool = False,
    size: int | None = None,
    align: str | None = None,
    before: int = 0,
    after: int = 0,
    keep_next: bool = False,
) -> str:
    """A paragraph; `size` in half points (21 = 10.5 pt, 五号). `keep_next` keeps it on the
    page of the paragraph that follows (how Word and LibreOffice keep a block together)."""
    ppr = "<w:keepNext/>" if keep_next else ""
    ppr += f'<w:spacing w:before="{before}" w:after="{after}"/>'
    if align:
        ppr += f'<w:jc w:val="{align}"/>'
    rpr = "<w:b/>" if bold else ""
    if size:
        rpr += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>'
    if not text:  # an empty paragraph is as tall as its mark's font
        return f"<w:p><w:pPr>{ppr}<w:rPr>{rpr}</w:rPr></w:pPr></w:p>"
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr>{_text(text)}</w:r></w:p>"


def _cell(
    content: str,
    width: int,
    *,
    merge: str | None = None,
    shade: bool = False,
    keep_next: bool = False,
) -> str:
    """A table cell; `content` is paragraph XML, or plain text wrapped in one paragraph.

    `merge` is "restart" or "continue" for a cell spanning rows (the photo box).
    """
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if merge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        tcpr += "<w:vMerge/>"
    if shade:
        tcpr += '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
    tcpr += '<w:vAlign w:val="center"/>'
    body = content if content.startswith("<w:p>") else _p(content, keep_next=keep_next)
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>"


@lru_cache(maxsize=512)
def _label(text: str, width: int, keep_next: bool = False) -> str:
    """A shaded label cell (10 pt); labels repeat on every form, so each is rendered once."""
    return _cell(_p(text, size=20, keep_next=keep_next), width, shade=True)


def _row(cells: list[str], height: int = 360) -> str:
    return (
        f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{height}" w:hRule="atLeast"/></w:trPr>'
        + "".join(cells)
        + "</w:tr>"
    )


def _table(widths: list[int], rows: list[str]) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{_TABLE_BORDERS}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _portrait_xml(p: Portrait | None) -> str:
    if p is None:
        return _p(t("paper.form.no_photo"), align="center")
    box_w, box_h = (int(cm * EMU_PER_CM) for cm in PORTRAIT_BOX_CM)
    scale = min(box_w / p.width, box_h / p.height)
    cx, cy = int(p.width * scale), int(p.height * scale)
    return (
        '<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing>'
        '<wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="1" name="免冠照片"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="portrait.{p.extension}"/><pic:cNvPicPr/>'
        '</pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdPortrait"/><a:stretch><a:fillRect/>'
        '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )


LABEL_W = 1500  # six Chinese characters at 10 pt: most labels on one line


def _two_per_row(lines: list[Line], grid: list[int]) -> list[list[str]]:
    """Label/value cells, two answers a row (a form that fits one page); an odd last
    answer takes the whole row."""
    width = sum(grid)
    rows = []
    for start in range(0, len(lines), 2):
        pair = lines[start : start + 2]
        if len(pair) == 2:
            cells = []
            for line, value_w in zip(pair, grid[1::2], strict=True):
                cells += [_label(line.label, LABEL_W), _cell(line.value, value_w)]
        else:
            cells = [_label(pair[0].label, LABEL_W), _spanned(pair[0].value, width - LABEL_W, 3)]
        rows.append(cells)
    return rows


def _spanned(text: str, width: int, columns: int) -> str:
    """A value cell spanning `columns` grid columns."""
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/><w:gridSpan w:val="{columns}"/>'
    return f'<w:tc><w:tcPr>{tcpr}<w:vAlign w:val="center"/></w:tcPr>{_p(text)}</w:tc>'


def _grid(width: int, left_value: int | None = None) -> list[int]:
    """Label, value, label, value; the left value `left_value` wide, or half of the rest."""
    left = left_value or width // 2 - LABEL_W
    return [LABEL_W, left, LABEL_W, width - 2 * LABEL_W - left]


def _basic(lines: list[Line], portrait: Portrait | None) -> str:
    photo_w = 1800
    grid = _grid(PAGE_WIDTH - photo_w)  # both value columns fit the 18-digit ID number
    rows = []
    for i, cells in enumerate(_two_per_row(lines, grid)):
        photo = _cell(
            _portrait_xml(portrait) if i == 0 else _p(),
            photo_w,
            merge="restart" if i == 0 else "continue",
        )
        rows.append(_row([*cells, photo]))
    return _table([*grid, photo_w], rows)


def _awards(awards: list[list[Line]]) -> str:
    if not awards:
        return _p(t("paper.form.no_awards"))
    if len(awards) == 1:
        return _pairs(awards[0])
    label_w = 2000
    each = (PAGE_WIDTH - label_w) // len(awards)
    widths = [label_w] + [each] * len(awards)
    header = _row(
        [_label(t("paper.form.award_item"), label_w)]
        + [
            _cell(_p(t("paper.form.award_n", n=n), bold=True, align="center"), each, shade=True)
            for n in range(1, len(awards) + 1)
        ]
    )
    rows = [header]
    for i, first in enumerate(awards[0]):
        values = [_cell(award[i].value, each) for award in awards]
        rows.append(_row([_label(first.label, label_w), *values]))
    return _table(widths, rows)


def _pairs(lines: list[Line]) -> str:
    grid = _grid(PAGE_WIDTH)
    return _table(grid, [_row(cells) for cells in _two_per_row(lines, grid)])


def _signature(lines: list[str], *, last: bool, opinion: str = "") -> str:
    """A box's content: 意见 (and the room to write it), then the signing lines."""
    keep = not last
    body = _p(t("paper.form.opinion", opinion=opinion), before=40, keep_next=keep) + _p(
        keep_next=keep
    )
    return body + "".join(_p(line, align="right", keep_next=keep) for line in lines)


def _box_row(labels: list[str], contents: list[str], height: int) -> list[str]:
    """A row of shaded labels over a row of boxes, one column each."""
    width = PAGE_WIDTH // len(labels)
    head = _row([_label(label, width, keep_next=True) for label in labels])
    return [head, _row([_cell(c, width) for c in contents], height=height)]


@lru_cache(maxsize=256)
def _reviews(confirmation: Confirmation) -> str:
    """The review boxes side by side: the three levels that sign and stamp (村, 乡镇, 县)
    with room for it, then the city's and the province's."""
    sign = [t("paper.form.sign"), t("paper.form.sign_date")]
    signed = [_signature(sign, last=False) for _ in SIGNED_BOXES]
    if confirmation.by:
        opinion = t("paper.form.confirmed", by=confirmation.by, at=confirmation.at)
        signed[0] = _signature(sign, last=False, opinion=opinion)
    later = [label for label in REVIEW_BOXES if label not in SIGNED_BOXES]
    width = PAGE_WIDTH // len(SIGNED_BOXES)
    later_width = PAGE_WIDTH // max(len(later), 1)
    first = _table(
        [width] * len(SIGNED_BOXES),
        _box_row(list(SIGNED_BOXES), signed, 1500),
    )
    second_sign = [t("paper.form.sign_line")]
    second = _table(
        [later_width] * len(later),
        _box_row(later, [_signature(second_sign, last=True) for _ in later], 700),
    )
    return first + _p(size=8, keep_next=True) + second


def _pledge() -> str:
    """本人（或代填人）承诺 with lines to sign and date, kept with the review boxes."""
    return (
        _p(PLEDGE_TITLE, bold=True, size=24, before=120, after=40, keep_next=True)
        + _p(PLEDGE, keep_next=True, after=80)
        + _p(PLEDGE_SIGN, keep_next=True, after=60)
    )


def document_xml(
    view: FormView, header: str, confirmation: Confirmation, portrait: Portrait | None
) -> str:
    heading = {"before": 80, "after": 40, "bold": True, "size": 24}
    body = [
        _p(FORM_TITLE, bold=True, size=32, align="center", after=60),
        _p(header, align="left", after=120),
        _p(section_title(Section.BASIC), **heading),
        _basic(view.basic, portrait),
        _p(section_title(Section.AWARD), **heading),
        _awards(view.awards),
        _p(section_title(Section.OTHER), **heading),
        _pairs(view.other),
        _pledge(),
        _p(REVIEW_TITLE, keep_next=True, **heading),
        _reviews(confirmation),
    ]
    return f"{_XML}<w:document {_NS}><w:body>{''.join(body)}{_SECTION}</w:body></w:document>"


def header_xml(running_head: str) -> str:
    """The page header: whose form this is, and 第 N 页 共 M 页 (Word's PAGE/NUMPAGES fields)."""

    def field(name: str) -> str:
        return (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r><w:instrText xml:space="preserve"> {name} </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )

    def run(text: str) -> str:
        return f"<w:r>{_text(text)}</w:r>"

    tab = f'<w:tabs><w:tab w:val="right" w:pos="{PAGE_WIDTH}"/></w:tabs>'
    border = '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>'
    paragraph = (
        f'<w:p><w:pPr>{border}{tab}<w:rPr><w:sz w:val="18"/></w:rPr></w:pPr>'
        f"{run(running_head)}<w:r><w:tab/></w:r>{run(t('paper.form.page'))}{field('PAGE')}"
        f"{run(t('paper.form.page_of'))}"
        f"{field('NUMPAGES')}{run(t('paper.form.pages'))}</w:p>"
    )
    return f"{_XML}<w:hdr {_NS}>{paragraph}</w:hdr>"


_FOOTER = f"{_XML}<w:ftr {_NS}>{_p(FOOTNOTE, size=18)}</w:ftr>"  # on every page


_FIXED_PARTS = (
    ("[Content_Types].xml", _CONTENT_TYPES.encode()),
    ("_rels/.rels", _PACKAGE_RELS.encode()),
    ("word/styles.xml", _STYLES.encode()),
    ("word/footer1.xml", _FOOTER.encode()),
)


def _document_rels(portrait: Portrait | None) -> str:
    rels = f'<Relationship Id="rIdStyles" Type="{_REL}/styles" Target="styles.xml"/>'
    rels += f'<Relationship Id="rIdHeader" Type="{_REL}/header" Target="header1.xml"/>'
    rels += f'<Relationship Id="rIdFooter" Type="{_REL}/footer" Target="footer1.xml"/>'
    if portrait is not None:
        rels += (
            f'<Relationship Id="rIdPortrait" Type="{_REL}/image" '
            f'Target="media/portrait.{portrait.extension}"/>'
        )
    return (
        _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{rels}</Relationships>'
    )


def render(
    view: FormView,
    header: str,
    confirmation: Confirmation,
    portrait: Portrait | None = None,
    running_head: str = "",
) -> bytes:
    """The .docx file's bytes; `running_head` is printed at the top of every page.

    The parts that are the same in every form are small and stored as they are; the person's
    parts are compressed quickly (level 1: thousands of forms, each a few kilobytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, fixed in _FIXED_PARTS:
            z.writestr(name, fixed, compress_type=zipfile.ZIP_STORED)
        z.writestr("word/document.xml", document_xml(view, header, confirmation, portrait))
        z.writestr("word/header1.xml", header_xml(running_head))
        z.writestr(
            "word/_rels/document.xml.rels",
            _document_rels(portrait),
            compress_type=zipfile.ZIP_STORED,
        )
        if portrait is not None:
            z.writestr(
                f"word/media/portrait.{portrait.extension}",
                portrait.data,
                compress_type=zipfile.ZIP_STORED,
            )
    return out.getvalue()
