"""The chat's record: an answered question stays in the chat as "question ✔ answer", so what
was chosen can be read back later without opening the summary card."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs import callbacks, engine, questions
from dialogs.form import FIELDS, Kind
from dialogs.masking import mask_id, mask_phone, mask_text
from dialogs.model import Contact, Context, Draft, Event, Press, Reply, Step, Text
from dialogs.summary import display

MARK = "✔"
CONSENT = "consent"  # the privacy notice stays whole: it is what the person agreed to
_QUESTION_END = "？?"


@dataclass(frozen=True)
class Asked:
    """The open question before an event: where it is in the form, and how it was put."""

    step: Step
    question: Reply
    editing: bool  # the question was asked to change an answer (its text starts with the old one)


@dataclass(frozen=True)
class Closing:
    """The open question was answered: the message that asked `question` becomes `record`."""

    question: str
    record: str


def asked(d: Draft, event: Event, ctx: Context) -> Asked | None:
    """The question open when `event` came, if the event may answer it (not at the summary
    card, after a stop, or for a photo, which goes on asking until 完成)."""
    if d.stopped or not isinstance(event, Text | Press | Contact):
        return None
    step = engine.next_step(d)
    if step.key == engine.SUMMARY:
        return None
    return Asked(step, questions.render(step, d, ctx), bool(d.editing))


def closing(before: Asked | None, event: Event, after: Draft, ctx: Context) -> Closing | None:
    """How the question `before` reads once `event` answered it; None when it is still open
    (a refused answer, paging through villages, one more photo) or the event was no answer."""
    if before is None:
        return None
    if isinstance(event, Press) and callbacks.payload(event.data, before.step.token) is None:
        return None  # an action (修改, /cancel...) or an old button: not this question's answer
    if not after.stopped and engine.next_step(after) == before.step:
        return None
    answer = _answer(before, event, after, ctx)
    return Closing(before.question.text, f"{_short(before)}\n{MARK} {answer}")


def _short(before: Asked) -> str:
    """The question's first sentence (its first line when it asks nothing)."""
    text = before.question.text
    if before.editing:  # "原来填的是：…" then the question
        text = text.partition("\n")[2] or text
    if before.step.key == CONSENT:
        return text
    cut = min((text.find(c) for c in _QUESTION_END if c in text), default=-1)
    return text[: cut + 1] if cut >= 0 else text.partition("\n")[0]


def _answer(before: Asked, event: Event, after: Draft, ctx: Context) -> str:
    """A pressed button reads as its label; a typed answer as it was stored (numbers masked)."""
    step = before.step
    f = FIELDS.get(step.key)
    if isinstance(event, Press) and (f is None or f.kind is not Kind.DIVISION):
        label = _label(before.question, event.data)
        if label:
            return label
    target = after.person if step.award is None else _award(after, step.award)
    value = target.get(step.key) if f is not None else None
    if f is not None and f.key in target:
        if f.kind is Kind.ID_NUMBER:
            return mask_id(value)
        if f.kind is Kind.PHONE:
            return mask_phone(value)
        shown = display(f.key, value, ctx.divisions)
        if shown:
            return shown
    if isinstance(event, Text):
        return mask_text(event.text.strip())
    return _label(before.question, event.data) if isinstance(event, Press) else ""


def _label(question: Reply, data: str) -> str:
    return next((b.text for row in question.buttons for b in row if b.data == data), "")


def _award(d: Draft, index: int) -> dict:
    return d.awards[index] if index < len(d.awards) else {}
