"""Field extraction from OCR text, without any OCR: boxes are built from text samples."""

from __future__ import annotations

import datetime
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr import synth, vocabulary
from ocr.engines import TextBox
from ocr.extract import extract, normalise_document_number, parse_chinese_date


def page(*lines: str, confidence: float = 0.98) -> list[TextBox]:
    """Boxes for printed lines; two spaces inside a line mean a wide gap (a second box)."""
    boxes = []
    for row, line in enumerate(lines):
        x, y = 100, 100 + row * 80
        for cell in line.split("  "):
            width = 40 * len(cell)
            boxes.append(TextBox(cell, confidence, (x, y, x + width, y + 50)))
            x += width + 200
    return boxes


CERTIFICATE = page(
    "荣誉证书",
    "张三同志：",
    "被授予全国劳动模范称号。",
    "特发此证。",
    "中共中央  国务院",
    "二〇一五年四月",
)

DOCUMENT = page(
    "中共吉林省委  吉林省人民政府文件",
    "吉发［2020］12号",
    "关于表彰吉林省劳动模范和",
    "先进工作者的决定",
    "各市（州）党委和人民政府：",
    "为表彰先进，省委、省政府决定，授予张三等3名同志“吉林省劳",
    "动模范”荣誉称号，享受省级劳动模范（先进工作者）待遇。",
    "吉林省劳动模范名单",
    "张三（某某村农民）  李四（某某社区居民）",
    "王五（某某村农民）",
    "中共吉林省委  吉林省人民政府",
    "2020年4月28日",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇一五年四月", "2015-04"),
        ("一九九四年十二月", "1994-12"),
        ("二〇二〇年四月二十八日", "2020-04"),
        ("2015年4月28日", "2015-04"),
        ("2015年04月", "2015-04"),
        ("二O一五年十月", "2015-10"),  # 〇 read as the letter O
        ("二○○一年二月", "2001-02"),  # 〇 read as a white circle
        ("三〇一八年一月", "2018-01"),  # 二 read as 三
        ("二二〇一三年四月二日", "2013-04"),  # a stray stroke above a vertical column
        ("一二〇〇五年四月", "2005-04"),
        ("九九八年二月", "1998-02"),  # the column's first numeral lost
        ("二〇二二一年八月十四日", "2021-08"),  # a numeral of a column read twice
        ("二〇一一五年三月", "2015-03"),
        ("二〇九〇年一月", None),  # after today: misread
        ("于二〇一五年四月召开", "2015-04"),
        ("2015.4", "2015-04"),
        ("二〇一五年", None),
        ("一八〇〇年一月", None),
        ("吉发〔2020〕12号", None),
        ("", None),
    ],
)
def test_parse_chinese_date(text, expected):
    assert parse_chinese_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "吉发〔2020〕12号",
        "吉发[2020]12号",
        "吉发（2020）12号",
        "吉发(2020)12号",
        "吉发［2020］12号",
        "吉发【2O2O】l2号",
        "吉发〔2020】12号",
        "吉发 〔 2020 〕 12 号",
        "中共吉林省委吉林省人民政府文件吉发〔2020〕12号",
    ],
)
def test_document_number_variants_normalise(text):
    assert normalise_document_number(text) == "吉发〔2020〕12号"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("人社部发〔2019〕30号", "人社部发〔2019〕30号"),
        ("国发〔1995〕第3号", "国发〔1995〕3号"),
        ("吉人社联[2021]189号", "吉人社联〔2021〕189号"),
        ("吉发〔1800〕12号", None),
        ("没有文号", None),
    ],
)
def test_document_number_other_cases(text, expected):
    assert normalise_document_number(text) == expected


def test_certificate_fields():
    ex = extract(CERTIFICATE)
    assert ex.kind_guess == "certificate"
    assert ex.name.value == "张三"
    assert ex.title.value == "全国劳动模范"
    assert ex.awarding_body.value == "中共中央 国务院"
    assert ex.date.value == "2015-04"
    assert ex.document_number is None and ex.treatment is None
    assert ex.name_found is None
    for guess in (ex.name, ex.title, ex.awarding_body, ex.date):
        assert 0.85 <= guess.confidence <= 1.0


def test_certificate_with_quoted_honorary_title():
    ex = extract(
        page("李四同志：", "被授予“吉林省劳动模范”荣誉称号。", "吉林省人民政府", "一九九四年十二月")
    )
    assert ex.title.value == "吉林省劳动模范"
    assert ex.awarding_body.value == "吉林省人民政府"
    assert ex.date.value == "1994-12"


