"""Properties of the date parser: every style a certificate prints a date in reads back to the
same year and month, and no text, however garbled, makes it raise or invent a date that cannot
be an award date (impossible, or after today)."""

from __future__ import annotations

import datetime
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ocr import synth
from ocr.normalise import canonical, find_dates, parse_chinese_date

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _year_month(year: int, month: int, between: str = "") -> str:
    return f"{synth.chinese_year(year)}年{between}{synth.chinese_number(month)}月"


def _chinese(year: int, month: int, day: int) -> str:
    return f"{_year_month(year, month)}{synth.chinese_number(day)}日"


STYLES = {
    "chinese": _chinese,
    "chinese, 〇 as 零": lambda y, m, d: _chinese(y, m, d).replace("〇", "零"),
    "chinese, 〇 as O": lambda y, m, d: _chinese(y, m, d).replace("〇", "O"),
    "chinese, 〇 as ○": lambda y, m, d: _chinese(y, m, d).replace("〇", "○"),
    "chinese, month only": lambda y, m, d: _year_month(y, m),
    "arabic": lambda y, m, d: f"{y}年{m}月{d}日",
    "arabic, zero-padded": lambda y, m, d: f"{y}年{m:02d}月{d:02d}日",
    "arabic, spaced": lambda y, m, d: f"{y} 年 {m} 月 {d} 日",
    "full-width digits": lambda y, m, d: f"{y}年{m}月{d}日".translate(_FULL_WIDTH),
    "dotted": lambda y, m, d: f"{y}.{m}.{d}",
    "dashed": lambda y, m, d: f"{y}-{m:02d}-{d:02d}",
    "slashed": lambda y, m, d: f"{y}/{m}/{d}",
    "split over two columns": lambda y, m, d: _year_month(y, m, between="\n"),
    "in a sentence": lambda y, m, d: f"经研究，于{y}年{m}月{d}日授予",
}


@st.composite
def past_dates(draw) -> datetime.date:
    return draw(st.dates(datetime.date(1949, 1, 1), datetime.date.today()))


@settings(max_examples=300, deadline=None)
@given(past_dates(), st.sampled_from(sorted(STYLES)))
def test_any_date_in_any_supported_style_reads_back(day, style):
    text = STYLES[style](day.year, day.month, day.day)
    assert parse_chinese_date(text) == f"{day.year:04d}-{day.month:02d}", text


@settings(max_examples=200, deadline=None)
@given(past_dates())
def test_a_year_with_年度_is_not_a_month(day):
    """ "2015年度全国劳动模范": the 年度 belongs to the title, the date comes later."""
    text = f"被评为{day.year}年度全国劳动模范。{_chinese(day.year + 1, day.month, day.day)}"
    found = parse_chinese_date(text)
    assert found is None or found == f"{day.year + 1:04d}-{day.month:02d}"


_JUNK = st.text(
    alphabet=st.one_of(
        st.sampled_from("〇○零O0oQ人一二三四五六七八九十元正年月日度.-/—_ \n"),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)
# Near-dates: any numbers where a year, month and day go, in any style above.
_NEAR_DATES = st.builds(
    lambda style, y, m, d: STYLES[style](y, m, d),
    st.sampled_from(sorted(set(STYLES) - {"chinese, month only"})),
    st.integers(0, 9999),
    st.integers(0, 99),
    st.integers(0, 99),
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_JUNK, _NEAR_DATES))
def test_junk_never_raises_nor_yields_an_impossible_or_future_date(text):
    this_month = datetime.date.today().strftime("%Y-%m")
    for value, start, end in find_dates(text):
        assert re.fullmatch(r"\d{4}-\d{2}", value)
        year, month = map(int, value.split("-"))
        assert year >= 1949 and 1 <= month <= 12
        assert value <= this_month
        assert 0 <= start < end <= len(canonical(text))  # positions in the canonical text
