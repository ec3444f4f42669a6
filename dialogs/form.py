"""The registration form (登记表) as data: one list drives questions, validation, the summary
card, the printed form and the export columns (spec: shared/spec/registration-form.md §2–§3).

Adding a field means adding one `Field` here and its texts in texts.py (`field.<key>`,
`q.<key>`, and `opt.<group>.<code>` for each option). Stored answers hold option codes, so
rewording any text in the catalogue changes neither the data nor a decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dialogs import award_rules
from dialogs.eligibility import MilitaryHonour, Treatment, TriState
from dialogs.texts import known, t

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Option:
    """One button of a choice: `code` is what is stored and matched, the texts are catalogue's."""

    group: str  # the catalogue namespace, shared by fields with the same choices
    code: str

    @property
    def label(self) -> str:
        return t(f"opt.{self.group}.{self.code}")

    @property
    def printed(self) -> str:
        """How the option reads on paper: its own print text, or the button's."""
        key = f"print.{self.group}.{self.code}"
        return t(key) if known(key) else self.label

    @property
    def detail(self) -> str | None:
        """What a short button means in full, said in the question (None: the label says it)."""
        key = f"detail.{self.group}.{self.code}"
        return t(key) if known(key) else None


def options(group: str, *codes: str) -> tuple[Option, ...]:
    return tuple(Option(group, code) for code in codes)


def in_scope(award: Answers) -> bool:
    """Is this award registered (eligible, or uncertain for a reviewer to check)?"""
    return award.get("outcome") in ("eligible", "uncertain")


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
    section: Section
    kind: Kind
    options: tuple[Option, ...] = ()  # CHOICE buttons; for text kinds, coded shortcuts
    quick: tuple[str, ...] = ()  # text kinds: sample answers a press types in (content, not codes)
    optional: bool = False  # offers a 跳过 button; skipped answers are stored as None
    sensitive: bool = False  # encrypted at rest, masked in lists
    printed: bool = True  # appears on the printed form and the summary card
    when: Callable[[Answers, Answers], bool] | None = None  # (person, award) -> ask at all?
    evidence_kind: str | None = None  # PHOTOS: the kind stored for each photo
    options_for: Callable[[Answers, Answers], tuple[Option, ...]] | None = None  # dynamic buttons
    photo_first: str | None = None  # a photo here counts for this PHOTOS field and is read by OCR
    asked: bool = True  # False: not asked on the way, offered on the summary card (optional extras)

    @property
    def label(self) -> str:
        return t(f"field.{self.key}")

    @property
    def plain_label(self) -> str:
        """How the summary card and the edit menu name the field for the person filling in."""
        key = f"card.{self.key}"
        return t(key) if known(key) else self.label

    @property
    def column(self) -> str:
        """The 汇总表 header: the table's own name for the field, or its label."""
        key = f"column.{self.key}"
        return t(key) if known(key) else self.label

    def applies(self, person: Answers, award: Answers | None = None) -> bool:
        return self.when is None or self.when(person, award or {})

    def awaits(self, person: Answers, award: Answers | None = None) -> bool:
        """Is the field asked on the way through the form (not only offered on the summary)?"""
        return self.asked and self.applies(person, award)

    def option(self, code: Any) -> Option | None:
        """The fixed option stored as `code` (None for free text and dynamic choices)."""
        return next((o for o in self.options if o.code == code), None)


CONSENT_YES = "agree"
FILLED_BY_SELF, FILLED_BY_PROXY, FILLED_BY_STAFF = "self", "proxy", "staff"
EMPLOYER_CATEGORY = "employer"
SERVING_CATEGORY = "serving"  # a serving soldier is not registered (不含现役军人)
NON_PUBLIC_CATEGORY = "non_public"
SAME_AS_HUKOU = "same_as_hukou"
BIRTH_WRONG = "wrong"
TRISTATE = options("tristate", *map(str, TriState))
MORE_AWARDS_KEY = "more_awards"  # the step after each award: a question, not a form field
MORE_AWARDS = options(MORE_AWARDS_KEY, "more", "done")
ETHNIC_QUICK = ("汉族", "朝鲜族", "满族", "蒙古族", "回族")
ETHNIC_GROUPS = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
    "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip
