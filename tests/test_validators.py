from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.texts import ZH_CN
from dialogs.validators import (
    IdInfo,
    Invalid,
    MonthMissing,
    YearMonth,
    normalise_document_number,
    parse_free_text,
    parse_id_number,
    parse_month_of,
    parse_name,
    parse_phone,
    parse_year_month,
)
from testkit.fakes import fake_id_number

TODAY = date(2024, 6, 15)
PARSERS = [
    parse_name,
    lambda s: parse_id_number(s, TODAY),
    parse_phone,
    lambda s: parse_year_month(s, TODAY),
    lambda s: parse_month_of(s, 2005, TODAY),
    normalise_document_number,
    parse_free_text,
]


def key_of(call) -> str:
    with pytest.raises(Invalid) as info:
        call()
    assert info.value.key in ZH_CN
    return info.value.key


# --- Invalid -------------------------------------------------------------


def test_invalid_carries_key_params_and_chinese_text():
    error = Invalid("err.too_long", limit=50)
    assert error.key == "err.too_long"
    assert error.params == {"limit": 50}
    assert str(error) == "内容太长了（最多 50 个字），请简短一些。"
    assert isinstance(error, ValueError)


# --- names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("张三", "张三"),
        (" 王 秀 英 ", "王秀英"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽‧买买提", "阿依古丽·买买提"),
        ("\u3400\u4e00", "\u3400\u4e00"),  # extension A
    ],
)
def test_parse_name_accepts(typed, expected):
    assert parse_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("张", "err.name.length"),
        ("张" * 31, "err.name.length"),
        ("Zhang San", "err.name.chars"),
        ("张3", "err.name.chars"),
        ("·张三", "err.name.chars"),
        ("张三·", "err.name.chars"),
        ("阿依··买买提", "err.name.chars"),
        ("   ", "err.empty"),
    ],
)
def test_parse_name_rejects(typed, key):
    assert key_of(lambda: parse_name(typed)) == key


# --- ID numbers ----------------------------------------------------------


def test_fake_id_has_valid_check_digit_and_parses():
    number = fake_id_number(date(1960, 3, 8), "女", seq=12, rng=random.Random(1))
    info = parse_id_number(number, TODAY)
    assert info == IdInfo(number=number, birth_date=date(1960, 3, 8), gender="female")


def test_id_number_cleanup_full_width_spaces_and_lower_x():
    number = next(
        n
        for seed in range(200)
        if (n := fake_id_number(date(1955, 1, 1), rng=random.Random(seed))).endswith("X")
    )
    typed = " ".join(number[:-1]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert parse_id_number(typed + " x", TODAY).number == number


def test_new_county_code_is_accepted_when_province_is_real():
    # 220112 (双阳区 since 1995) and an invented county code in a real province
    for region in ("220112", "229999", "820000"):
        parse_id_number(fake_id_number(date(1970, 5, 5), region=region), TODAY)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("22240119700101", "err.id.length"),
        ("2224011970010112345", "err.id.length"),
        ("22240119700101123A", "err.id.chars"),
        ("2224011970X101123", "err.id.chars"),
        ("", "err.empty"),
    ],
)
def test_id_number_shape_errors(typed, key):
    assert key_of(lambda: parse_id_number(typed, TODAY)) == key


def test_id_length_error_reports_length():
    with pytest.raises(Invalid) as info:
        parse_id_number("1234567890", TODAY)
    assert info.value.params == {"length": 10}


def test_id_region_must_be_a_province():
    number = fake_id_number(date(1970, 1, 1), region="990101")
    assert key_of(lambda: parse_id_number(number, TODAY)) == "err.id.region"


def test_id_impossible_birth_date():
    body = "22240119700231123"
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    assert key_of(lambda: parse_id_number(number, TODAY)) == "err.id.birth_date"


