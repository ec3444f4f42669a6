"""The pieces of an export without a database: form view, file names, xlsx cells, docx."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook, load_workbook

from dialogs.export_view import (
    FORM_TITLE,
    REVIEW_BOXES,
    form_view,
    missing_evidence,
    place_name,
    section_fields,
    summary_cells,
)
from dialogs.form import FIELDS, PERSON_FIELDS, SUMMARY_COLUMNS, Section
from dialogs.summary import summary_text
from services import demo as demo_data
from services.paper.docx_form import Confirmation, Portrait, render
from services.paper.labels import mask_id, mask_phone
from services.paper.paths import OutDir, safe_name
from services.paper.xlsx import TableWriter
from storage.files import EvidenceStore
from storage.records import EvidenceKind
from tests.dialog_driver import DialogChat, directory

VILLAGE = "222401100201"


def two_award_draft():
    plan = demo_data.Plan(second_award=1.0, portrait=1.0, hardship=1.0)
    entry = demo_data.build_entry(random.Random(5), VILLAGE, "P4", plan)
    for slot in entry.photos:
        slot.target[slot.key] = [1]
    return entry.draft


def test_demo_answers_follow_the_dialog_and_every_category_is_eligible() -> None:
    rng = random.Random(3)
    for category in demo_data.CATEGORIES:
        draft = demo_data.build_entry(rng, VILLAGE, category, demo_data.Plan()).draft
        assert draft.awards[0]["outcome"] == "eligible"
        assert draft.awards[0]["category"] == category
        chat = DialogChat()
        chat.draft = draft
        chat.start()
        assert chat.step == "summary"  # the dialog has nothing left to ask


def test_sections_follow_the_form_definition() -> None:
    basic = [f.key for f in section_fields(Section.BASIC)]
    assert basic.index("education") + 1 == basic.index("person_category")
    assert basic[0] == "name"
    other = [f.key for f in section_fields(Section.OTHER)]
    assert other[0] == "filled_by"
    printed = {
        f.key for f in FIELDS.values() if f.printed and f.section in (Section.BASIC, Section.OTHER)
    }
    assert printed == set(basic) | set(other)


def test_the_form_shows_what_the_summary_card_shows() -> None:
    draft = two_award_draft()
    view = form_view(draft, directory())
    card = summary_text(draft, DialogChat().ctx, staff=True)  # the reviewer's copy of the card
    on_card = {f.key for f in PERSON_FIELDS} | {"filled_by"}  # the card skips 人员类别
    for line in view.basic + view.other:
        if line.value and line.key in on_card:
            assert f"{line.label}：{line.value}" in card
    assert len(view.awards) == 2
    assert [line.key for line in view.awards[0]] == [line.key for line in view.awards[1]]
    assert view.awards[0][-1].label == "佐证材料" and "退役证" in view.awards[0][-1].value


def test_summary_cells_put_several_awards_in_one_row() -> None:
    draft = two_award_draft()
    cells = summary_cells(draft, {"@row": 1, "@reg_no": "X-1"}, directory())
    assert len(cells) == len(SUMMARY_COLUMNS)
    by_label = dict(zip([label for label, _ in SUMMARY_COLUMNS], cells, strict=True))
    assert by_label["荣誉称号"].split("\n") == [a["title"] for a in draft.awards]
    assert by_label["统计类别"].split("\n") == [a["category"] for a in draft.awards]
    levels = {a["level"] for a in draft.awards}
    assert by_label["待遇级别"] == ("国家级" if "国家级" in levels else "省部级")
    assert by_label["户籍所在地（县/乡镇/村）"] == "延吉市 小营镇 光进村"
    assert by_label["公民身份号码"] == draft.person["id_number"]


def test_headers_and_option_values_come_from_the_form() -> None:
    """Field sources take their header from the field (the table's own name where §3 has one),
    and option answers, stored as codes, are printed with their labels."""
    for header, source in SUMMARY_COLUMNS:
        f = FIELDS.get(source.removeprefix("award:"))
        if f is not None:
            assert header == f.column
            assert header == f.label or source in ("hukou_code", "personnel_file", "hardship")
    draft = two_award_draft()
    by_label = dict(zip([label for label, _ in SUMMARY_COLUMNS],
                        summary_cells(draft, {}, directory()), strict=True))
    category = FIELDS["person_category"].option(draft.person["person_category"])
    assert by_label["人员类别"] == category.label and category.code.isascii()
    assert set(by_label["是否保持荣誉"].split("\n")) == {"是"}  # the printed label, not the button


def test_missing_evidence_names_the_award_and_the_photo() -> None:
    draft = two_award_draft()
    present = {(0, "certificate"), (0, "award_document"), (0, "discharge_certificate")}
    missing = missing_evidence(draft, present)
    assert missing and all(m.startswith("第2项") for m in missing)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("222401100-0001_金明浩", "222401100-0001_金明浩"),
        ("../../etc/passwd", "____etc_passwd"),
        ('a:b*c?d"e<f>g|h\\i', "a_b_c_d_e_f_g_h_i"),
        ("...", "_"),
        (" . ", "未命名"),
        ("CON", "_CON"),
        ("名字..docx", "名字_docx"),
    ],
)
def test_safe_names(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


def test_out_dir_refuses_to_climb_out(tmp_path: Path) -> None:
    out = OutDir(tmp_path / "out")
    assert out.path("登记表/a.docx") == (tmp_path / "out" / "登记表" / "a.docx").resolve()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(tmp_path)
    for bad in ("../x", "a/..", "/etc/passwd", "link/x"):
        with pytest.raises(ValueError):
            out.path(bad)


def test_exports_mask_by_the_one_policy() -> None:
    assert mask_id("22240119500701096X") == "222401********096X"
    assert mask_phone("+8613912345678") == "139****5678"


def test_cells_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    table = TableWriter(wb, "s", "标题", ["a", "b", "c", "d", "e"], text_columns=[3])
    table.add([1, '=HYPERLINK("http://x")', "+1", "22240119500701096X", "多\n行"])
    table.close()
    wb.save(tmp_path / "t.xlsx")
    row = load_workbook(tmp_path / "t.xlsx")["s"][3]
    assert row[0].value == 1
    assert [(c.value, c.data_type) for c in row[1:4]] == [
        ('=HYPERLINK("http://x")', "s"),
        ("+1", "s"),
        ("22240119500701096X", "s"),
    ]
    assert row[1].quotePrefix and row[2].quotePrefix and not row[3].quotePrefix
    assert row[3].number_format == "@" and row[4].alignment.wrap_text


def test_docx_opens_in_python_docx_with_portrait_and_boxes() -> None:
    draft = two_award_draft()
    view = form_view(draft, directory())
    image = demo_data.plain_image(EvidenceKind.PORTRAIT, 1)
    data = render(
        view,
        "登记编号：X-1",
        Confirmation("李会计", "2026年11月26日"),
        Portrait(image, "jpeg", 360, 480),
    )
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == FORM_TITLE
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    for box in REVIEW_BOXES:
        assert box in cells
    assert any("确认人：李会计" in c for c in cells)
    assert len(document.inline_shapes) == 1
    section = document.sections[0]
    assert (round(section.page_width.cm), round(section.page_height.cm)) == (21, 30)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "word/media/portrait.jpeg" in z.namelist()


def test_demo_evidence_shows_the_demo_persons_own_name(tmp_path: Path) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    entry = demo_data.build_entry(random.Random(7), VILLAGE, "N1", demo_data.Plan())
    entry.draft.person["name"] = "金明浩"
    pool = demo_data.ImagePool(EvidenceStore(tmp_path), per_kind=1)
    slot = next(s for s in entry.photos if s.kind is EvidenceKind.CERTIFICATE)
    image = pool.pick(slot.kind, 0, entry.draft, slot.award)
    text = pytesseract.image_to_string(str(tmp_path / image.stored.path), lang="chi_sim")
    assert "金明浩" in "".join(text.split())
    assert entry.draft.awards[slot.award]["title"] in "".join(text.split())


def test_a_residents_committee_keeps_its_kind_in_place_names() -> None:
    divisions = directory()
    name = place_name(divisions, "220182100001")  # 五棵树镇 昌盛居委会
    assert name.endswith("五棵树镇 昌盛居委会"), name
    assert place_name(divisions, VILLAGE).endswith("小营镇 光进村")  # a 村 stays as it was
