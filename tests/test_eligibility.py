from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.eligibility import (
    AwardFacts,
    BodyKind,
    Category,
    MilitaryHonour,
    Outcome,
    Treatment,
    TriState,
    Verdict,
    body_kind,
    classify,
    questions_needed,
    treatment_options,
)
from dialogs.texts import ZH_CN, t
from dialogs.validators import YearMonth

B = BodyKind
BODIES = [
    ("中共中央 国务院", B.CENTRAL),
    ("中共中央、国务院", B.CENTRAL),
    ("中共中央国务院", B.CENTRAL),
    ("国务院", B.CENTRAL),
    ("中央军委", B.CENTRAL),
    ("中共中央 国务院 中央军委", B.CENTRAL),
    ("党中央", B.CENTRAL),
    ("中华人民共和国国务院", B.CENTRAL),
    ("国务院表彰", B.CENTRAL),
    ("中共吉林省委 吉林省人民政府", B.PROVINCIAL),
    ("吉林省人民政府", B.PROVINCIAL),
    ("吉林省委省政府", B.PROVINCIAL),
    ("省委、省政府", B.PROVINCIAL),
    ("中国共产党吉林省委员会", B.PROVINCIAL),
    ("长春市人民政府 吉林省人民政府", B.PROVINCIAL),
    ("农业部", B.MINISTRY),
    ("原铁道部", B.MINISTRY),
    ("人力资源和社会保障部 中华全国总工会", B.MINISTRY),
    ("人社部和全国总工会", B.MINISTRY),
    ("全国妇联", B.MINISTRY),
    ("共青团中央", B.MINISTRY),
    ("住房和城乡建设部", B.MINISTRY),
    ("国家市场监督管理总局", B.MINISTRY),
    ("中共中央组织部", B.MINISTRY),
    ("国务院国资委", B.MINISTRY),
    ("国家经委", B.MINISTRY),
    ("煤炭工业部", B.MINISTRY),
    ("原国家人事部", B.MINISTRY),
    ("中央军委政治工作部", B.MILITARY),
    ("中央军委授权大单位", B.MILITARY),
    ("沈阳军区", B.MILITARY),
    ("中国人民解放军沈阳军区政治部", B.MILITARY),
    ("吉林省军区", B.MILITARY),
    ("武警吉林省总队", B.MILITARY),
    ("长春市人民政府", B.LOCAL),
    ("延边朝鲜族自治州人民政府", B.LOCAL),
    ("中共延边州委 延边州人民政府", B.LOCAL),
    ("农安县人民政府", B.LOCAL),
    ("吉林市人民政府", B.LOCAL),
    ("吉林省长春市总工会", B.LOCAL),
    ("中国共产党长春市委员会", B.LOCAL),
    ("白城地区行政公署", B.LOCAL),
    ("依兰镇人民政府", B.LOCAL),
    ("辽宁省人民政府", B.OTHER_PROVINCE),
    ("黑龙江省委", B.OTHER_PROVINCE),
    ("内蒙古自治区人民政府", B.OTHER_PROVINCE),
    ("北京市人民政府", B.OTHER_PROVINCE),
    ("吉林省人力资源和社会保障厅", B.UNKNOWN),
    ("吉林省总工会", B.UNKNOWN),
    ("中共吉林省委组织部", B.UNKNOWN),
    ("吉林省人民政府办公厅", B.UNKNOWN),
    ("吉林省革命委员会", B.UNKNOWN),
    ("农业部 吉林省农业厅", B.UNKNOWN),
    ("不知道", B.UNKNOWN),
    ("国家", B.UNKNOWN),
    ("", B.UNKNOWN),
]


@pytest.mark.parametrize(("text", "kind"), BODIES)
def test_body_kind(text, kind):
    assert body_kind(text) is kind


def facts(body: str, when: YearMonth | None, **answers) -> AwardFacts:
    return AwardFacts(
        title=answers.pop("title", "劳动模范"), awarding_body=body, award_date=when, **answers
    )


def assert_verdict(verdict: Verdict, outcome: Outcome, category: Category | None) -> None:
    assert (verdict.outcome, verdict.category) == (outcome, category)
    assert verdict.rule and verdict.reason


CENTRAL, PROVINCE, MINISTRY, ARMY = (
    "中共中央 国务院",
    "中共吉林省委 吉林省人民政府",
    "铁道部",
    "沈阳军区",
)
T = Treatment
UNSURE = TriState.UNSURE
Y2005, Y2015 = YearMonth(2005, 1), YearMonth(2015, 1)
ELIGIBLE, UNCERTAIN, OUT = Outcome.ELIGIBLE, Outcome.UNCERTAIN, Outcome.OUT_OF_SCOPE


