"""Drafts saved before options had codes stored the button's words. These tables are those
words as they were then, frozen here on purpose: the catalogue may be reworded since, and an
old draft must still upgrade to the same codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_TRISTATE = {"是": "yes", "否": "no", "不清楚": "unsure"}

# field key -> {label stored before codes: code}
PERSON_LABELS: dict[str, dict[str, str]] = {
    "consent": {"同意": "agree", "不同意": "decline"},
    "filled_by": {
        "本人填写": "self", "家属或他人代为填写": "proxy", "村（社区）工作人员代填": "staff",
    },
    "alive": {"健在": "alive", "已去世": "deceased"},
    "serving": {"不是现役军人": "civilian", "是现役军人": "serving"},
    "person_category": {
        "农民": "farmer",
        "无固定单位或稳定工作人员": "no_fixed_unit",
        "无主管部门的非公有制企业或社会组织人员": "non_public",
        "在机关、事业单位、国企或有主管部门的单位工作（含离退休）": "employer",
    },
    "gender": {"男": "male", "女": "female"},
    "political_status": {
        "中共党员": "cpc_member", "中共预备党员": "cpc_probationary", "共青团员": "cyl_member",
        "民主党派": "democratic_party", "无党派人士": "non_party", "群众": "masses",
    },
    "education": {
        "研究生": "postgraduate", "大学本科": "bachelor", "大学专科": "college",
        "中等专科": "secondary_vocational", "高中": "high_school", "初中": "junior_high",
        "小学及以下": "primary",
    },
    "personnel_file": {"有": "yes", "无": "no", "不清楚": "unsure"},
    "hardship": {"是": "yes", "否": "no"},
}  # fmt: skip
TREATMENT_LABELS: dict[str, str] = {
    "全国劳动模范（先进工作者）待遇": "national_model",
    "国家级表彰奖励获得者待遇": "national_award",
    "省级劳动模范（先进工作者）待遇": "provincial_model",
    "省级表彰奖励获得者待遇": "provincial_award",
    "省部级劳动模范（先进工作者）待遇": "ministerial_model",
    "省部级表彰奖励获得者待遇": "ministerial_award",
    "文件没有写明待遇": "none",
    "不清楚": "unsure",
}
AWARD_LABELS: dict[str, dict[str, str]] = {
    "military_honour": {
        "服役期间立一等功": "first_class_merit",
        "中央军委授权大单位或中央军委机关部门授予荣誉称号": "honorary_title",
        "其他（如二等功、三等功）": "other",
    },
    "veteran": {"已经退役": "discharged", "还在服役": "serving"},
    "ministry_confirmed_by_mop": _TRISTATE,
    "hrss_approved": _TRISTATE,
    "treatment": TREATMENT_LABELS,
    "honour_kept": {"是，荣誉保持着": "kept", "已被撤销": "revoked"},
}


def inverted(table: Mapping[str, str]) -> dict[str, str]:
    return {code: label for label, code in table.items()}


def recode(value: Any, table: Mapping[str, str]) -> Any:
    """`value` through `table` when it is one of its keys, else unchanged."""
    return table.get(value, value) if isinstance(value, str) else value


def _invert(tables: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    return {key: inverted(table) for key, table in tables.items()}


def _convert(answers: Any, tables: Mapping[str, Mapping[str, str]]) -> Any:
    if not isinstance(answers, dict):
        return answers
    return {k: recode(v, tables[k]) if k in tables else v for k, v in answers.items()}


def _map_state(state: Any, person: Mapping, award: Mapping) -> Any:
    if not isinstance(state, dict):
        return state
    out = dict(state)
    if "person" in out:
        out["person"] = _convert(out["person"], person)
    if isinstance(out.get("awards"), list):
        out["awards"] = [_convert(a, award) for a in out["awards"]]
    return out


def upgrade_answers(state: Any) -> Any:
    """A stored draft state with every option answer as its code. Codes and anything that is
    not an old label (typed text, numbers, photos) stay as they are, so it can run twice."""
    return _map_state(state, PERSON_LABELS, AWARD_LABELS)


def downgrade_answers(state: Any) -> Any:
    """The inverse of `upgrade_answers`: codes back to the words the older release stored."""
    return _map_state(state, _invert(PERSON_LABELS), _invert(AWARD_LABELS))
