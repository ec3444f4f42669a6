"""The six registration categories of 吉人社联〔2021〕189号 section 一, and never wider.

The dialog collects facts about one award; `classify` decides ELIGIBLE only when every
condition of one category holds. Anything doubtful goes to a reviewer as 待核实.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from dialogs.texts import t
from dialogs.validators import YearMonth

N_CUTOFF = date(2018, 1, 1)  # 2017-12-31 → N1, 2018-01-01 → N2
P_CUTOFF = date(1995, 1, 1)  # 1994-12-31 → P2, 1995-01-01 → P3


class BodyKind(StrEnum):
    CENTRAL = "central"
    PROVINCIAL = "provincial"
    MINISTRY = "ministry"
    MILITARY = "military"
    LOCAL = "local"
    OTHER_PROVINCE = "other_province"
    UNKNOWN = "unknown"


class Treatment(StrEnum):
    NATIONAL_MODEL = "national_model"
    NATIONAL_AWARD = "national_award"
    PROVINCIAL_MODEL = "provincial_model"
    PROVINCIAL_AWARD = "provincial_award"
    MINISTERIAL_MODEL = "ministerial_model"
    MINISTERIAL_AWARD = "ministerial_award"
    NONE = "none"
    UNSURE = "unsure"


class TriState(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class MilitaryHonour(StrEnum):
    FIRST_CLASS_MERIT = "first_class_merit"
    HONORARY_TITLE = "honorary_title"
    OTHER = "other"


class Outcome(StrEnum):
    ELIGIBLE = "eligible"
    UNCERTAIN = "uncertain"  # 待核实
    OUT_OF_SCOPE = "out_of_scope"


class Category(StrEnum):
    N1 = "N1"
    N2 = "N2"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def level(self) -> str:
        return "国家级" if self.value.startswith("N") else "省部级"


LEVEL_KEYS = {"国家级": "level.national", "省部级": "level.ministerial"}


def plain_level(level: str) -> str:
    """A stored level (always Chinese, as the 汇总表 has it) in the reader's language."""
    return t(LEVEL_KEYS[level]) if level in LEVEL_KEYS else level


class AwardFacts(BaseModel):
    """What the dialog has learned about one award; unanswered questions stay None."""

    model_config = ConfigDict(frozen=True)

    title: str
    awarding_body: str
    award_date: YearMonth | None = None
    treatment: Treatment | None = None
    ministry_confirmed_by_mop: TriState | None = None  # P2: 原国家人事部发文确认
    hrss_approved: TriState | None = None  # P3: 经人社部（原人事部）批准
    military_honour: MilitaryHonour | None = None
    veteran: bool | None = None
    honour_kept: bool = True


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    category: Category | None
    rule: str
    reason: str


# --- who gave the award --------------------------------------------------

_HAN = r"[\u3400-\u9fff]"
_OTHER_PROVINCES = (
    "北京|天津|河北|山西|内蒙古|辽宁|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南"
    "|广东|广西|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|台湾|香港|澳门"
)
_CENTRAL_DEPTS = (
    "组织部|宣传部|统战部|统一战线工作部|对外联络部|政法委员会|政法委|办公厅|直属机关工作委员会"
    "|直属机关工委|纪律检查委员会|纪委|党校|台湾工作办公室|台办|外事工作委员会|国家安全委员会"
)
_JILIN_DEPTS = _CENTRAL_DEPTS + "|老干部局|农村工作领导小组|机构编制委员会|编办"

# (kind, pattern) in the order they are tried; each match removes its text so that
# "中共中央组织部" is not also read as "中共中央". UNKNOWN marks a body we recognise
# but must not decide on: a provincial department is not 省委/省政府.
_BODY_PATTERNS: tuple[tuple[BodyKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            BodyKind.MILITARY,
            rf"中央(?:军委|军事委员会)(?:授权{_HAN}*|机关{_HAN}*|{_HAN}{{1,10}}?(?:部|办公厅|委员会|局))"
            rf"|{_HAN}*(?:军区|战区|集团军|军分区|警备区|舰队|火箭军|第二炮兵|解放军|武警|武装警察"
            rf"|部队|总政治部|总参谋部|总后勤部|总装备部|陆军|海军|空军){_HAN}*",
        ),
        (
            BodyKind.OTHER_PROVINCE,
            rf"(?:中共)?(?:{_OTHER_PROVINCES})(?:省|市|{_HAN}{{0,6}}?自治区|特别行政区){_HAN}*",
        ),
        (
            BodyKind.MINISTRY,
            rf"中共中央(?:{_CENTRAL_DEPTS})|中央(?:{_CENTRAL_DEPTS})"
            r"|(?:中国)?共产主义青年团中央|共青团中央|团中央"
            rf"|国务院(?:办公厅|国资委|{_HAN}{{1,12}}?(?:办公室|办|委员会|领导小组|局|中心|研究室))",
        ),
        (
            BodyKind.CENTRAL,
            r"党中央|中共中央|中国共产党中央委员会|国务院|中央军委|中央军事委员会",
        ),
        (
            BodyKind.UNKNOWN,
            rf"(?:中共)?吉林省委(?:{_JILIN_DEPTS})"
            rf"|吉林省(?:人民)?政府(?:办公厅|{_HAN}{{0,10}}?(?:办公室|委员会|领导小组|局|厅))"
            rf"|吉林省(?!委|人民政府|政府)[^市州县区乡镇旗\s]*?"
            r"(?:厅|局|委员会|委|办公室|办|工会|联合会|妇联|协会|会|院)",
        ),
        # a bare 省委/省政府 is Jilin's: other provinces were taken out above
        (BodyKind.PROVINCIAL, r"(?:中共|中国共产党)?(?:吉林)?省(?:委员会|委|人民政府|政府)"),
        (
            BodyKind.LOCAL,
            rf"[^省\s]{{1,12}}?(?:市(?!场)|州|县|区|(?<!城)乡|镇|(?<!红)旗|公社){_HAN}*",
        ),
        (
            BodyKind.MINISTRY,
            r"全总|人社部|人事部|劳动部|最高人民法院|最高人民检察院|海关总署"
            rf"|(?:国家|中国|中华|全国|中央){_HAN}{{2,}}"
            rf"|{_HAN}+?(?:部|委员会|总局|总署|总会|联合会|妇联|协会|总公司|总社|科学院)",
        ),
    )
)
_SEPARATORS = re.compile(r"[\s、，,；;/|]+")
_FILLER = re.compile(r"联合|表彰|授予|颁发|命名|批准|发文|文件")


