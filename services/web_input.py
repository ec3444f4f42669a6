"""What the open question takes, for a channel that must draw its own input controls (the web
page shows a text box only where typing is needed, and a photo picker only for photos)."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs import engine
from dialogs.divisions import DivisionDirectory
from dialogs.form import Kind
from dialogs.model import Button
from storage.records import OpenDraft

TYPED = {Kind.TEXT, Kind.NAME, Kind.ID_NUMBER, Kind.PHONE, Kind.YEAR_MONTH,
         Kind.DOCUMENT_NUMBER, Kind.BODY, Kind.DIVISION}


@dataclass(frozen=True)
class Wants:
    text: bool = False
    photo: bool = False
    village: Button | None = None  # the poster's village, offered at the household question
    has_id: bool = False  # an ID number is given: a resume code can be checked against it


def open_question(
    record: OpenDraft | None, divisions: DivisionDirectory, village_hint: str | None = None
) -> Wants:
    """What the open question of this draft takes."""
    if record is None:
        return Wants()
    draft = record.draft
    if draft.stopped:
        return Wants()
    step = engine.next_step(draft)
    kind = step.field.kind if step.field else None
    village = None
    if kind is Kind.DIVISION and village_hint and divisions.get(village_hint):
        name = divisions.full_name(village_hint, from_level="county")
        # The same data as the dialog's own button for this village.
        village = Button(name, f"{step.token}|h{village_hint}")
    has_id = bool(draft.person.get("id_number"))
    return Wants(kind in TYPED, engine.photo_slot(draft) is not None, village, has_id)