@pytest.mark.parametrize(
    ("birth", "age"),
    [(date(2010, 1, 1), 14), (TODAY.replace(year=TODAY.year - 16) + timedelta(days=1), 15)],
)
def test_id_too_young(birth, age):
    with pytest.raises(Invalid) as info:
        parse_id_number(fake_id_number(birth), TODAY)
    assert (info.value.key, info.value.params) == ("err.id.age", {"age": age})


def test_id_age_boundaries():
    parse_id_number(fake_id_number(TODAY.replace(year=TODAY.year - 16)), TODAY)
    parse_id_number(fake_id_number(TODAY.replace(year=TODAY.year - 120)), TODAY)
    old = TODAY.replace(year=TODAY.year - 121)
    assert key_of(lambda: parse_id_number(fake_id_number(old), TODAY)) == "err.id.age"


def test_id_birth_in_future():
    future = fake_id_number(date(2030, 1, 1))
    assert key_of(lambda: parse_id_number(future, TODAY)) == "err.id.birth_date"


def test_the_id_number_says_the_gender():
    assert parse_id_number(fake_id_number(date(1950, 2, 2), "男"), TODAY).gender == "male"
    assert parse_id_number(fake_id_number(date(1950, 2, 2), "女"), TODAY).gender == "female"


births = st.dates(min_value=date(1905, 1, 1), max_value=date(2008, 6, 15))
genders = st.sampled_from(["男", "女"])


@given(births, genders, st.integers(0, 99), st.randoms(use_true_random=False))
def test_property_fake_ids_round_trip(birth, gender, seq, rng):
    info = parse_id_number(fake_id_number(birth, gender, seq=seq, rng=rng), TODAY)
    assert (info.birth_date, info.gender) == (birth, {"男": "male", "女": "female"}[gender])


@given(births, st.integers(0, 17), st.integers(1, 9), st.randoms(use_true_random=False))
def test_property_single_digit_change_is_rejected(birth, position, delta, rng):
    number = fake_id_number(birth, rng=rng)
    if number[position] == "X":
        return
    changed = str((int(number[position]) + delta) % 10)
    wrong = number[:position] + changed + number[position + 1 :]
    with pytest.raises(Invalid):
        parse_id_number(wrong, TODAY)


# --- phones --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13912345678", "+8613912345678"),
        ("139 1234 5678", "+8613912345678"),
        ("139-1234-5678", "+8613912345678"),
        ("+86 139 1234 5678", "+8613912345678"),
        ("8613912345678", "+8613912345678"),
        ("１３９１２３４５６７８", "+8613912345678"),
        ("19912345678", "+8619912345678"),
        ("0433-1234567", "+864331234567"),
        ("043312345678", "+8643312345678"),
        ("(0431)8888888", "+864318888888"),
        ("（0431）88888888", "+8643188888888"),
        ("0431 8888 8888", "+8643188888888"),
    ],
)
def test_parse_phone_accepts(typed, expected):
    assert parse_phone(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["12345678901", "1391234567", "139123456789", "0431-888888", "+1 202 555 0100", "电话", ""],
)
def test_parse_phone_rejects(typed):
    assert key_of(lambda: parse_phone(typed)) == "err.phone"