TITLE_QUICK = ("全国劳动模范", "全国先进工作者", "吉林省劳动模范", "吉林省先进工作者")
BODY_QUICK = (
    "中共中央 国务院",
    "国务院",
    "中央军委",
    "中共吉林省委 吉林省人民政府",
    "吉林省人民政府",
)


def quick_label(text: str) -> str:
    """The button for a sample answer: the catalogue's short form, or the answer itself."""
    key = f"quick.{text}"
    return t(key) if known(key) else text


def _is_proxy(person: Answers, _award: Answers) -> bool:
    return person.get("filled_by") == FILLED_BY_PROXY


def _not_self(person: Answers, _award: Answers) -> bool:
    """Someone filling in for themselves is alive: ask only a relative or a clerk."""
    return person.get("filled_by") != FILLED_BY_SELF


def _needs_work_unit(person: Answers, _award: Answers) -> bool:
    return person.get("person_category") == NON_PUBLIC_CATEGORY


def _has_hardship(person: Answers, _award: Answers) -> bool:
    return person.get("hardship") == "yes"


def _needs_evidence(kind: str) -> Callable[[Answers, Answers], bool]:
    """Extra evidence only some categories need (P2: 人事部 confirmation, P4: 退役证)."""

    def check(_person: Answers, award: Answers) -> bool:
        return in_scope(award) and award.get("category") == kind

    return check


def _fact_needed(fact: str) -> Callable[[Answers, Answers], bool]:
    """A follow-up fact is asked only when the eligibility rules need it for this body and date."""

    def check(_person: Answers, award: Answers) -> bool:
        return fact in award_rules.facts_needed(award)

    return check


def _treatment_options(_person: Answers, award: Answers) -> tuple[Option, ...]:
    return options("treatment", *award_rules.treatment_choices(award))


def _award_in_scope(_person: Answers, award: Answers) -> bool:
    return in_scope(award)


# Screening: asked before anything personal (privacy consent first, then who may register here).
SCREEN_FIELDS: tuple[Field, ...] = (
    Field("consent", Section.SCREEN, Kind.CHOICE, options("consent", CONSENT_YES, "decline")),
    Field("filled_by", Section.OTHER, Kind.CHOICE,
          options("filled_by", FILLED_BY_SELF, FILLED_BY_PROXY, FILLED_BY_STAFF)),
    Field("alive", Section.SCREEN, Kind.CHOICE, options("alive", "alive", "deceased"),
          printed=False, when=_not_self),
    Field("person_category", Section.BASIC, Kind.CHOICE,
          options("person_category", "farmer", "no_fixed_unit", NON_PUBLIC_CATEGORY,
                  EMPLOYER_CATEGORY, SERVING_CATEGORY)),
)

# One block per award; facts that only some bodies need are asked by the eligibility rules.
AWARD_FIELDS: tuple[Field, ...] = (
    Field("title", Section.AWARD, Kind.TEXT, quick=TITLE_QUICK, photo_first="certificate_photos"),
    Field("awarding_body", Section.AWARD, Kind.BODY, quick=BODY_QUICK),
    Field("award_date", Section.AWARD, Kind.YEAR_MONTH),
    Field(
        "military_honour", Section.AWARD, Kind.CHOICE,
        options("military_honour", *map(str, MilitaryHonour)), printed=False,
        when=_fact_needed("military_honour"),
    ),
    Field(
        "veteran", Section.AWARD, Kind.CHOICE, options("veteran", *award_rules.VETERAN),
        printed=False, when=_fact_needed("veteran"),
    ),
    Field(
        "ministry_confirmed_by_mop", Section.AWARD, Kind.CHOICE, TRISTATE,
        printed=False, when=_fact_needed("ministry_confirmed_by_mop"),
    ),
    Field(
        "hrss_approved", Section.AWARD, Kind.CHOICE, TRISTATE,
        printed=False, when=_fact_needed("hrss_approved"),
    ),
    Field(
        "treatment", Section.AWARD, Kind.CHOICE, options("treatment", *map(str, Treatment)),
        when=_fact_needed("treatment"), options_for=_treatment_options,
    ),
    Field("honour_kept", Section.AWARD, Kind.CHOICE,
          options("honour_kept", *award_rules.HONOUR_KEPT)),
    Field(
        "document_number", Section.AWARD, Kind.DOCUMENT_NUMBER,
        optional=True, when=_award_in_scope,
    ),
    Field("document_title", Section.AWARD, Kind.TEXT, optional=True, when=_award_in_scope,
          asked=False),
    Field(
        "certificate_photos", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_award_in_scope, evidence_kind="certificate",
    ),
    Field(
        "document_photos", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_award_in_scope, evidence_kind="award_document",
    ),
    Field(
        "mop_photos", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_needs_evidence("P2"), evidence_kind="mop_confirmation",
    ),
    Field(
        "discharge_photos", Section.AWARD, Kind.PHOTOS, optional=True,
        when=_needs_evidence("P4"), evidence_kind="discharge_certificate",
    ),
)  # fmt: skip

