"""The summary card: every answer with its label, as the person checks it before submitting.

`display` is also how the printed form and the export show a value, so all three agree. The
person reads plain words (button labels, the level of each award); the reviewer's copy of the
card (`staff=True`) keeps the form's labels and the category codes.
"""

from __future__ import annotations

from typing import Any

from dialogs.callbacks import action
from dialogs.divisions import DivisionDirectory
from dialogs.eligibility import plain_level
from dialogs.form import AWARD_FIELDS, FIELDS, PERSON_FIELDS, Field, Kind, Section, in_scope
from dialogs.model import Button, Context, Draft, Reply
from dialogs.texts import t


def display(key: str, value: Any, divisions: DivisionDirectory | None = None) -> str:
    """A stored answer as people read it ("2015年4月", "延吉市 依兰镇 春兴村", "2 张")."""
    if value is None or value == "":
        return ""
    f = FIELDS.get(key)
    kind = f.kind if f else None
    if kind is Kind.YEAR_MONTH or key == "birth_date":
        parts = str(value).split("-")
        text = f"{int(parts[0])}年{int(parts[1])}月"
        return text + (f"{int(parts[2])}日" if len(parts) > 2 and key != "birth_date" else "")
    if kind is Kind.DIVISION and divisions is not None:
        return divisions.full_name(value, from_level="county") or str(value)
    if kind is Kind.PHOTOS:
        return t("summary.photos", n=len(value))
    if kind is Kind.PHONE and str(value).startswith("+86"):
        return str(value)[3:]
    if isinstance(value, bool):
        return t("opt.yes_no.yes" if value else "opt.yes_no.no")
    option = f.option(value) if f else None
    if option is None:
        return str(value)
    return option.printed


def plain_display(key: str, value: Any, divisions: DivisionDirectory | None = None) -> str:
    """A stored answer as the person chose it: a choice in the button's words, else `display`."""
    f = FIELDS.get(key)
    option = f.option(value) if f else None
    return option.label if option else display(key, value, divisions)


def in_scope_awards(d: Draft) -> list[tuple[int, dict[str, Any]]]:
    return [(i, a) for i, a in enumerate(d.awards) if in_scope(a)]


def _line(f: Field, value: Any, divisions: DivisionDirectory, staff: bool) -> str:
    shown = (display if staff else plain_display)(f.key, value, divisions)
    label = f.label if staff else f.plain_label
    return f"{label}：{shown or t('summary.empty')}"


def _verdict(award: dict[str, Any], staff: bool) -> str:
    """统计类别 with the code for reviewers; the level in plain words for the person."""
    category, level = award.get("category"), award.get("level")
    uncertain = award.get("outcome") == "uncertain"
    if not staff:
        shown = t("level.plain", level=plain_level(level)) if level else ""
        if uncertain:
            shown = t("summary.check_plain", level=shown) if shown else t("summary.check_only")
        return t("summary.level", value=shown)
    verdict = f"{category}（{level}）" if category else ""
    if uncertain:
        verdict = (verdict + " " if verdict else "") + t("summary.uncertain")
    return t("summary.category", value=verdict)


def _extras_hint(d: Draft) -> list[str]:
    """Optional answers not asked on the way: say they can be added with 修改."""
    awards = [a for _, a in in_scope_awards(d)]
    empty = [f.plain_label for f in PERSON_FIELDS if not f.asked and not d.person.get(f.key)]
    empty += [f.plain_label for f in AWARD_FIELDS
              if not f.asked and any(not a.get(f.key) for a in awards)]
    return ["", t("summary.extras", fields="、".join(empty))] if empty else []


def summary_text(d: Draft, ctx: Context, *, staff: bool = False) -> str:
    lines = [t("summary.title"), "", t("summary.section.A")]
    for f in PERSON_FIELDS:
        if f.section is Section.BASIC and f.printed and f.applies(d.person):
            lines.append(_line(f, d.person.get(f.key), ctx.divisions, staff))
    lines += ["", t("summary.section.B")]
    for n, (_, award) in enumerate(in_scope_awards(d), start=1):
        lines.append(t("summary.award", n=n, title=award.get("title", "")))
        for f in AWARD_FIELDS[1:]:
            if f.printed and f.applies(d.person, award):
                lines.append("  " + _line(f, award.get(f.key), ctx.divisions, staff))
        lines.append("  " + _verdict(award, staff))
    lines += ["", t("summary.section.C")]
    for f in (FIELDS["filled_by"], *PERSON_FIELDS):
        if f.section is Section.OTHER and f.printed and f.applies(d.person):
            lines.append(_line(f, d.person.get(f.key), ctx.divisions, staff))
    return "\n".join(lines + ([] if staff else _extras_hint(d)))


def summary_replies(d: Draft, ctx: Context) -> list[Reply]:
    buttons = ((Button(t("btn.submit"), action("submit")), Button(t("btn.edit"), action("edit"))),)
    return [Reply(summary_text(d, ctx), buttons)]