# --- dates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2015年4月", YearMonth(2015, 4)),
        ("2015年04月", YearMonth(2015, 4)),
        ("2015.4", YearMonth(2015, 4)),
        ("2015-4", YearMonth(2015, 4)),
        ("2015/04", YearMonth(2015, 4)),
        ("201504", YearMonth(2015, 4)),
        ("2015年4月28日", YearMonth(2015, 4, 28)),
        ("2015.4.28", YearMonth(2015, 4, 28)),
        ("20150428", YearMonth(2015, 4, 28)),
        ("二〇一五年四月", YearMonth(2015, 4)),
        ("二零一五年四月二十八日", YearMonth(2015, 4, 28)),
        ("一九九四年十二月", YearMonth(1994, 12)),
        ("一九九四年十月三十一日", YearMonth(1994, 10, 31)),
        ("１９９４年１２月", YearMonth(1994, 12)),
        (" 2015 年 4 月 ", YearMonth(2015, 4)),
        ("1989年元月", YearMonth(1989, 1)),
        ("2024年6月", YearMonth(2024, 6)),
        ("2024.6.15", YearMonth(2024, 6, 15)),
        # the sloppy forms of issue 19
        ("05.4.30", YearMonth(2005, 4, 30)),
        ("05年4月", YearMonth(2005, 4)),
        ("2005.4", YearMonth(2005, 4)),
        ("2005-04", YearMonth(2005, 4)),
        ("2005年4月30日", YearMonth(2005, 4, 30)),
        ("2005年4月30号", YearMonth(2005, 4, 30)),
        ("二〇〇五年四月", YearMonth(2005, 4)),
        ("〇五年四月", YearMonth(2005, 4)),
        ("２００５．４．３０", YearMonth(2005, 4, 30)),
        ("2005 4 30", YearMonth(2005, 4, 30)),
        ("05 4", YearMonth(2005, 4)),
        ("2005，4", YearMonth(2005, 4)),
        ("2005年4", YearMonth(2005, 4)),
        ("1 9 9 4 年 5 月", YearMonth(1994, 5)),
        ("94年12月", YearMonth(1994, 12)),
        ("2005。4。30", YearMonth(2005, 4, 30)),
        ("2005—4", YearMonth(2005, 4)),
        ("2005/4/30号", YearMonth(2005, 4, 30)),
        ("2005年4月30號", YearMonth(2005, 4, 30)),
        ("24.6", YearMonth(2024, 6)),  # this year's two digits: this century
        ("49.10", YearMonth(1949, 10)),  # larger than this year's two digits: last century
    ],
)
def test_parse_year_month_forms(typed, expected):
    assert parse_year_month(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("去年", "err.date.format"),
        ("4.30", "err.date.format"),
        ("5.4.30", "err.date.format"),
        ("050430", "err.date.format"),
        ("2015.2.30", "err.date.format"),
        ("2015年13月", "err.date.month"),
        ("201500", "err.date.month"),
        ("2024年7月", "err.date.future"),
        ("2024.6.16", "err.date.future"),
        ("1948年12月", "err.date.too_old"),
        ("48年12月", "err.date.too_old"),
        ("25.1", "err.date.too_old"),  # 1925
        ("2030年", "err.date.future"),
        ("1948年", "err.date.too_old"),
    ],
)
def test_parse_year_month_rejects(typed, key):
    assert key_of(lambda: parse_year_month(typed, TODAY)) == key


@pytest.mark.parametrize(
    ("typed", "year"),
    [("2005年", 2005), ("2005", 2005), ("05年", 2005), ("二〇〇五年", 2005), ("９４年", 1994)],
)
def test_year_without_month_asks_for_the_month(typed, year):
    with pytest.raises(MonthMissing) as info:
        parse_year_month(typed, TODAY)
    assert info.value.year == year
    assert isinstance(info.value, Invalid)
    assert str(info.value) == f"是{year}年的几月？请把月份也写上，例如：{year}年4月。"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("4月", YearMonth(2005, 4)),
        ("4", YearMonth(2005, 4)),
        ("04", YearMonth(2005, 4)),
        ("四月", YearMonth(2005, 4)),
        ("４月份", YearMonth(2005, 4)),
        ("4月30日", YearMonth(2005, 4, 30)),
        ("2006年5月", YearMonth(2006, 5)),  # the whole date typed again
    ],
)
def test_the_month_answers_the_month_question(typed, expected):
    assert parse_month_of(typed, 2005, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "year", "key"),
    [
        ("13月", 2005, "err.date.month"),
        ("7月", 2024, "err.date.future"),
        ("不知道", 2005, "err.date.format"),
        ("2005年", 2005, "err.date.need_month"),
    ],
)
def test_the_month_question_refuses_what_is_not_a_month(typed, year, key):
    assert key_of(lambda: parse_month_of(typed, year, TODAY)) == key