# --- happy paths and exact boundaries -------------------------------------


@pytest.mark.parametrize(
    ("when", "treatment", "category"),
    [
        (YearMonth(2015, 4), T.NATIONAL_MODEL, Category.N1),
        (YearMonth(2017, 12), T.NATIONAL_MODEL, Category.N1),
        (YearMonth(2017, 12, 31), T.NATIONAL_MODEL, Category.N1),
        (YearMonth(2018, 1), T.NATIONAL_AWARD, Category.N2),
        (YearMonth(2018, 1, 1), T.NATIONAL_AWARD, Category.N2),
        (YearMonth(2020, 11), T.NATIONAL_AWARD, Category.N2),
    ],
)
def test_national(when, treatment, category):
    verdict = classify(facts("国务院", when, treatment=treatment))
    assert_verdict(verdict, ELIGIBLE, category)
    assert verdict.rule == t(f"rule.{category}")


@pytest.mark.parametrize(
    ("when", "treatment", "category"),
    [
        (YearMonth(2017, 12, 31), T.NATIONAL_AWARD, Category.N1),
        (YearMonth(2018, 1, 1), T.NATIONAL_MODEL, Category.N2),
        (YearMonth(2019, 9), T.NATIONAL_MODEL, Category.N2),
    ],
)
def test_national_with_the_other_eras_treatment_goes_to_reviewer(when, treatment, category):
    assert_verdict(classify(facts(CENTRAL, when, treatment=treatment)), UNCERTAIN, category)


def test_provincial():
    for treatment in (T.PROVINCIAL_MODEL, T.PROVINCIAL_AWARD):
        verdict = classify(facts(PROVINCE, YearMonth(2010, 5), treatment=treatment))
        assert_verdict(verdict, ELIGIBLE, Category.P1)
    assert Category.P1.level == "省部级"


@pytest.mark.parametrize("when", [YearMonth(1989, 5), YearMonth(1994, 12), YearMonth(1994, 12, 31)])
def test_ministry_before_1995_needs_mop_confirmation(when):
    yes = facts(MINISTRY, when, title="铁道部劳动模范", ministry_confirmed_by_mop=TriState.YES)
    assert_verdict(classify(yes), ELIGIBLE, Category.P2)
    no = yes.model_copy(update={"ministry_confirmed_by_mop": TriState.NO})
    assert_verdict(classify(no), OUT, None)
    unsure = yes.model_copy(update={"ministry_confirmed_by_mop": TriState.UNSURE})
    assert_verdict(classify(unsure), UNCERTAIN, Category.P2)


@pytest.mark.parametrize(
    "title",
    [
        "全国农业劳动模范",
        "铁路劳动英雄",
        "先进生产者",
        "全国邮电系统先进工作者",
        "先进生产（工作）者",
    ],
)
def test_p2_titles(title):
    verdict = classify(
        facts("农业部", YearMonth(1990, 4), title=title, ministry_confirmed_by_mop=TriState.YES)
    )
    assert_verdict(verdict, ELIGIBLE, Category.P2)


def test_p2_other_titles_are_out():
    verdict = classify(
        facts(
            "全国总工会",
            YearMonth(1990, 4),
            title="五一劳动奖章",
            ministry_confirmed_by_mop=TriState.YES,
        )
    )
    assert_verdict(verdict, OUT, None)


@pytest.mark.parametrize("when", [YearMonth(1995, 1), YearMonth(1995, 1, 1), YearMonth(2009, 9)])
def test_ministry_since_1995_needs_hrss_approval_and_treatment(when):
    for treatment in (T.MINISTERIAL_MODEL, T.MINISTERIAL_AWARD):
        ok = facts(MINISTRY, when, hrss_approved=TriState.YES, treatment=treatment)
        assert_verdict(classify(ok), ELIGIBLE, Category.P3)
    # the P2 confirmation alone is not enough after 1994
    p2_style = facts(MINISTRY, when, ministry_confirmed_by_mop=TriState.YES)
    assert classify(p2_style).outcome is not ELIGIBLE


