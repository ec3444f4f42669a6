"""Two answers that cannot both be right (the ID number against the gender or an award date).

A contradiction is never the same question asked again: the person is told which two answers
disagree and picks the wrong one with a button, so a mistaken tap cannot trap anybody.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs import award_rules
from dialogs.model import Draft
from dialogs.summary import display
from dialogs.texts import t
from dialogs.validators import IdInfo, parse_id_number

MIN_AWARD_AGE = 14  # nobody is a model worker as a child: an earlier award date is a slip


def conflict(text: str, key: str, award: int | None, value: Any, other: str,
             other_award: int | None = None) -> dict[str, Any]:
    """What the draft keeps while the person decides: the answer given (not stored yet) and
    the earlier answer it disagrees with."""
    return {"text": text, "key": key, "award": award, "value": value,
            "other": other, "other_award": other_award}


def _too_early(award_date: str | None, born: date) -> bool:
    when = award_rules.year_month(award_date)
    return when is not None and when.as_date() < date(born.year + MIN_AWARD_AGE, born.month, 1)


def with_id_number(d: Draft, info: IdInfo) -> dict[str, Any] | None:
    """A new ID number against a gender chosen before any ID was given, then the award dates."""
    gender = d.person.get("gender")
    if gender and "id_number" not in d.person and gender != info.gender:
        return conflict("conflict.gender", "id_number", None, info.number, "gender")
    for i, award in enumerate(d.awards):
        if _too_early(award.get("award_date"), info.birth_date):
            return conflict("conflict.award_date", "id_number", None, info.number,
                            "award_date", i)
    return None


def with_gender(d: Draft, gender: str, today: date) -> dict[str, Any] | None:
    number = d.person.get("id_number")
    if number and parse_id_number(number, today).gender != gender:
        return conflict("conflict.gender", "gender", None, gender, "id_number")
    return None


def with_award_date(d: Draft, index: int, value: str, today: date) -> dict[str, Any] | None:
    number = d.person.get("id_number")
    if number and _too_early(value, parse_id_number(number, today).birth_date):
        return conflict("conflict.award_date", "award_date", index, value, "id_number",
                        None)
    return None


def explain(d: Draft, today: date) -> str:
    """The contradiction in words: both answers as the person gave them."""
    c = d.conflict or {}
    number = c["value"] if c["key"] == "id_number" else d.person.get("id_number", "")
    info = parse_id_number(number, today)
    if c["text"] == "conflict.gender":
        gender = c["value"] if c["key"] == "gender" else d.person.get("gender")
        return t("conflict.gender", id_gender=t(f"opt.gender.{info.gender}"),
                 gender=t(f"opt.gender.{gender}"))
    index = c["award"] if c["key"] == "award_date" else c["other_award"]
    when = c["value"] if c["key"] == "award_date" else d.awards[index].get("award_date")
    return t("conflict.award_date", award=display("award_date", when),
             birth=f"{info.birth_date.year}年{info.birth_date.month}月", age=MIN_AWARD_AGE)
