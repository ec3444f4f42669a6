"""The registration form (登记表) as data: one list drives questions, validation, the summary
card, the printed form and the export columns (spec: shared/spec/registration-form.md §2–§3).

Adding a field means adding one `Field` here (and its question text `q.<key>` in texts.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dialogs import award_rules
from dialogs.award_rules import HONOUR_KEPT, VETERAN
from dialogs.eligibility import MilitaryHonour, TriState

Answers = Mapping[str, Any]


class Section(StrEnum):
    SCREEN = "screen"  # eligibility screening, not printed
    AWARD = "B"  # 表彰奖励情况, one block per award
    BASIC = "A"  # 基本信息
    OTHER = "C"  # 其他


class Kind(StrEnum):
    CHOICE = "choice"  # buttons only
    TEXT = "text"  # free text, optional quick buttons
    NAME = "name"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    YEAR_MONTH = "year_month"
    DOCUMENT_NUMBER = "document_number"
    BODY = "body"  # awarding body: free text with quick buttons, classified by eligibility rules
    DIVISION = "division"  # household registration, browsed or typed
    PHOTOS = "photos"  # one or more photos closed with 完成
    CONFIRM = "confirm"  # a derived value shown for 对/不对


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    section: Section
    kind: Kind
    options: tuple[str, ...] = ()  # CHOICE buttons, or quick answers for text kinds
    optional: bool = False  # offers a 跳过 button; skipped answers are stored as None
    sensitive: bool = False  # encrypted at rest, masked in lists
    printed: bool = True  # appears on the printed form and the summary card
    when: Callable[[Answers, Answers], bool] | None = None  # (person, award) -> ask at all?
    evidence_kind: str | None = None  # PHOTOS: the kind stored for each photo
    options_for: Callable[[Answers, Answers], tuple[str, ...]] | None = None  # dynamic buttons
    photo_first: str | None = None  # a photo here counts for this PHOTOS field and is read by OCR
    printed_options: tuple[str, ...] = ()  # how each option reads on paper, when not as the button

    def applies(self, person: Answers, award: Answers | None = None) -> bool:
        return self.when is None or self.when(person, award or {})


CONSENT_YES = "同意"
FILLED_BY = ("本人填写", "家属或他人代为填写", "村（社区）工作人员代填")
FILLED_BY_PROXY, FILLED_BY_STAFF = FILLED_BY[1], FILLED_BY[2]
ALIVE = ("健在", "已去世")
SERVING = ("不是现役军人", "是现役军人")
PERSON_CATEGORIES = (
    "农民",
    "无固定单位或稳定工作人员",
    "无主管部门的非公有制企业或社会组织人员",
    "在机关、事业单位、国企或有主管部门的单位工作（含离退休）",
)
EMPLOYER_CATEGORY = PERSON_CATEGORIES[3]
NON_PUBLIC_CATEGORY = PERSON_CATEGORIES[2]
YES_NO = ("是", "否")
MORE_AWARDS = ("还有其他表彰", "没有了")
ETHNIC_QUICK = ("汉族", "朝鲜族", "满族", "蒙古族", "回族")
ETHNIC_GROUPS = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
    "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip
POLITICAL_STATUS = (
    "中共党员", "中共预备党员", "共青团员", "民主党派", "无党派人士", "群众",
)  # fmt: skip
EDUCATION = ("研究生", "大学本科", "大学专科", "中等专科", "高中", "初中", "小学及以下")
PERSONNEL_FILE = ("有", "无", "不清楚")
TITLE_QUICK = ("全国劳动模范", "全国先进工作者", "吉林省劳动模范", "吉林省先进工作者")
BODY_QUICK = (
    "中共中央 国务院",
    "国务院",
    "中央军委",
    "中共吉林省委 吉林省人民政府",
    "吉林省人民政府",
)
RESIDENCE_SAME = "和户籍地址相同"


def _is_proxy(person: Answers, _award: Answers) -> bool:
    return person.get("filled_by") == FILLED_BY_PROXY


def _needs_work_unit(person: Answers, _award: Answers) -> bool:
    return person.get("person_category") == NON_PUBLIC_CATEGORY


def _has_hardship(person: Answers, _award: Answers) -> bool:
    return person.get("hardship") == "是"


def _needs_evidence(kind: str) -> Callable[[Answers, Answers], bool]:
    """Extra evidence only some categories need (P2: 人事部 confirmation, P4: 退役证)."""

    def check(_person: Answers, award: Answers) -> bool:
        return award.get("category") == kind

    return check


def _fact_needed(fact: str) -> Callable[[Answers, Answers], bool]:
    """A follow-up fact is asked only when the eligibility rules need it for this body and date."""

    def check(_person: Answers, award: Answers) -> bool:
        return fact in award_rules.facts_needed(award)

    return check


def _treatment_options(_person: Answers, award: Answers) -> tuple[str, ...]:
    return tuple(award_rules.treatment_choices(award))


def _award_in_scope(_person: Answers, award: Answers) -> bool:
    return award.get("outcome") in ("eligible", "uncertain")


def _both(*conds: Callable[[Answers, Answers], bool]) -> Callable[[Answers, Answers], bool]:
    return lambda p, a: all(c(p, a) for c in conds)


# Screening: asked before anything personal (privacy consent first, then who may register here).
SCREEN_FIELDS: tuple[Field, ...] = (
    Field("consent", "个人信息使用同意", Section.SCREEN, Kind.CHOICE, (CONSENT_YES, "不同意")),
    Field("filled_by", "填报人", Section.OTHER, Kind.CHOICE, FILLED_BY,
          printed_options=("本人", "委托他人", "村（社区）工作人员代填")),
    Field("alive", "是否健在", Section.SCREEN, Kind.CHOICE, ALIVE, printed=False),
    Field("serving", "是否现役军人", Section.SCREEN, Kind.CHOICE, SERVING, printed=False),
    Field("person_category", "人员类别", Section.BASIC, Kind.CHOICE, PERSON_CATEGORIES),
)

# One block per award; facts that only some bodies need are asked by the eligibility rules.
AWARD_FIELDS: tuple[Field, ...] = (
    Field("title", "荣誉称号", Section.AWARD, Kind.TEXT, TITLE_QUICK,
          photo_first="certificate_photos"),
    Field("awarding_body", "表彰机关", Section.AWARD, Kind.BODY, BODY_QUICK),
    Field("award_date", "表彰时间", Section.AWARD, Kind.YEAR_MONTH),
    Field(
        "military_honour", "立功或荣誉情况", Section.AWARD, Kind.CHOICE,
        tuple(MilitaryHonour), printed=False, when=_fact_needed("military_honour"),
    ),
    Field(
        "veteran", "是否已退役", Section.AWARD, Kind.CHOICE, VETERAN,
        printed=False, when=_fact_needed("veteran"),
    ),
    Field(
        "ministry_confirmed_by_mop", "原国家人事部是否发文确认", Section.AWARD, Kind.CHOICE,
        tuple(TriState), printed=False, when=_fact_needed("ministry_confirmed_by_mop"),
    ),
    Field(
        "hrss_approved", "是否经人社部（原人事部）批准", Section.AWARD, Kind.CHOICE,
        tuple(TriState), printed=False, when=_fact_needed("hrss_approved"),
    ),
    Field(
        "treatment", "文件明确的待遇", Section.AWARD, Kind.CHOICE,
        when=_fact_needed("treatment"), options_for=_treatment_options,
    ),
    Field("honour_kept", "是否保持荣誉", Section.AWARD, Kind.CHOICE, HONOUR_KEPT,
          printed_options=("是", "否")),
    Field(
        "document_number", "表彰文件文号", Section.AWARD, Kind.DOCUMENT_NUMBER,
        optional=True, when=_award_in_scope,
    ),
    Field(
        "document_title", "表彰文件名称", Section.AWARD, Kind.TEXT,
        optional=True, when=_award_in_scope,
    ),
    Field(
        "certificate_photos", "荣誉证书照片", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_award_in_scope, evidence_kind="certificate",
    ),
    Field(
        "document_photos", "表彰文件照片", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_award_in_scope, evidence_kind="award_document",
    ),
    Field(
        "mop_photos", "人事部确认文件照片", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_both(_award_in_scope, _needs_evidence("P2")), evidence_kind="mop_confirmation",
    ),
    Field(
        "discharge_photos", "退役证照片", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_both(_award_in_scope, _needs_evidence("P4")),
        evidence_kind="discharge_certificate",
    ),
)  # fmt: skip

PERSON_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", Section.BASIC, Kind.NAME),
    Field("gender", "性别", Section.BASIC, Kind.CHOICE, ("男", "女")),
    Field("id_number", "公民身份号码", Section.BASIC, Kind.ID_NUMBER, sensitive=True),
    Field("birth_date", "出生年月", Section.BASIC, Kind.CONFIRM, ("对", "不对")),
    Field("ethnicity", "民族", Section.BASIC, Kind.TEXT, ETHNIC_QUICK),
    Field("political_status", "政治面貌", Section.BASIC, Kind.CHOICE, POLITICAL_STATUS),
    Field("education", "文化程度", Section.BASIC, Kind.CHOICE, EDUCATION),
    Field("work_unit", "工作单位及职务", Section.BASIC, Kind.TEXT, when=_needs_work_unit),
    Field("hukou_code", "户籍所在地", Section.BASIC, Kind.DIVISION),
    Field("hukou_address", "户籍详细地址", Section.BASIC, Kind.TEXT),
    Field("residence", "现居住地址", Section.BASIC, Kind.TEXT, (RESIDENCE_SAME,)),
    Field("phone", "联系电话", Section.BASIC, Kind.PHONE, sensitive=True),
    Field(
        "portrait_photos", "近期免冠照片", Section.BASIC, Kind.PHOTOS, optional=True,
        evidence_kind="portrait",
    ),
    Field("personnel_file", "人事档案记录", Section.OTHER, Kind.CHOICE, PERSONNEL_FILE),
    Field("hardship", "生活是否困难", Section.OTHER, Kind.CHOICE, YES_NO),
    Field("hardship_note", "困难情况", Section.OTHER, Kind.TEXT, when=_has_hardship),
    Field("remarks", "备注", Section.OTHER, Kind.TEXT, optional=True),
    Field("proxy_name", "代填人姓名", Section.OTHER, Kind.NAME, when=_is_proxy),
    Field("proxy_relation", "代填人与本人关系", Section.OTHER, Kind.TEXT,
          ("子女", "配偶", "其他亲属"), when=_is_proxy),
    Field("proxy_phone", "代填人电话", Section.OTHER, Kind.PHONE, sensitive=True, when=_is_proxy),
)  # fmt: skip

FIELDS: dict[str, Field] = {f.key: f for f in (*SCREEN_FIELDS, *AWARD_FIELDS, *PERSON_FIELDS)}
SENSITIVE_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS.values() if f.sensitive)

# 汇总表 columns (spec §3), in order. A source is a field key, or one of the meta sources the
# export fills from the registration record (prefixed with "@").
SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("序号", "@row"),
    ("登记编号", "@reg_no"),
    ("姓名", "name"),
    ("性别", "gender"),
    ("民族", "ethnicity"),
    ("出生年月", "birth_date"),
    ("公民身份号码", "id_number"),
    ("政治面貌", "political_status"),
    ("文化程度", "education"),
    ("人员类别", "person_category"),
    ("户籍所在地（县/乡镇/村）", "hukou_code"),
    ("现居住地址", "residence"),
    ("联系电话", "phone"),
    ("荣誉称号", "award:title"),
    ("表彰机关", "award:awarding_body"),
    ("表彰时间", "award:award_date"),
    ("表彰文件文号", "award:document_number"),
    ("统计类别", "award:category"),
    ("待遇级别", "@level"),
    ("是否保持荣誉", "award:honour_kept"),
    ("人事档案", "personnel_file"),
    ("生活困难", "hardship"),
    ("村（社区）确认人", "@confirmed_by"),
    ("确认时间", "@confirmed_at"),
    ("状态", "@status"),
    ("备注", "remarks"),
)