def test_ministry_boundary_1994_vs_1995():
    p2 = dict(ministry_confirmed_by_mop=TriState.YES)
    p3 = dict(hrss_approved=TriState.YES, treatment=T.MINISTERIAL_MODEL)
    assert classify(facts(MINISTRY, YearMonth(1994, 12, 31), **p2)).category is Category.P2
    assert classify(facts(MINISTRY, YearMonth(1994, 12, 31), **p3)).outcome is not ELIGIBLE
    assert classify(facts(MINISTRY, YearMonth(1995, 1, 1), **p3)).category is Category.P3
    assert classify(facts(MINISTRY, YearMonth(1995, 1, 1), **p2)).outcome is not ELIGIBLE


@pytest.mark.parametrize(
    "honour", [MilitaryHonour.FIRST_CLASS_MERIT, MilitaryHonour.HONORARY_TITLE]
)
def test_military(honour):
    veteran = facts(ARMY, YearMonth(1985, 8), military_honour=honour, veteran=True)
    assert_verdict(classify(veteran), ELIGIBLE, Category.P4)
    serving = veteran.model_copy(update={"veteran": False})
    assert_verdict(classify(serving), OUT, None)
    not_asked = veteran.model_copy(update={"veteran": None})
    assert_verdict(classify(not_asked), UNCERTAIN, Category.P4)


# --- out of scope ----------------------------------------------------------


@pytest.mark.parametrize(
    "award",
    [
        facts("长春市人民政府", YearMonth(2010, 1), treatment=T.PROVINCIAL_MODEL),
        facts("延边朝鲜族自治州人民政府", YearMonth(2010, 1)),
        facts("辽宁省人民政府", YearMonth(2010, 1), treatment=T.PROVINCIAL_MODEL),
        facts(CENTRAL, YearMonth(2015, 1), treatment=T.NONE),
        facts(PROVINCE, YearMonth(2015, 1), treatment=T.NONE),
        facts(MINISTRY, YearMonth(2005, 1), hrss_approved=TriState.YES, treatment=T.NONE),
        facts(
            MINISTRY, YearMonth(2005, 1), hrss_approved=TriState.NO, treatment=T.MINISTERIAL_MODEL
        ),
        facts(CENTRAL, YearMonth(2015, 1), treatment=T.NATIONAL_MODEL, honour_kept=False),
        facts(CENTRAL, YearMonth(2015, 1), treatment=T.NATIONAL_MODEL, veteran=False),
        facts(ARMY, YearMonth(1980, 1), military_honour=MilitaryHonour.OTHER, veteran=True),
    ],
)
def test_out_of_scope(award):
    assert_verdict(classify(award), OUT, None)


def test_out_of_scope_reasons_are_plain():
    local = classify(facts("长春市人民政府", YearMonth(2010, 1)))
    assert "市" in local.reason and "省部级以上" in local.reason
    none = classify(facts(CENTRAL, YearMonth(2015, 1), treatment=T.NONE))
    assert none.reason == t("why.no_treatment")


# --- uncertain ------------------------------------------------------------


@pytest.mark.parametrize(
    ("award", "category"),
    [
        (facts(CENTRAL, YearMonth(2015, 1), treatment=T.UNSURE), Category.N1),
        (facts(CENTRAL, YearMonth(2015, 1)), Category.N1),
        (facts(CENTRAL, None, treatment=T.NATIONAL_AWARD), Category.N2),
        (facts(CENTRAL, YearMonth(2015, 1), treatment=T.MINISTERIAL_MODEL), None),
        (facts(PROVINCE, None, treatment=T.UNSURE), Category.P1),
        (facts(MINISTRY, None, hrss_approved=TriState.YES), None),
        (facts(MINISTRY, Y2005, hrss_approved=UNSURE, treatment=T.MINISTERIAL_AWARD), Category.P3),
        (facts(MINISTRY, Y2005, hrss_approved=TriState.YES, treatment=T.UNSURE), Category.P3),
        (facts(ARMY, None, veteran=True), Category.P4),
        (facts("吉林省总工会", YearMonth(2012, 4), treatment=T.PROVINCIAL_MODEL), Category.P1),
        (facts("不知道", YearMonth(2012, 4)), None),
        (facts(CENTRAL, Y2015, treatment=T.NATIONAL_MODEL, hrss_approved=UNSURE), Category.N1),
    ],
)
def test_uncertain(award, category):
    assert_verdict(classify(award), UNCERTAIN, category)


# --- never wider (property) ------------------------------------------------