@given(st.dates(min_value=date(1949, 1, 1), max_value=TODAY), st.booleans())
def test_property_a_month_in_its_year_round_trips(day, cn):
    written = f"{_cn_small(day.month)}月" if cn else f"{day.month}月"
    assert parse_month_of(written, day.year, TODAY) == YearMonth(day.year, day.month)


def test_too_old_error_says_the_earliest_year():
    with pytest.raises(Invalid) as info:
        parse_year_month("1948.3", TODAY)
    assert "1949" in str(info.value) and "1948年3月" in str(info.value)


def test_future_error_shows_the_date():
    with pytest.raises(Invalid) as info:
        parse_year_month("2030.1", TODAY)
    assert info.value.params == {"value": "2030年1月"}


def test_earliest_is_configurable():
    assert parse_year_month("1930年5月", TODAY, earliest=1900) == YearMonth(1930, 5)


def test_year_month_value_behaviour():
    april = YearMonth(2015, 4)
    assert str(april) == "2015年4月"
    assert str(YearMonth(2015, 4, 28)) == "2015年4月28日"
    assert april.iso == "2015-04"
    assert YearMonth.from_iso("2015-04") == april
    assert YearMonth.from_iso("2015-04-28") == YearMonth(2015, 4, 28)
    assert april.as_date() == date(2015, 4, 1)
    assert YearMonth(2015, 4, 28).as_date() == date(2015, 4, 28)
    assert YearMonth(2017, 12) < YearMonth(2018, 1) < YearMonth(2018, 1, 1)
    assert sorted([YearMonth(2015, 5), april]) == [april, YearMonth(2015, 5)]
    with pytest.raises(ValueError):
        YearMonth(2015, 13)


_CN = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    tens, units = divmod(n, 10)
    if tens == 0:
        return _CN[units]
    return (_CN[tens] if tens > 1 else "") + "十" + (_CN[units] if units else "")


_FULL_WIDTH = str.maketrans("0123456789.-/", "０１２３４５６７８９．－／")


def written_forms(ym: YearMonth) -> list[str]:
    """Every accepted style: four- and two-digit years, Chinese numerals, full width, spaces."""
    y, m, d = ym.year, ym.month, ym.day
    forms = []
    for year in (f"{y}", f"{y % 100:02d}"):
        cn_year = "".join(_CN[int(c)] for c in year)
        if d is None:
            forms += [
                f"{year}年{m}月", f"{year}年{m:02d}月", f"{year}.{m}", f"{year}-{m}",
                f"{year}/{m:02d}", f"{cn_year}年{_cn_small(m)}月", f"{year} 年 {m} 月",
                f"{year} {m}", f"{year}年{m}月份",
            ]  # fmt: skip
        else:
            forms += [
                f"{year}年{m}月{d}日", f"{year}年{m}月{d}号", f"{year}.{m}.{d}",
                f"{year}-{m:02d}-{d:02d}", f"{year}/{m}/{d}", f"{year} {m} {d}",
                f"{year}。{m}。{d}", f"{year}.{m}.{d}日",
                f"{cn_year}年{_cn_small(m)}月{_cn_small(d)}日",
            ]  # fmt: skip
    forms.append(f"{y}{m:02d}{d:02d}" if d else f"{y}{m:02d}")
    return forms + [form.translate(_FULL_WIDTH) for form in forms]


@given(st.dates(min_value=date(1949, 1, 1), max_value=TODAY), st.booleans())
def test_property_dates_round_trip_through_written_forms(day, with_day):
    ym = YearMonth(day.year, day.month, day.day if with_day else None)
    for form in written_forms(ym):
        assert parse_year_month(form, TODAY) == ym, form