def _mentions(text: str) -> list[BodyKind]:
    """Every body named in `text`, read piece by piece in pattern order."""
    found: list[BodyKind] = []
    for piece in _SEPARATORS.split(_FILLER.sub(" ", text)):
        rest = piece
        for kind, pattern in _BODY_PATTERNS:
            rest, count = pattern.subn(" ", rest)
            found += [kind] * count
    return found


@lru_cache(maxsize=1024)
def body_kind(text: str) -> BodyKind:
    """Classify the awarding body as typed. Mixed bodies resolve upward only to
    central or provincial Jilin; any other mixture goes to a reviewer."""
    kinds = set(_mentions(unicodedata.normalize("NFKC", text)))
    for top in (BodyKind.CENTRAL, BodyKind.PROVINCIAL):
        if top in kinds:
            return top
    return kinds.pop() if len(kinds) == 1 else BodyKind.UNKNOWN


# --- what to ask ---------------------------------------------------------


def _before(award_date: YearMonth | None, cutoff: date) -> bool | None:
    return None if award_date is None else award_date.as_date() < cutoff


def questions_needed(kind: BodyKind, award_date: YearMonth | None) -> list[str]:
    """Follow-up facts the dialog still needs for this award, in asking order."""
    if kind in (BodyKind.CENTRAL, BodyKind.PROVINCIAL, BodyKind.UNKNOWN):
        return ["treatment"]
    if kind is BodyKind.MILITARY:
        return ["military_honour", "veteran"]
    if kind is BodyKind.MINISTRY:
        before = _before(award_date, P_CUTOFF)
        if before is None:
            return ["ministry_confirmed_by_mop", "hrss_approved", "treatment"]
        return ["ministry_confirmed_by_mop"] if before else ["hrss_approved", "treatment"]
    return []


_NATIONAL = [Treatment.NATIONAL_MODEL, Treatment.NATIONAL_AWARD]
_PROVINCIAL = [Treatment.PROVINCIAL_MODEL, Treatment.PROVINCIAL_AWARD]
_MINISTERIAL = [Treatment.MINISTERIAL_MODEL, Treatment.MINISTERIAL_AWARD]
_ALWAYS = [Treatment.NONE, Treatment.UNSURE]


def treatment_options(kind: BodyKind, award_date: YearMonth | None) -> list[Treatment]:
    """Treatment buttons, the one matching the body and era first."""
    if kind is BodyKind.CENTRAL:
        before = _before(award_date, N_CUTOFF)
        return (_NATIONAL[::-1] if before is False else _NATIONAL) + _ALWAYS
    if kind is BodyKind.PROVINCIAL:
        return _PROVINCIAL + _ALWAYS
    if kind is BodyKind.MINISTRY:
        return _MINISTERIAL + _ALWAYS
    if kind is BodyKind.UNKNOWN:
        return _NATIONAL + _PROVINCIAL + _MINISTERIAL + _ALWAYS
    return list(_ALWAYS)


# --- the decision --------------------------------------------------------


def _eligible(category: Category) -> Verdict:
    return Verdict(Outcome.ELIGIBLE, category, t(f"rule.{category}"), t("why.ok"))


def _check(category: Category | None, why: str) -> Verdict:
    rule = t(f"rule.{category}") if category else t("rule.scope")
    return Verdict(Outcome.UNCERTAIN, category, rule, t(why))


def _out(why: str, rule: str = "rule.scope") -> Verdict:
    return Verdict(Outcome.OUT_OF_SCOPE, None, t(rule), t(why))


def _unknown_treatment(treatment: Treatment | None) -> bool:
    return treatment in (None, Treatment.UNSURE)