def test_seal_text_above_the_signature_is_not_repeated():
    ex = extract(
        page(
            "王五同志：",
            "被授予全国先进工作者称号。",
            "国务院",
            "中共中央  国务院",
            "二〇〇五年四月",
        )
    )
    assert ex.awarding_body.value == "中共中央 国务院"


def test_award_document_fields():
    ex = extract(DOCUMENT)
    assert ex.kind_guess == "award_document"
    assert ex.document_number.value == "吉发〔2020〕12号"
    assert ex.document_title.value == "关于表彰吉林省劳动模范和先进工作者的决定"
    assert ex.title.value == "吉林省劳动模范"
    assert ex.treatment.value == "省级劳动模范（先进工作者）待遇"
    assert ex.awarding_body.value == "中共吉林省委 吉林省人民政府"
    assert ex.date.value == "2020-04"
    assert ex.names_listed == ["张三", "李四", "王五"]


@pytest.mark.parametrize(
    ("registrant", "found"), [("李四", True), ("王五", True), ("赵六", False), (" 张 三 ", True)]
)
def test_registrant_in_name_list(registrant, found):
    assert extract(DOCUMENT, registrant_name=registrant).name_found is found


def test_treatment_clause_across_lines_and_brackets():
    ex = extract(page("决定授予张三同志荣誉称号，享受全国劳动模范(先进", "工作者）待遇。"))
    assert ex.treatment.value == "全国劳动模范（先进工作者）待遇"
    ex = extract(page("享受省部级表彰奖励获得者待遇。"))
    assert ex.treatment.value == "省部级表彰奖励获得者待遇"


def test_name_list_pairs_names_and_units_by_position():
    """Boxes come back in any order on skewed photos; coordinates put the pairs together."""
    entries = [("张三", "（某某村农民）"), ("李四", "（某某村农民）"), ("王五", "（某某社区居民）")]
    boxes = [TextBox("吉林省劳动模范名单", 0.99, (300, 40, 800, 90))]
    for row, (name, unit) in enumerate(entries):
        y = 120 + row * 70 + (row % 2) * 6  # a slight skew
        boxes.append(TextBox(name, 0.97, (100, y, 220, y + 45)))
        boxes.append(TextBox(unit, 0.97, (225, y + 3, 560, y + 48)))
    random.Random(7).shuffle(boxes)
    assert extract(boxes).names_listed == ["张三", "李四", "王五"]


def test_confidence_follows_the_ocr():
    sure = extract(page("张三同志：", "被授予全国劳动模范称号。", confidence=0.99))
    unsure = extract(page("张三同志：", "被授予全国劳动模范称号。", confidence=0.6))
    assert unsure.name.confidence < sure.name.confidence
    assert unsure.title.value == sure.title.value


def test_phrases_that_only_look_like_names_are_not_names():
    ex = extract(page("希望受到表彰的同志珍惜荣誉", "省级劳动模范（先进工作者）"))
    assert ex.name is None
    assert ex.names_listed == []


@pytest.mark.parametrize(
    ("greeting", "name"),
    [
        ("张三：", "张三"),
        ("欧阳晓明:", "欧阳晓明"),
        ("李四.", "李四"),  # the colon read as a full stop
        ("王芳女士：", "王芳"),
        ("阿依古丽·买买提：", "阿依古丽·买买提"),
    ],
)
def test_name_from_a_greeting_without_tongzhi(greeting, name):
    sentence = "您被评为2016年度全国劳动模范，特发此证。"
    ex = extract(page("荣誉证书", greeting, sentence, "2017年1月"))
    assert ex.name.value == name


@pytest.mark.parametrize("label", ["附件：", "荣誉称号：全国劳动模范", "各有关单位：", "备注："])
def test_a_label_before_a_colon_is_no_name(label):
    assert extract(page("吉林省人民政府文件", label, "2016年5月")).name is None


def test_nothing_to_find():
    ex = extract([], registrant_name="张三")
    assert ex.kind_guess == "unknown"
    assert all(getattr(ex, f) is None for f in ex.FIELDS)
    assert ex.name_found is False


def test_name_list_is_only_the_list():
    """The 文号 in round brackets is no entry; seal text after the list is no name."""
    ex = extract(
        page(
            "吉发（2020）12号",
            "吉林省劳动模范名单",
            "张三（某某村农民）  李四（某某村农民）",
            "中央国委",
            "中共中央  国务院（印）",
            "2020年4月28日",
        )
    )
    assert ex.names_listed == ["张三", "李四"]
    assert ex.document_number.value == "吉发〔2020〕12号"


