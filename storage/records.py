"""Plain records the repositories return: usable after the session closed (no lazy loads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from dialogs.model import Draft


class DivisionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class Status(StrEnum):
    """Life cycle of a registration: draft → submitted → confirmed/returned/rejected → exported."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    EXPORTED = "exported"


EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)


class CommitteeKind(StrEnum):
    VILLAGE = "village"
    TOWNSHIP = "township"


class ReviewerRole(StrEnum):
    REVIEWER = "reviewer"
    TOWNSHIP = "township"


class AwardOutcome(StrEnum):
    ELIGIBLE = "eligible"
    UNCERTAIN = "uncertain"


class EvidenceKind(StrEnum):
    CERTIFICATE = "certificate"
    AWARD_DOCUMENT = "award_document"
    MOP_CONFIRMATION = "mop_confirmation"
    DISCHARGE_CERTIFICATE = "discharge_certificate"
    PORTRAIT = "portrait"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"


class Address(NamedTuple):
    """Who someone is on which channel: ("tg", "123456789") is a Telegram user, whose private
    chat with the bot has the same id; ("web", …) a browser's long-lived session."""

    channel: str
    external_id: str

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return f"{self.channel}:{self.external_id}"


class DivisionRow(NamedTuple):
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class AwardRow:
    """One award of a submitted registration; `position` is the dialog's award index."""

    position: int
    title: str
    awarding_body: str
    award_year: int
    award_month: int
    award_day: int | None = None
    document_number: str | None = None
    document_title: str | None = None
    treatment: str | None = None
    category: str | None = None
    level: str | None = None
    outcome: AwardOutcome = AwardOutcome.ELIGIBLE
    honour_kept: bool = True


@dataclass(frozen=True, slots=True)
class ReasonAsked:
    """A reviewer's next typed text is the reason for this decision on this entry."""

    decision: str
    registration_id: int
    version: int
    button: str


@dataclass(frozen=True, slots=True)
class Write:
    """One statement a repository built for another unit of work's commit to carry, so that
    what a channel keeps of an answer goes in the answer's own write (storage keeps the SQL;
    callers only pass it on)."""

    statement: Any
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class OpenDraft:
    """The entry being filled in, as the dialog sees it: read on every update, so it skips
    the awards and the columns the dialog never looks at."""

    id: int
    draft: Draft


@dataclass(frozen=True, slots=True)
class RegistrationRecord:
    id: int
    reg_no: str | None
    owner: Address
    status: Status
    state: dict[str, Any]
    secrets: dict[str, str] = field(repr=False)  # decrypted ID number, phones: never logged
    name: str | None
    hukou_code: str | None
    township_code: str | None
    committee_id: int | None
    filled_by: str | None
    is_demo: bool
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    exported_at: datetime | None
    awards: list[AwardRow] = field(default_factory=list)

    @property
    def draft(self) -> Draft:
        """The answers as the dialog's draft (a new one each time: callers may change it)."""
        return Draft.from_storage(self.state, self.secrets)

    @property
    def stopped(self) -> bool:
        """It ended at a stop (不同意, an employer…): the person was told they need not register
        here, so it is no registration being filled in, though kept as a draft row."""
        return bool(self.state.get("stopped"))


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    id: int
    registration_id: int
    award_position: int | None
    kind: EvidenceKind
    page: int
    path: str
    sha256: str
    size: int
    mime: str
    width: int | None
    height: int | None
    telegram_file_id: str | None
    ocr: dict[str, Any] | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CommitteeRecord:
    id: int
    division_code: str
    name: str
    kind: CommitteeKind
    contact: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewerRecord:
    id: int
    who: Address
    committee_id: int
    role: ReviewerRole
    display_name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class InviteRecord:
    id: int
    token_hash: str
    division_code: str
    role: ReviewerRole
    expires_at: datetime
    uses_left: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    registration_id: int | None
    detail: dict[str, Any]


ButtonRows = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label, data): any channel's buttons


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: int
    to: Address
    text: str
    buttons: ButtonRows
    status: NotificationStatus
    attempts: int
    not_before: datetime
    created_at: datetime
    sent_at: datetime | None
    dedup_key: str | None
