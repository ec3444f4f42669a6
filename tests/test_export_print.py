"""The package on paper: every workbook and form rendered to PDF by the real LibreOffice, read
back with pdfplumber, as a township officer would print them (30 people, some with two
awards). PNGs of the first pages are kept under tests/artifacts/print/ to look at."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from storage.crypto import generate_secret
from storage.settings import Settings
from tests.test_export import TOWN, Person, cli, fresh_data_dir, records, seed

ARTIFACTS = Path(__file__).parent / "artifacts" / "print"
A3_LANDSCAPE = (1190.6, 841.9)
A4_PORTRAIT = (595.3, 841.9)
MIN_POINTS = 9.0
SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


def people() -> list[Person]:
    return [
        Person(
            category=("N1", "N2", "P1", "P2", "P3", "P4")[n % 6],
            awards=2 if n % 3 == 0 else 1,
            portrait=n % 4 == 0,
        )
        for n in range(30)
    ]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, initialised_sqlite: Path) -> Path:
    """The package exported twice (A3, and --paper a4), and its documents as PDFs, converted
    by one LibreOffice run; returns the folder of PDFs."""
    root = tmp_path_factory.mktemp("print")
    settings = fresh_data_dir(
        Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=root / "data",
            database_url=None,
            secret_key=generate_secret(),
        ),
        initialised_sqlite,
    )
    seed(settings, people())
    for out, extra in ((root / "a3", ()), (root / "a4", ("--again", "--paper", "a4"))):
        result = cli(settings, "export", "--township", TOWN, "--out", str(out), "--demo", *extra)
        assert result.exit_code == 0, result.output
    convert = root / "convert"
    convert.mkdir()
    shutil.copyfile(root / "a4" / "汇总表.xlsx", convert / "汇总表_A4.xlsx")
    documents = [
        root / "a3" / "汇总表.xlsx",
        root / "a3" / "统计登记工作情况.xlsx",
        root / "a3" / "统计登记工作情况报告.docx",
        convert / "汇总表_A4.xlsx",
        *sorted((root / "a3" / "登记表").iterdir())[:4],  # people 0 and 3 have two awards
    ]
    pdfs = root / "pdf"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(root / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdfs),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (pdfs / "people.json").write_text(
        json.dumps(
            [
                {"reg_no": r.reg_no, "name": r.name, "awards": len(r.awards)}
                for r in records(settings)
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    keep_first_pages(pdfs)
    return pdfs


def keep_first_pages(pdfs: Path) -> None:
    """PNGs of the first two pages of each PDF, for a person to look at."""
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    ARTIFACTS.mkdir(parents=True)
    for pdf in pdfs.glob("*.pdf"):
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", "-l", "2", str(pdf), str(ARTIFACTS / pdf.stem)],
            check=True,
            timeout=120,
        )
    print(f"\nprinted pages: {ARTIFACTS}")


def pages(pdf: Path) -> list[pdfplumber.page.Page]:
    return list(pdfplumber.open(pdf).pages)


def flat(page: pdfplumber.page.Page) -> str:
    return re.sub(r"\s+", "", page.extract_text() or "")


def size_of(page: pdfplumber.page.Page) -> tuple[float, float]:
    return round(page.width, 1), round(page.height, 1)


def people_in(printed: Path) -> list[dict[str, object]]:
    return json.loads((printed / "people.json").read_text(encoding="utf-8"))


def test_the_summary_table_prints_on_a3_at_a_readable_size(printed: Path) -> None:
    sheets = pages(printed / "汇总表.pdf")
    assert all(size_of(p) == A3_LANDSCAPE for p in sheets)
    everyone = {p["reg_no"] for p in people_in(printed)}
    seen: set[str] = set()
    for n, page in enumerate(sheets, start=1):
        text = flat(page)
        # every column on the page, the header repeated, the footer with seal and page number
        assert "序号" in text and "公民身份号码" in text and "备注" in text
        assert (
            "填报单位（盖章）" in text and "填表人" in text and f"第{n}页共{len(sheets)}页" in text
        )
        assert min(c["size"] for c in page.chars) >= MIN_POINTS
        seen |= {reg for reg in everyone if reg in text}
    assert seen == everyone
    assert len(sheets) <= 6  # 30 people: not a page per person


def test_every_second_award_is_printed_inside_its_own_row(printed: Path) -> None:
    two = {p["reg_no"] for p in people_in(printed) if p["awards"] == 2}
    assert two
    found = set()
    for page in pages(printed / "汇总表.pdf"):
        words = page.extract_words()
        column = next(w for w in words if w["text"] == "表彰时间")
        rows = sorted(
            (w["top"], m.group()) for w in words if (m := re.search(r"\d{9}-\d{4}$", w["text"]))
        )
        dates = [
            w["top"]
            for w in words
            if column["x0"] - 40 < (w["x0"] + w["x1"]) / 2 < column["x1"] + 40
            for _ in re.findall(r"\d{4}年\d{1,2}月", w["text"])
        ]
        for i, (top, reg_no) in enumerate(rows):
            bottom = rows[i + 1][0] if i + 1 < len(rows) else page.height
            inside = [d for d in dates if top - 3 <= d < bottom - 1]
            assert len(inside) == (2 if reg_no in two else 1), reg_no
            found |= {reg_no} & two
    assert found == two


def test_on_a4_the_columns_split_over_two_pages_that_repeat_the_names(printed: Path) -> None:
    sheets = pages(printed / "汇总表_A4.pdf")
    assert all(size_of(p) == (A4_PORTRAIT[1], A4_PORTRAIT[0]) for p in sheets)
    assert len(sheets) % 2 == 0
    for left, right in zip(sheets[::2], sheets[1::2], strict=True):
        a, b = flat(left), flat(right)
        assert "公民身份号码" in a and "备注" in b and "备注" not in a
        assert "姓名" in a and "姓名" in b and "登记编号" in b
        names = {p["name"] for p in people_in(printed) if p["name"] in a}
        assert names and all(name in b for name in names)
        assert min(c["size"] for c in left.chars + right.chars) >= MIN_POINTS


def test_the_statistics_print_one_table_per_a4_page_with_counts_beside_labels(
    printed: Path,
) -> None:
    sheets = pages(printed / "统计登记工作情况.pdf")
    assert all(size_of(p) == A4_PORTRAIT for p in sheets)
    titles = ["一、按统计类别", "二、按待遇级别", "三、按状态", "四、按村（社区）"]
    assert [next(t for t in titles if t in flat(p)) for p in sheets] == titles
    status_page = sheets[2]
    words = status_page.extract_words()
    label = next(w for w in words if w["text"] == "已报送")
    count = next(w for w in words if abs(w["top"] - label["top"]) < 3 and w["x0"] > label["x1"])
    assert count["text"] == "30" and count["x0"] - label["x1"] < 150


def test_the_work_report_is_one_page(printed: Path) -> None:
    (page,) = pages(printed / "统计登记工作情况报告.pdf")
    text = flat(page)
    assert "统计登记工作情况报告" in text and "共登记30人" in text and "本次报送30人" in text


def test_every_page_of_a_form_says_whose_it_is_and_the_review_boxes_stay_together(
    printed: Path,
) -> None:
    awards = {p["reg_no"]: p["awards"] for p in people_in(printed)}
    forms = [f for f in printed.glob("*.pdf") if re.match(r"\d{9}-\d{4}_", f.name)]
    assert len(forms) == 4 and {awards[f.stem.split("_")[0]] for f in forms} == {1, 2}
    for form in forms:
        reg_no, name = form.stem.split("_", 1)
        sheets = pages(form)
        assert all(size_of(p) == A4_PORTRAIT for p in sheets)
        assert len(sheets) == (1 if awards[reg_no] == 1 else 2), form.name
        for n, page in enumerate(sheets, start=1):
            header = flat(page.crop((0, 0, page.width, 70)))
            assert reg_no in header and name in header and f"第{n}页共{len(sheets)}页" in header
        last = flat(sheets[-1])
        for box in ("村（社区）确认", "乡镇（街道）初审意见", "县级人社部门意见", "省级审核备案"):
            assert box in last
        assert "本人（或代填人）签字" in last and "（盖章）" in last