@given(st.integers(1949, TODAY.year), st.booleans())
def test_property_a_year_alone_asks_for_its_month(year, two_digits):
    written = f"{year % 100:02d}年" if two_digits else f"{year}年"
    with pytest.raises(MonthMissing) as info:
        parse_year_month(written, TODAY)
    assert info.value.year == year


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2099, 12, 31)))
def test_property_future_dates_are_refused(day):
    for form in (f"{day.year}年{day.month}月{day.day}日", f"{day.year}.{day.month}.{day.day}"):
        assert key_of(lambda f=form: parse_year_month(f, TODAY)) == "err.date.future"


# --- document numbers ----------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "吉发〔2020〕12号",
        "吉发[2020]12号",
        "吉发(2020)12号",
        "吉发（2020）12号",
        "吉发［2020］12号",
        "吉发【2020】12号",
        "吉发﹝2020﹞12号",
        "吉发〔2020〕第12号",
        "吉发 〔２０２０〕 １２号",
        "吉发〔2O2O〕l2号",
        "吉发〔2020〕12",
        "文号：吉发〔2020〕12号",
        "吉发2020年12号",
        "吉发2020 12号",
        "吉发(2020年)12号",
        "吉发2020年第12号",
        "吉发2020-12号",
        "吉发〔2020〕12号文",
        "吉发〔2020〕12号文件",
    ],
)
def test_document_number_variants(typed):
    assert normalise_document_number(typed) == "吉发〔2020〕12号"


@pytest.mark.parametrize(
    "typed",
    ["国发2005年10号", "国发2005 10号", "国发[2005]10号", "国发【2005】10号", "国发200510号"],
)
def test_document_number_of_the_issue(typed):
    assert normalise_document_number(typed) == "国发〔2005〕10号"
    assert normalise_document_number("吉政发〔2005〕10号") == "吉政发〔2005〕10号"


def test_document_number_issuer_with_zi():
    assert normalise_document_number("吉人社联字[2021]189号") == "吉人社联字〔2021〕189号"


@pytest.mark.parametrize(
    "typed", ["", "12号", "吉发〔20〕12号", "吉发〔2020〕号", "看不清", "吉发〔1820〕1号"]
)
def test_document_number_unreadable(typed):
    assert key_of(lambda: normalise_document_number(typed)) == "err.docno.format"


BRACKETS = [
    ("〔", "〕"),
    ("[", "]"),
    ("(", ")"),
    ("（", "）"),
    ("［", "］"),
    ("【", "】"),
    ("", ""),
    ("", "年"),
    ("", " "),
    ("", "年 "),
    ("(", "年)"),
    ("（", "年）"),
]
issuers = st.text(alphabet="吉国人社发办联字中省委政函", min_size=1, max_size=6)


@given(
    issuers,
    st.integers(1949, 2099),
    st.integers(1, 9999),
    st.sampled_from(BRACKETS),
    st.sampled_from(["", "第"]),
    st.booleans(),
)
def test_property_document_numbers_normalise_the_same(
    issuer, year, serial, brackets, di, full_width
):
    left, right = brackets
    typed = f"{issuer}{left}{year}{right}{di}{serial}号"
    if full_width:
        typed = typed.translate(_FULL_WIDTH)
    assert normalise_document_number(typed) == f"{issuer}〔{year}〕{serial}号"


# --- free text -----------------------------------------------------------


def test_free_text():
    assert parse_free_text("  吉林省延吉市\x00某街\u200b 12号 ") == "吉林省延吉市某街 12号"
    assert parse_free_text("第一行\n第二行") == "第一行\n第二行"
    assert parse_free_text("  ", required=False) == ""
    assert key_of(lambda: parse_free_text(" \t ")) == "err.empty"
    with pytest.raises(Invalid) as info:
        parse_free_text("字" * 11, limit=10)
    assert (info.value.key, info.value.params) == ("err.too_long", {"limit": 10})


# --- robustness ----------------------------------------------------------


@settings(max_examples=300)
@given(st.text(), st.sampled_from(range(len(PARSERS))))
def test_property_random_unicode_raises_only_invalid(text, which):
    try:
        PARSERS[which](text)
    except Invalid as error:
        assert re.search(r"[\u4e00-\u9fff]", str(error))