def _national(facts: AwardFacts) -> Verdict:
    treatment = facts.treatment
    if treatment is Treatment.NONE:
        return _out("why.no_treatment")
    before = _before(facts.award_date, N_CUTOFF)
    if before is None:
        guess = {Treatment.NATIONAL_MODEL: Category.N1, Treatment.NATIONAL_AWARD: Category.N2}
        return _check(guess.get(treatment), "why.check_date")
    if before:
        category, expected = Category.N1, Treatment.NATIONAL_MODEL
    else:
        category, expected = Category.N2, Treatment.NATIONAL_AWARD
    if treatment is expected:
        return _eligible(category)
    if _unknown_treatment(treatment):
        return _check(category, "why.check_treatment")
    if treatment in _NATIONAL:
        return _check(category, "why.check_other_era")
    return _check(None, "why.check_treatment")


def _provincial(facts: AwardFacts) -> Verdict:
    if facts.treatment in _PROVINCIAL:
        return _eligible(Category.P1)
    if facts.treatment is Treatment.NONE:
        return _out("why.no_treatment")
    return _check(Category.P1, "why.check_treatment")


_P2_TITLES = ("劳动英雄", "劳动模范", "劳模", "先进生产者", "先进工作者", "先进生产工作者")
_TITLE_JUNK = re.compile(r"[\s()（）]")


def _p2_title(title: str) -> bool:
    """劳动英雄 / 劳动模范 / 先进生产（工作）者, however the brackets were typed."""
    plain = _TITLE_JUNK.sub("", unicodedata.normalize("NFKC", title))
    return any(word in plain for word in _P2_TITLES)


def _ministry_before_1995(facts: AwardFacts) -> Verdict:
    if not _p2_title(facts.title):
        return _out("why.ministry_title", "rule.P2")
    confirmed = facts.ministry_confirmed_by_mop
    if confirmed is TriState.YES:
        return _eligible(Category.P2)
    if confirmed is TriState.NO:
        return _out("why.mop_no", "rule.P2")
    return _check(Category.P2, "why.check_mop")


def _ministry_since_1995(facts: AwardFacts) -> Verdict:
    if facts.hrss_approved is TriState.NO:
        return _out("why.hrss_no", "rule.P3")
    if facts.treatment is Treatment.NONE:
        return _out("why.no_treatment", "rule.P3")
    if facts.hrss_approved is not TriState.YES:
        return _check(Category.P3, "why.check_hrss")
    if facts.treatment in _MINISTERIAL:
        return _eligible(Category.P3)
    return _check(Category.P3, "why.check_treatment")


def _ministry(facts: AwardFacts) -> Verdict:
    before = _before(facts.award_date, P_CUTOFF)
    if before is None:
        return _check(None, "why.check_date")
    return _ministry_before_1995(facts) if before else _ministry_since_1995(facts)


def _military(facts: AwardFacts) -> Verdict:
    honour = facts.military_honour
    if honour is MilitaryHonour.OTHER:
        return _out("why.military_other", "rule.P4")
    if honour is None:
        return _check(Category.P4, "why.check_military")
    if facts.veteran is None:
        return _check(Category.P4, "why.check_veteran")
    return _eligible(Category.P4)


def _guess(facts: AwardFacts) -> Category | None:
    """Plausible category for an unclear body, for the reviewer's convenience."""
    if facts.military_honour in (MilitaryHonour.FIRST_CLASS_MERIT, MilitaryHonour.HONORARY_TITLE):
        return Category.P4
    if facts.treatment in _PROVINCIAL:
        return Category.P1
    if facts.treatment in _MINISTERIAL:
        return Category.P3
    if facts.treatment in _NATIONAL:
        before = _before(facts.award_date, N_CUTOFF)
        return None if before is None else (Category.N1 if before else Category.N2)
    return None


def _by_body(facts: AwardFacts) -> Verdict:
    kind = body_kind(facts.awarding_body)
    if kind is BodyKind.LOCAL:
        return _out("why.local")
    if kind is BodyKind.OTHER_PROVINCE:
        return _out("why.other_province")
    if kind is BodyKind.UNKNOWN:
        return _check(_guess(facts), "why.check_body")
    handler = {
        BodyKind.CENTRAL: _national,
        BodyKind.PROVINCIAL: _provincial,
        BodyKind.MINISTRY: _ministry,
        BodyKind.MILITARY: _military,
    }[kind]
    return handler(facts)


def _has_unsure(facts: AwardFacts) -> bool:
    answers = (facts.treatment, facts.ministry_confirmed_by_mop, facts.hrss_approved)
    return any(answer in (Treatment.UNSURE, TriState.UNSURE) for answer in answers)


def classify(facts: AwardFacts) -> Verdict:
    """Decide the category of one award; ELIGIBLE only when one category fully holds."""
    if not facts.honour_kept:
        return _out("why.revoked", "rule.alive_kept")
    if facts.veteran is False:
        return _out("why.serving", "rule.alive_kept")
    verdict = _by_body(facts)
    if verdict.outcome is Outcome.ELIGIBLE and _has_unsure(facts):
        return _check(verdict.category, "why.check_unsure")
    return verdict
