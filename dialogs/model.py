"""Plain data exchanged between the transport (bot/) and the conversation (dialogs/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from dialogs import callbacks
from dialogs.divisions import DivisionDirectory
from dialogs.form import FIELDS, SENSITIVE_KEYS
from dialogs.form import Field as FormField


class Draft(BaseModel):
    """Everything answered so far. JSON-safe, so it is saved after every answer."""

    person: dict[str, Any] = Field(default_factory=dict)
    awards: list[dict[str, Any]] = Field(default_factory=list)
    editing: dict[str, Any] | None = None  # {"key", "award"} of the answer being changed
    nav: dict[str, Any] = Field(default_factory=dict)  # division browsing position
    stopped: str | None = None  # why this person cannot register here (out of scope, employer…)
    return_reason: str | None = None  # set when a reviewer returned the entry
    reviewed: dict[str, str] | None = None  # the answers as returned (masked): what changed since
    flags: list[dict[str, Any]] = Field(default_factory=list)  # notes for the reviewer
    cancel_asked: bool = False  # /cancel asked to confirm and nothing was answered since
    conflict: dict[str, Any] | None = None  # two answers disagree: which one to fix is asked
    # The last typed answer, while nothing else was answered since: {"ref": the channel's id of
    # the message, "key", "award": its question, "taken": whether it answered it}. An edit of
    # that message can still change the answer.
    typed: dict[str, Any] | None = None
    lang: str = "zh-CN"  # the language the person reads (a tag of dialogs.texts.LANGUAGES)

    def fresh_copy(self) -> Draft:
        """A copy that shares no dict or list with this one. The draft is plain JSON-like
        data, so dumping and validating again does it, about 3× cheaper than deepcopy."""
        return Draft.model_validate(self.model_dump())

    def to_storage(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Split into the JSON state and the personal numbers that are stored encrypted."""
        state = self.model_dump(mode="json")
        secrets = {k: state["person"].pop(k) for k in SENSITIVE_KEYS if k in state["person"]}
        return state, {k: v for k, v in secrets.items() if v is not None}

    @classmethod
    def from_storage(cls, state: dict[str, Any] | None, secrets: dict[str, str]) -> Draft:
        draft = cls.model_validate(state or {})
        draft.person.update(secrets)
        return draft


@dataclass(frozen=True)
class Step:
    """The open question: a field (of the person, or of award number `award`), or a stage."""

    key: str
    award: int | None = None

    @property
    def field(self) -> FormField | None:
        return FIELDS.get(self.key)

    @property
    def token(self) -> str:
        """Prefix of this question's button data, so a press on an old message is recognised."""
        return callbacks.token(self.key, self.award)


# --- events: what the person did ---------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """/start, or any first contact: greet, or resume at the open question. A link from a
    village's poster names the village (its code), to confirm at the household question."""

    village: str | None = None


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Press:
    data: str


@dataclass(frozen=True)
class Contact:
    phone: str
    own: bool  # the contact is the sender's own number (Telegram's share-contact button)


@dataclass(frozen=True)
class PhotoSaved:
    """A photo for the open PHOTOS question was stored as evidence `evidence_id`."""

    evidence_id: int


@dataclass(frozen=True)
class PhotoRejected:
    """A photo or file could not be used; `code` says why (see texts 'photo.<code>')."""

    code: str


@dataclass(frozen=True)
class OcrRead:
    """What OCR read on evidence photo `evidence_id` of award `award` (fields by OCR name)."""

    evidence_id: int
    award: int | None
    fields: dict[str, str]
    error: str | None = None


@dataclass(frozen=True)
class Unsupported:
    """Something the open question cannot take: a sticker, voice, location, document…"""

    what: str


Event = Start | Text | Press | Contact | PhotoSaved | PhotoRejected | OcrRead | Unsupported


# --- replies: what the bot says ----------------------------------------------------------


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    contact_button: str | None = None  # a reply-keyboard button that shares the phone number
    remove_keyboard: bool = False
    edit: bool = False  # replace the previous bot message (paging through a list)


@dataclass(frozen=True)
class Context:
    today: date
    now: datetime
    divisions: DivisionDirectory
    ocr: bool = False  # photos are read: a certificate may answer the award questions
    contact: str | None = None  # the person's village committee and how to reach it, if known


@dataclass
class Outcome:
    draft: Draft
    replies: list[Reply] = field(default_factory=list)
    submit: bool = False  # the person pressed 确认提交 on a complete form
    delete: bool = False  # the person confirmed /cancel
    alert: str | None = None  # short text for answering a pressed button
