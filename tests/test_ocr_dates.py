"""Properties of the date parser: an award date written any way certificates write it reads back
as itself, and nothing an OCR engine returns makes it raise or invent a date that cannot be."""

from __future__ import annotations

import datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ocr import synth
from ocr.normalise import find_dates, parse_chinese_date

TODAY = datetime.date.today()
_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@st.composite
def _past_months(draw) -> tuple[int, int]:
    year = draw(st.integers(1949, TODAY.year))
    month = draw(st.integers(1, TODAY.month if year == TODAY.year else 12))
    return year, month


def _chinese(year, month, day):
    zh = synth.chinese_number
    return f"{synth.chinese_year(year)}年{zh(month)}月{zh(day)}日"


def _read_twice(year: str) -> str:
    """The year with its last numeral doubled, as OCR reads a column's character twice."""
    return year + year[-1]


STYLES = {
    "chinese": _chinese,
    "chinese with 零": lambda y, m, d: _chinese(y, m, d).replace("〇", "零"),
    "chinese with the letter O": lambda y, m, d: _chinese(y, m, d).replace("〇", "O"),
    "chinese, no day": lambda y, m, d: f"{synth.chinese_year(y)}年{synth.chinese_number(m)}月",
    "arabic": lambda y, m, d: f"{y}年{m}月{d}日",
    "arabic, padded": lambda y, m, d: f"{y}年{m:02d}月",
    "full-width": lambda y, m, d: f"{y}年{m}月{d}日".translate(_FULL_WIDTH),
    "dotted": lambda y, m, d: f"{y}.{m}",
    "a numeral read twice": lambda y, m, d: f"{_read_twice(synth.chinese_year(y))}年{m}月",
    "split over columns": lambda y, m, d: f"{synth.chinese_year(y)}年\n{synth.chinese_number(m)}月",
}


@settings(max_examples=300, deadline=None)
@given(_past_months(), st.integers(1, 28), st.sampled_from(sorted(STYLES)))
def test_any_valid_date_in_each_style_reads_back_as_itself(year_month, day, style):
    year, month = year_month
    text = STYLES[style](year, month, day)
    assert parse_chinese_date(f"特发此证。\n{text}") == f"{year:04d}-{month:02d}", text


_OCR_ALPHABET = st.sampled_from(
    list("〇○零O0oQ人一二三四五六七八九十元正年月日度第届.-—_ \n0123456789０１２３４５６７８９")
)


@settings(max_examples=500, deadline=None)
@given(st.text(_OCR_ALPHABET, max_size=40) | st.text(max_size=40))
@example("二〇九九年一月")
@example(f"{TODAY.year}年12月" if TODAY.month < 12 else f"{TODAY.year + 1}年1月")
@example("2015年13月")
def test_junk_never_raises_nor_yields_a_future_or_impossible_date(text):
    for value, start, end in find_dates(text):
        year, month = map(int, value.split("-"))
        assert year >= 1949 and 1 <= month <= 12, value
        assert (year, month) <= (TODAY.year, TODAY.month), value
        assert 0 <= start < end