PERSON_FIELDS: tuple[Field, ...] = (
    Field("name", Section.BASIC, Kind.NAME),
    Field("gender", Section.BASIC, Kind.CHOICE, options("gender", "male", "female")),
    Field("id_number", Section.BASIC, Kind.ID_NUMBER, sensitive=True),
    Field("birth_date", Section.BASIC, Kind.CONFIRM, options("birth_date", "right", BIRTH_WRONG)),
    Field("ethnicity", Section.BASIC, Kind.TEXT, quick=ETHNIC_QUICK),
    Field("political_status", Section.BASIC, Kind.CHOICE,
          options("political_status", "cpc_member", "cpc_probationary", "cyl_member",
                  "democratic_party", "non_party", "masses")),
    Field("education", Section.BASIC, Kind.CHOICE,
          options("education", "postgraduate", "bachelor", "college", "secondary_vocational",
                  "high_school", "junior_high", "primary")),
    Field("work_unit", Section.BASIC, Kind.TEXT, when=_needs_work_unit),
    Field("hukou_code", Section.BASIC, Kind.DIVISION),
    Field("hukou_address", Section.BASIC, Kind.TEXT),
    Field("residence", Section.BASIC, Kind.TEXT, options("residence", SAME_AS_HUKOU)),
    Field("phone", Section.BASIC, Kind.PHONE, sensitive=True),
    Field(
        "portrait_photos", Section.BASIC, Kind.PHOTOS, optional=True, evidence_kind="portrait",
        asked=False,
    ),
    Field("personnel_file", Section.OTHER, Kind.CHOICE,
          options("personnel_file", "yes", "no", "unsure")),
    Field("hardship", Section.OTHER, Kind.CHOICE, options("yes_no", "yes", "no")),
    Field("hardship_note", Section.OTHER, Kind.TEXT, when=_has_hardship),
    Field("remarks", Section.OTHER, Kind.TEXT, optional=True, asked=False),
    Field("proxy_name", Section.OTHER, Kind.NAME, when=_is_proxy),
    Field("proxy_relation", Section.OTHER, Kind.TEXT, quick=("子女", "配偶", "其他亲属"),
          when=_is_proxy),
    Field("proxy_phone", Section.OTHER, Kind.PHONE, sensitive=True, when=_is_proxy),
)  # fmt: skip

FIELDS: dict[str, Field] = {f.key: f for f in (*SCREEN_FIELDS, *AWARD_FIELDS, *PERSON_FIELDS)}
SENSITIVE_KEYS: frozenset[str] = frozenset(f.key for f in FIELDS.values() if f.sensitive)

# 汇总表 columns (spec §3), in order. A source is a field key ("award:" for an award's), or one
# of the meta sources the export fills from the registration record (prefixed with "@").
SUMMARY_SOURCES: tuple[str, ...] = (
    "@row", "@reg_no", "name", "gender", "ethnicity", "birth_date", "id_number",
    "political_status", "education", "person_category", "hukou_code", "residence", "phone",
    "award:title", "award:awarding_body", "award:award_date", "award:document_number",
    "award:category", "@level", "award:honour_kept", "personnel_file", "hardship",
    "@confirmed_by", "@confirmed_at", "@status", "remarks",
)  # fmt: skip


def column_header(source: str) -> str:
    """A 汇总表 header: the field's column name, or the catalogue's for derived columns."""
    f = FIELDS.get(source.removeprefix("award:"))
    return f.column if f is not None else t(f"column.{source}")


SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = tuple((column_header(s), s) for s in SUMMARY_SOURCES)
