"""The summary card: every answer with its label, as the person checks it before submitting.

`display` is also how the printed form and the export show a value, so all three agree.
"""

from __future__ import annotations

from typing import Any

from dialogs.callbacks import action
from dialogs.divisions import DivisionDirectory
from dialogs.form import AWARD_FIELDS, FIELDS, PERSON_FIELDS, Field, Kind, Section, in_scope
from dialogs.model import Button, Context, Draft, Reply
from dialogs.texts import t


def display(
    key: str, value: Any, divisions: DivisionDirectory | None = None, *, as_tapped: bool = False
) -> str:
    """A stored answer as people read it ("2015年4月", "延吉市 依兰镇 春兴村", "2 张");
    `as_tapped` shows a choice in the words of its button (the summary card), not the paper's."""
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
    return option.label if as_tapped else option.printed


def in_scope_awards(d: Draft) -> list[tuple[int, dict[str, Any]]]:
    return [(i, a) for i, a in enumerate(d.awards) if in_scope(a)]


def _line(f: Field, value: Any, divisions: DivisionDirectory) -> str:
    shown = display(f.key, value, divisions, as_tapped=True)
    return f"{f.label}：{shown or t('summary.empty')}"


def summary_text(d: Draft, ctx: Context) -> str:
    lines = [t("summary.title"), "", t("summary.section.A")]
    for f in PERSON_FIELDS:
        if f.section is Section.BASIC and f.printed and f.applies(d.person):
            lines.append(_line(f, d.person.get(f.key), ctx.divisions))
    lines += ["", t("summary.section.B")]
    for n, (_, award) in enumerate(in_scope_awards(d), start=1):
        lines.append(t("summary.award", n=n, title=award.get("title", "")))
        for f in AWARD_FIELDS[1:]:
            if f.printed and f.applies(d.person, award):
                lines.append("  " + _line(f, award.get(f.key), ctx.divisions))
        category = award.get("category")
        verdict = f"{category}（{award.get('level')}）" if category else ""
        if award.get("outcome") == "uncertain":
            verdict = (verdict + " " if verdict else "") + t("summary.uncertain")
        lines.append("  " + t("summary.category", value=verdict))
    lines += ["", t("summary.section.C")]
    for f in (FIELDS["filled_by"], *PERSON_FIELDS):
        if f.section is Section.OTHER and f.printed and f.applies(d.person):
            lines.append(_line(f, d.person.get(f.key), ctx.divisions))
    return "\n".join(lines)


def summary_replies(d: Draft, ctx: Context) -> list[Reply]:
    buttons = ((Button(t("btn.submit"), action("submit")), Button(t("btn.edit"), action("edit"))),)
    return [Reply(summary_text(d, ctx), buttons)]