def test_bare_name_list_under_a_heading():
    ex = extract(page("表彰名单", "张三  李四  王五", "赵六  钱七", "吉林省人民政府", "2019年5月"))
    assert ex.names_listed == ["张三", "李四", "王五", "赵六", "钱七"]


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        ("被授予2015年全国劳动模范称号。", "全国劳动模范"),
        ("被授予２０１５年度全国三八红旗手称号。", "全国三八红旗手"),
        ("被授予二〇一五年全国五一劳动奖章。", "全国五一劳动奖章"),
        ("荣获第五届全国道德模范称号。", "全国道德模范"),
        ("被评为2013—2014年度吉林省优秀共产党员，特发此证。", "吉林省优秀共产党员"),
        ("荣获全国五一劳动奖章。", "全国五一劳动奖章"),
        ("被评为首届白山市十佳农民。", "白山市十佳农民"),  # unknown: from the structure
        ("授予张三同志“松原市乡村振兴带头人”光荣称号。", "松原市乡村振兴带头人"),
        ("被授予全国劳动横范称号。", "全国劳动模范"),  # one character misread
        ("被授予吉林市劳动模范称号。", "吉林市劳动模范"),  # a near neighbour that is known
    ],
)
def test_title_from_the_phrase_that_introduces_it(sentence, title):
    ex = extract(page("张三同志：", sentence, "吉林省人民政府", "二〇一六年五月"))
    assert ex.title.value == title


def test_title_source_says_structure_vocabulary_or_both():
    known = extract(page("张三同志：", "被授予全国劳动模范称号。")).title
    unknown = extract(page("张三同志：", "被评为延吉市金牌月嫂。")).title
    only_named = extract(page("全国先进工作者", "中共中央  国务院")).title
    assert (known.source, unknown.source, only_named.source) == ("both", "structure", "vocabulary")
    assert known.confidence > unknown.confidence > only_named.confidence


def test_title_from_a_labelled_form():
    ex = extract(page("姓名：张三", "荣誉称号：全国优秀农民工", "授予单位：中华全国总工会"))
    assert (ex.name.value, ex.title.value) == ("张三", "全国优秀农民工")


def test_awarding_body_near_miss_is_corrected_and_unknown_is_kept():
    seal = extract(page("张三同志：", "被授予吉林省劳动模范称号。", "吉释省人民政府", "2016年5月"))
    assert (seal.awarding_body.value, seal.awarding_body.source) == ("吉林省人民政府", "both")
    other = extract(page("张三同志：", "被评为优秀社员。", "前进乡人民政府", "2016年5月"))
    assert (other.awarding_body.value, other.awarding_body.source) == (
        "前进乡人民政府",
        "structure",
    )


_YEARS = st.sampled_from(
    [
        "",
        "2015年",
        "２０１５年度",
        "二〇一五年",
        "2015—2016年度",
        "第三届",
        "首届",
        "2015年度第二批",
    ]
)
_TITLES = st.one_of(
    st.sampled_from(vocabulary.terms("title")),
    st.text(alphabet="劳动模范先进个人优秀青年标兵能手工匠", min_size=3, max_size=10).map(
        lambda t: "吉林省" + t
    ),
)
_PHRASES = st.sampled_from(
    [
        "被授予{y}{t}称号。",
        "被授予{y}“{t}”荣誉称号。",
        "被评为{y}{t}，特发此证。",
        "荣获{y}{t}称号。",
    ]
)


@settings(max_examples=200, deadline=None)
@given(_YEARS, _TITLES, _PHRASES)
def test_any_year_or_ordinal_before_a_title_is_stripped(year, title, phrase):
    ex = extract(page("张三同志：", phrase.format(y=year, t=title), "二〇一六年五月"))
    assert ex.title.value == vocabulary.correct("title", title)[0]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1949, datetime.date.today().year - 1),  # award dates are past dates
    st.integers(1, 12),
    st.sampled_from(["", "一", "二", "八", "〇", "-"]),
    st.sampled_from(["", "二十八日", "日"]),
)
def test_a_chinese_numeral_date_reads_with_a_stray_mark_before_it(year, month, stray, day):
    text = f"{stray}{synth.chinese_year(year)}年{synth.chinese_number(month)}月{day}"
    assert parse_chinese_date(text) == f"{year}-{month:02d}"
