"""Bridge between one award's stored answers (JSON-safe option codes and text) and the
eligibility rules."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from dialogs.eligibility import (
    AwardFacts,
    BodyKind,
    MilitaryHonour,
    Treatment,
    TriState,
    Verdict,
    body_kind,
    classify,
    plain_level,
    questions_needed,
    treatment_options,
)
from dialogs.texts import CHINESE, language, speaking, t
from dialogs.validators import YearMonth

DERIVED = ("category", "level", "outcome", "rule", "reason")  # written by the rules, never asked
HONOUR_KEPT = ("kept", "revoked")
VETERAN = ("discharged", "serving")


def year_month(value: str | None) -> YearMonth | None:
    """Stored dates are 'YYYY-MM' or 'YYYY-MM-DD'."""
    if not value:
        return None
    parts = [int(p) for p in value.split("-")]
    return YearMonth(parts[0], parts[1], parts[2] if len(parts) > 2 else None)


def facts_needed(award: Mapping[str, Any]) -> tuple[str, ...]:
    body = award.get("awarding_body")
    if not body or "award_date" not in award:
        return ()
    return _facts_for(body, award.get("award_date"))


@lru_cache(maxsize=1024)
def _facts_for(body: str, award_date: str | None) -> tuple[str, ...]:
    """Asked for every form field on every step, so kept: the rules are a pure function."""
    return tuple(questions_needed(body_kind(body), year_month(award_date)))


def treatment_choices(award: Mapping[str, Any]) -> list[str]:
    """Codes of the treatment buttons for this body and era, the likeliest first."""
    kind = body_kind(award.get("awarding_body") or "")
    return [t.value for t in treatment_options(kind, year_month(award.get("award_date")))]


def out_by_body(award: Mapping[str, Any]) -> bool:
    """Is the award out of scope by its body alone (city, county, another province)?"""
    body = award.get("awarding_body")
    return bool(body) and body_kind(body) in (BodyKind.LOCAL, BodyKind.OTHER_PROVINCE)


def facts_complete(award: Mapping[str, Any]) -> bool:
    if out_by_body(award):
        return "title" in award
    basics = ("title", "awarding_body", "award_date", "honour_kept")
    return all(k in award for k in basics) and all(k in award for k in facts_needed(award))


def apply_verdict(award: dict[str, Any]) -> Verdict | None:
    """Write the derived category fields into the award (cleared while facts are missing)."""
    for key in DERIVED:
        award.pop(key, None)
    if not facts_complete(award):
        return None
    verdict = decide(award)  # in the reader's language, to be said
    kept = verdict
    if language() != CHINESE:
        with speaking(CHINESE):  # kept for the reviewers and the 汇总表: always Chinese
            kept = decide(award)
    award.update(
        outcome=kept.outcome.value,
        category=kept.category.value if kept.category else None,
        level=kept.category.level if kept.category else None,
        rule=kept.rule,
        reason=kept.reason,
    )
    return verdict


def verdict_text(verdict: Verdict) -> str:
    """The verdict as the person hears it: the level in plain words, never the category code
    nor the rule's official wording (those are for reviewers and exports)."""
    level = t("level.plain", level=plain_level(verdict.category.level)) if verdict.category else ""
    rule = level or t("rule.scope")
    return t(f"verdict.{verdict.outcome.value}", level=level, rule=rule, reason=verdict.reason)


def decide(award: Mapping[str, Any]) -> Verdict:
    def opt(enum, key):
        value = award.get(key)
        return enum(value) if value else None

    facts = AwardFacts(
        title=award["title"],
        awarding_body=award["awarding_body"],
        award_date=year_month(award.get("award_date")),
        treatment=opt(Treatment, "treatment"),
        ministry_confirmed_by_mop=opt(TriState, "ministry_confirmed_by_mop"),
        hrss_approved=opt(TriState, "hrss_approved"),
        military_honour=opt(MilitaryHonour, "military_honour"),
        veteran=(award["veteran"] == VETERAN[0]) if award.get("veteran") else None,
        honour_kept=award.get("honour_kept", HONOUR_KEPT[0]) == HONOUR_KEPT[0],
    )
    return classify(facts)
