"""`honoree-admin poster`: an A4 poster for a village notice board, with a QR code for the web
page (any phone browser, WeChat's included) and one for Telegram.

The poster is a Word document turned into PDF by LibreOffice, the same path as the printed
forms: its fonts (Noto CJK from the distribution) are embedded, and staff can also edit the
.docx before printing. Both links carry the village (the Telegram one as ?start=v<code>), so
the household question asks to confirm it instead of a search.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Annotated

import segno
import typer
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from admin_cli.common import console, err_console, fail, run_with_db, settings_from
from admin_cli.invite_cmd import bot_username
from dialogs.texts import t
from services.paper.pdf import PdfUnavailable, convert
from services.posters import PosterVillage, poster_villages, telegram_link, web_link
from web.config import WebSettings

FONT = "Noto Sans CJK SC"
QR_SIZE = Cm(7)


def _run(paragraph, text: str, size: int, *, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _line(doc, text: str, size: int, *, bold: bool = False, center: bool = True, after: int = 6):
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(after)
    _run(paragraph, text, size, bold=bold)
    return paragraph


def _qr_png(link: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=10, border=2)
    out.seek(0)
    return out


def poster_links(village: str, web_url: str, bot_username: str | None) -> list[tuple[str, str]]:
    """(link, caption) of each QR code: both carry the village, so the form starts there."""
    codes = [(web_link(web_url, village), t("poster.web"))]
    if bot_username:
        codes.append((telegram_link(bot_username, village), t("poster.telegram")))
    return codes


def build(villages: list[PosterVillage], web_url: str, bot_username: str | None) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(18))
    for index, village in enumerate(villages):
        if index:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _line(doc, t("poster.title"), 32, bold=True, after=12)
        _line(doc, t("poster.village", village=village.place), 24, bold=True, after=6)
        contact = (t("poster.contact", contact=village.contact) if village.contact
                   else t("poster.no_contact"))
        _line(doc, contact, 16, after=18)
        codes = poster_links(village.code, web_url, bot_username)
        table = doc.add_table(rows=1, cols=len(codes))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, (link, caption) in zip(table.rows[0].cells, codes, strict=True):
            picture = cell.paragraphs[0]
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.add_run().add_picture(_qr_png(link), width=QR_SIZE)
            label = cell.add_paragraph()
            label.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(label, caption, 18, bold=True)
        _line(doc, "", 12, after=12)
        for key in ("poster.step1", "poster.step2", "poster.step3"):
            _line(doc, t(key), 16, center=False, after=8)
    return doc


def poster(
    ctx: typer.Context,
    village: Annotated[
        str | None, typer.Option("--village", help=t("staff.help.poster.village"))
    ] = None,
    township: Annotated[
        str | None, typer.Option("--township", help=t("staff.help.poster.township"))
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help=t("staff.help.poster.out"))
    ] = None,
    username: Annotated[
        str | None, typer.Option("--bot-username", help=t("staff.help.poster.bot_username"))
    ] = None,
) -> None:
    if (village is None) == (township is None):
        fail(t("staff.cli.poster.one_place"))
    settings = settings_from(ctx)
    villages = run_with_db(ctx, lambda db: poster_villages(db, village, township))
    if not villages:
        fail(t("staff.cli.poster.not_place", code=village or township))
    name = bot_username(settings, username or settings.bot_username)
    if not name:
        err_console.print(t("staff.cli.poster.no_bot"))
    target = out or Path(t("staff.cli.poster.file", place=village or township))
    document = build(villages, WebSettings().base_url, name)
    with tempfile.TemporaryDirectory(prefix="honoree-poster-") as tmp:
        docx = Path(tmp) / (target.stem + ".docx")
        document.save(docx)
        try:
            made = convert([docx], Path(tmp))
        except PdfUnavailable as exc:
            fail(str(exc))
        if not made:
            fail(t("staff.cli.poster.no_pdf"))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(made[0].read_bytes())
    console.print(t("staff.cli.poster.done", target=target, pages=len(villages)))
