from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dialogs.choices import Choice, match_choice, plain

# The choice questions as the form asks them today (labels as on the buttons).
CONSENT = [Choice("yes", "同意"), Choice("no", "不同意")]
FILLED_BY = [
    Choice("self", "本人填写"),
    Choice("proxy", "家属或他人代为填写"),
    Choice("staff", "村（社区）工作人员代填"),
]
ALIVE = [Choice("alive", "健在"), Choice("dead", "已去世")]
YES_NO = [Choice("yes", "是"), Choice("no", "否")]
CONFIRM = [Choice("right", "对"), Choice("wrong", "不对")]
MORE_AWARDS = [Choice("more", "还有其他表彰"), Choice("done", "没有了")]
PERSONNEL_FILE = [Choice("has", "有"), Choice("none", "无"), Choice("unsure", "不清楚")]
GENDER = [Choice("m", "男"), Choice("f", "女")]
CATEGORIES = [
    Choice("farmer", "农民"),
    Choice("no_employer", "无固定单位或稳定工作人员"),
    Choice("non_public", "无主管部门的非公有制企业或社会组织人员"),
    Choice("employer", "在机关、事业单位、国企或有主管部门的单位工作（含离退休）"),
]
SERVING = [Choice("civilian", "不是现役军人"), Choice("serving", "是现役军人")]


@pytest.mark.parametrize(
    ("typed", "options", "code"),
    [
        # the words of issue 19
        ("我自己", FILLED_BY, "self"),
        ("本人", FILLED_BY, "self"),
        ("在", ALIVE, "alive"),
        ("是", YES_NO, "yes"),
        ("对", YES_NO, "yes"),
        ("不是", YES_NO, "no"),
        ("不是", CONFIRM, "wrong"),
        ("没有了", MORE_AWARDS, "done"),
        # other plain words
        ("嗯，是的", CONFIRM, "right"),
        ("好的", CONSENT, "yes"),
        ("同意吧", CONSENT, "yes"),
        ("我不同意", CONSENT, "no"),
        ("没有", MORE_AWARDS, "done"),
        ("还有", MORE_AWARDS, "more"),
        ("没有", PERSONNEL_FILE, "none"),
        ("不知道", PERSONNEL_FILE, "unsure"),
        ("有的", PERSONNEL_FILE, "has"),
        ("还活着", ALIVE, "alive"),
        ("不在了", ALIVE, "dead"),
        ("没了", ALIVE, "dead"),
        ("我是他儿子", FILLED_BY, None),  # not one of the words: asked again
        ("儿子", FILLED_BY, "proxy"),
        ("村干部", FILLED_BY, "staff"),
        ("男的", GENDER, "m"),
        ("女性", GENDER, "f"),
        # labels typed with spaces, punctuation, other widths or a slip
        ("村(社区)工作人员代填", FILLED_BY, "staff"),
        ("村 社区 工作人员 代填", FILLED_BY, "staff"),
        ("家属或他人代填", FILLED_BY, "proxy"),
        ("本人填写。", FILLED_BY, "self"),
        ("健在！", ALIVE, "alive"),
        ("ＯＫ", CONSENT, "yes"),
        ("１", GENDER, "m"),
        ("第2个", GENDER, "f"),
        # part of a long label, or a label inside the words
        ("机关", CATEGORIES, "employer"),
        ("国企", CATEGORIES, "employer"),
        ("无固定单位", CATEGORIES, "no_employer"),
        ("我是农民", CATEGORIES, "farmer"),
        ("是现役军人", SERVING, "serving"),
        ("不是现役军人", SERVING, "civilian"),
    ],
)
def test_typed_words_pick_the_meant_option(typed, options, code):
    assert match_choice(typed, options) == code


@pytest.mark.parametrize(
    ("typed", "options"),
    [
        ("不是农民", CATEGORIES),  # a negation never picks the label it negates
        ("无", CATEGORIES),  # in two labels
        ("是", SERVING),  # 是 could be either
        ("填写", FILLED_BY),  # in two labels
        ("3", GENDER),  # there is no third button
        ("0", GENDER),
        ("", YES_NO),
        ("！？", YES_NO),
        ("天气不错", YES_NO),
    ],
)
def test_unclear_words_pick_nothing(typed, options):
    assert match_choice(typed, options) is None


def test_synonyms_of_an_option_are_used():
    options = [Choice("civilian", "不是现役军人", ("老百姓",)), Choice("serving", "是现役军人")]
    assert match_choice("老百姓", options) == "civilian"
    assert match_choice("老百姓", SERVING) is None


def test_plain_tuples_work_as_options():
    assert match_choice("对", [("y", "是", ()), ("n", "否", ["不"])]) == "y"
    assert match_choice("不", [("y", "是", ()), ("n", "否", ["不"])]) == "n"


def test_the_same_words_on_two_buttons_pick_nothing():
    assert match_choice("是", [Choice("a", "是"), Choice("b", "是。")]) is None
    assert match_choice("是", [Choice("a", "是"), Choice("b", "是的")]) == "a"


# --- properties ------------------------------------------------------------

LABEL_CHARS = "农民机关事业单位国企工作人员健在去世本填写家属他代村社区群众党团"
labels = st.lists(
    st.text(alphabet=LABEL_CHARS, min_size=2, max_size=10), min_size=2, max_size=6, unique_by=plain
)
noise = st.text(alphabet=" ，。、！（）()　-·", max_size=2)
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@given(labels, st.data())
def test_property_a_label_typed_any_way_picks_its_option(names, data):
    options = [Choice(f"c{i}", name) for i, name in enumerate(names)]
    i = data.draw(st.integers(0, len(names) - 1))
    assume(not any(names[i] in other for j, other in enumerate(names) if j != i))
    typed = "".join(c + data.draw(noise) for c in names[i])
    if data.draw(st.booleans()):
        typed = typed.translate(FULL_WIDTH)
    assert match_choice(data.draw(noise) + typed, options) == f"c{i}"


@given(labels, st.data())
def test_property_a_negated_label_never_picks_it(names, data):
    options = [Choice(f"c{i}", name) for i, name in enumerate(names)]
    i = data.draw(st.integers(0, len(names) - 1))
    negation = data.draw(st.sampled_from(["不", "不是", "没有", "非"]))
    assert match_choice(negation + names[i], options) != f"c{i}"


@given(st.text(max_size=12), st.lists(st.text(max_size=8), max_size=5))
def test_property_any_text_gives_an_offered_code_or_none(text, names):
    options = [Choice(f"c{i}", name) for i, name in enumerate(names)]
    assert match_choice(text, options) in {None, *(c.code for c in options)}
