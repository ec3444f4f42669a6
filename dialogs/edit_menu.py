"""The summary card's 修改: first the sections of the form, then the answers of the chosen one,
each menu with 返回. The sections are the form's own (`Field.section`), in the form's order."""

from __future__ import annotations

from dialogs.callbacks import action
from dialogs.form import AWARD_FIELDS, FIELDS, PERSON_FIELDS, Field, Section, in_scope
from dialogs.model import Button, Draft, Reply
from dialogs.texts import t

PER_ROW = 2
EDITED_SECTIONS = tuple(s for s in Section if s is not Section.SCREEN)


def sections(d: Draft) -> Reply:
    """表彰 (one button per award when there are several), 基本信息, 其他; 返回 to the card."""
    awards = _awards(d)
    buttons = []
    for section in EDITED_SECTIONS:
        if section is not Section.AWARD:
            buttons.append(Button(t(f"edit.section.{section.value}"), _open(section.value)))
            continue
        for n, i in enumerate(awards, start=1):
            label = t("edit.section.award", n=n) if len(awards) > 1 else t("edit.section.B")
            buttons.append(Button(label, _open(f"{section.value}{i}")))
    rows = [tuple(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW)]
    return Reply(t("edit.sections"), (*rows, (Button(t("btn.back"), action("back")),)))


def fields(d: Draft, code: str) -> Reply | None:
    """The answers of section `code` ("A", "C", or "B<award>") to change; None if no such one."""
    section, award = _section(d, code)
    if section is None:
        return None
    if section is Section.AWARD:
        answers = d.awards[award]
        shown = [f for f in AWARD_FIELDS if f.printed and f.applies(d.person, answers)]
        suffix = str(award)
    else:
        candidates = (FIELDS["filled_by"], *PERSON_FIELDS)
        shown = [f for f in candidates if f.section is section and _asked(f, d)]
        suffix = ""
    buttons = [Button(f.plain_label, action("edit", f"{f.key}#{suffix}")) for f in shown]
    rows = [tuple(buttons[i : i + PER_ROW]) for i in range(0, len(buttons), PER_ROW)]
    return Reply(t("edit.menu"), (*rows, (Button(t("btn.back"), action("edit")),)))


def _asked(f: Field, d: Draft) -> bool:
    return f.printed and f.applies(d.person)


def _open(code: str) -> str:
    return action("edit", f"@{code}")


def _awards(d: Draft) -> list[int]:
    return [i for i, award in enumerate(d.awards) if in_scope(award)]


def _section(d: Draft, code: str) -> tuple[Section | None, int]:
    head, number = code[:1], code[1:]
    section = next((s for s in EDITED_SECTIONS if s.value == head), None)
    if section is Section.AWARD:
        if not (number.isdecimal() and number.isascii() and int(number) in _awards(d)):
            return None, 0
        return section, int(number)
    return (section, 0) if section is not None and not number else (None, 0)