NOT_IN_SCOPE_BODIES = [
    text for text, kind in BODIES if kind in (B.LOCAL, B.OTHER_PROVINCE, B.UNKNOWN)
]
dates = st.one_of(st.none(), st.builds(YearMonth, st.integers(1949, 2024), st.integers(1, 12)))
answers = {
    "treatment": st.one_of(st.none(), st.sampled_from(Treatment)),
    "ministry_confirmed_by_mop": st.one_of(st.none(), st.sampled_from(TriState)),
    "hrss_approved": st.one_of(st.none(), st.sampled_from(TriState)),
    "military_honour": st.one_of(st.none(), st.sampled_from(MilitaryHonour)),
    "veteran": st.one_of(st.none(), st.booleans()),
    "honour_kept": st.booleans(),
    "title": st.sampled_from(["劳动模范", "先进工作者", "五一劳动奖章", "三八红旗手"]),
}
all_bodies = st.sampled_from([text for text, _ in BODIES])


@given(st.sampled_from(NOT_IN_SCOPE_BODIES), dates, st.fixed_dictionaries(answers))
def test_property_never_eligible_for_local_other_or_unknown_bodies(body, when, extra):
    assert classify(facts(body, when, **extra)).outcome is not ELIGIBLE


@given(all_bodies, dates, st.fixed_dictionaries(answers), st.sampled_from(["t", "m", "h"]))
def test_property_never_eligible_with_an_unsure_answer(body, when, extra, which):
    field = {"t": "treatment", "m": "ministry_confirmed_by_mop", "h": "hrss_approved"}[which]
    extra[field] = Treatment.UNSURE if field == "treatment" else TriState.UNSURE
    assert classify(facts(body, when, **extra)).outcome is not ELIGIBLE


@given(all_bodies, dates, st.fixed_dictionaries(answers))
def test_property_eligible_always_has_a_category_and_kept_honour(body, when, extra):
    verdict = classify(facts(body, when, **extra))
    if verdict.outcome is ELIGIBLE:
        assert verdict.category is not None
        assert extra["honour_kept"] and extra["veteran"] is not False
    if verdict.outcome is Outcome.OUT_OF_SCOPE:
        assert verdict.category is None


# --- what the dialog asks ---------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "when", "expected"),
    [
        (B.CENTRAL, YearMonth(2015, 1), ["treatment"]),
        (B.PROVINCIAL, YearMonth(2015, 1), ["treatment"]),
        (B.MINISTRY, YearMonth(1994, 12), ["ministry_confirmed_by_mop"]),
        (B.MINISTRY, YearMonth(1995, 1), ["hrss_approved", "treatment"]),
        (B.MINISTRY, None, ["ministry_confirmed_by_mop", "hrss_approved", "treatment"]),
        (B.MILITARY, YearMonth(1985, 1), ["military_honour", "veteran"]),
        (B.LOCAL, YearMonth(2015, 1), []),
        (B.OTHER_PROVINCE, YearMonth(2015, 1), []),
        (B.UNKNOWN, YearMonth(2015, 1), ["treatment"]),
    ],
)
def test_questions_needed(kind, when, expected):
    assert questions_needed(kind, when) == expected


def test_treatment_options():
    assert treatment_options(B.CENTRAL, YearMonth(2017, 12))[0] is T.NATIONAL_MODEL
    assert treatment_options(B.CENTRAL, YearMonth(2018, 1))[0] is T.NATIONAL_AWARD
    assert treatment_options(B.PROVINCIAL, YearMonth(2018, 1))[:2] == [
        T.PROVINCIAL_MODEL,
        T.PROVINCIAL_AWARD,
    ]
    assert treatment_options(B.MINISTRY, YearMonth(2001, 1))[:2] == [
        T.MINISTERIAL_MODEL,
        T.MINISTERIAL_AWARD,
    ]
    for kind in BodyKind:
        options = treatment_options(kind, YearMonth(2010, 1))
        assert options[-2:] == [T.NONE, T.UNSURE]
        assert len(options) == len(set(options))


def test_facts_are_json_safe():
    award = facts(CENTRAL, YearMonth(2015, 4), treatment=T.NATIONAL_MODEL, veteran=None)
    data = award.model_dump(mode="json")
    assert data["treatment"] == "national_model"  # the stored code, not the button's words
    assert data["award_date"] == {"year": 2015, "month": 4, "day": None}
    assert AwardFacts.model_validate_json(award.model_dump_json()) == award


def test_rule_texts_are_short_sentences():
    rule_texts = [v for k, v in ZH_CN.items() if k.startswith(("rule.", "why."))]
    assert rule_texts and all(0 < len(text) <= 70 for text in rule_texts)
    assert {c.level for c in Category} == {"国家级", "省部级"}
