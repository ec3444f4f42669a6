"""ORM tables. Portable types only, so the same models run on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.clock import utcnow  # column defaults; still importable from here

# Named constraints keep future Alembic batch migrations on SQLite deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware datetimes stored as UTC; SQLite (no time zones) gets naive UTC values."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Tables keyed by `id` use SQLite AUTOINCREMENT: ids of deleted rows are never reused, so audit
# events keep pointing at the registration they were about.
AUTOINCREMENT = {"sqlite_autoincrement": True}
# Who someone is: a channel ("tg", "web") and that channel's id for them, as text.
CHANNEL = sa.String(16)
EXTERNAL_ID = sa.String(64)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON(),
        int: sa.Integer(),
    }


class Division(Base):
    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    level: Mapped[str] = mapped_column(sa.String(16))
    parent_code: Mapped[str | None] = mapped_column(sa.String(12), index=True)


class Committee(Base):
    __tablename__ = "committees"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    division_code: Mapped[str] = mapped_column(
        sa.String(12), sa.ForeignKey("divisions.code"), unique=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(16))
    contact: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RegistrationCounter(Base):
    """Last registration number handed out per township (row-locked increment)."""

    __tablename__ = "registration_counters"

    township_code: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    last_seq: Mapped[int]


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (sa.Index("ix_registrations_owner", "owner_channel", "owner_external_id"),
                      AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str | None] = mapped_column(sa.String(24), unique=True)
    owner_channel: Mapped[str] = mapped_column(CHANNEL)
    owner_external_id: Mapped[str] = mapped_column(EXTERNAL_ID)
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    name: Mapped[str | None] = mapped_column(sa.String(64))
    hukou_code: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    township_code: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"), index=True)
    secrets_cipher: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    id_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    filled_by: Mapped[str | None] = mapped_column(sa.String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    exported_at: Mapped[datetime | None]


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (sa.UniqueConstraint("registration_id", "position"), AUTOINCREMENT)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    awarding_body: Mapped[str] = mapped_column(sa.String(200))
    award_year: Mapped[int]
    award_month: Mapped[int]
    award_day: Mapped[int | None]
    document_number: Mapped[str | None] = mapped_column(sa.String(100))
    document_title: Mapped[str | None] = mapped_column(sa.String(300))
    treatment: Mapped[str | None] = mapped_column(sa.String(100))
    category: Mapped[str | None] = mapped_column(sa.String(4))
    level: Mapped[str | None] = mapped_column(sa.String(16))
    outcome: Mapped[str] = mapped_column(sa.String(16))
    honour_kept: Mapped[bool]


class EvidenceFile(Base):
    __tablename__ = "evidence_files"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    award_position: Mapped[int | None]
    kind: Mapped[str] = mapped_column(sa.String(32))
    page: Mapped[int] = mapped_column(default=1)
    path: Mapped[str] = mapped_column(sa.String(200))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    mime: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    telegram_file_id: Mapped[str | None] = mapped_column(sa.String(200))
    ocr: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reviewer(Base):
    __tablename__ = "reviewers"
    __table_args__ = (
        sa.UniqueConstraint("channel", "external_id", "committee_id"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(CHANNEL)
    external_id: Mapped[str] = mapped_column(EXTERNAL_ID)
    committee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16))
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class Invite(Base):
    __tablename__ = "invites"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    division_code: Mapped[str] = mapped_column(sa.String(12), sa.ForeignKey("divisions.code"))
    role: Mapped[str] = mapped_column(sa.String(16))
    expires_at: Mapped[datetime]
    uses_left: Mapped[int]
    created_by: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(100), index=True)
    action: Mapped[str] = mapped_column(sa.String(64))
    registration_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ProcessedUpdate(Base):
    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class InboxUpdate(Base):
    """An update received from Telegram and not yet handled, sealed with the field cipher (it
    may hold a typed ID number). Written before the update is confirmed to Telegram, deleted
    once handled; what is left after a crash is handled at the next start."""

    __tablename__ = "inbox_updates"

    update_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    body: Mapped[bytes] = mapped_column(sa.LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReasonPrompt(Base):
    """A reviewer was asked to type the reason for returning or refusing an entry. Kept here,
    not only in memory, so the reason typed after a restart of the bot still counts."""

    __tablename__ = "reason_prompts"

    channel: Mapped[str] = mapped_column(CHANNEL, primary_key=True)
    external_id: Mapped[str] = mapped_column(EXTERNAL_ID, primary_key=True)
    decision: Mapped[str] = mapped_column(sa.String(8))
    registration_id: Mapped[int]
    version: Mapped[int]
    button: Mapped[str] = mapped_column(sa.String(64))  # the pressed button's data, for the audit
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_due", "status", "not_before"),
        sa.Index("ix_notifications_recipient", "channel", "external_id"),
        AUTOINCREMENT,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(CHANNEL)
    external_id: Mapped[str] = mapped_column(EXTERNAL_ID)
    text: Mapped[str] = mapped_column(sa.Text)
    buttons: Mapped[list[Any] | None] = mapped_column(sa.JSON)  # rows of [label, data]
    status: Mapped[str] = mapped_column(sa.String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    dedup_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)


class UnreachableRecipient(Base):
    """People a channel may not write to any more (on Telegram: they blocked the bot, 403)."""

    __tablename__ = "unreachable_recipients"

    channel: Mapped[str] = mapped_column(CHANNEL, primary_key=True)
    external_id: Mapped[str] = mapped_column(EXTERNAL_ID, primary_key=True)
    unreachable_at: Mapped[datetime | None]


class ReceivedPackage(Base):
    """A package taken in from the level below (a township's at the county), once per manifest."""

    __tablename__ = "received_packages"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    manifest_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    sender_code: Mapped[str] = mapped_column(sa.String(12), index=True)
    sender_name: Mapped[str] = mapped_column(sa.String(100))
    sender_level: Mapped[str] = mapped_column(sa.String(16))
    exported_at: Mapped[str] = mapped_column(sa.String(40))
    exported_by: Mapped[str] = mapped_column(sa.String(100))
    file_name: Mapped[str] = mapped_column(sa.String(300))
    entries: Mapped[int]
    received_by: Mapped[str] = mapped_column(sa.String(100))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReceivedEntry(Base):
    """One person from a received package; the ID number is encrypted and hashed with this
    database's own key (the sender's key never leaves the sender)."""

    __tablename__ = "received_entries"
    __table_args__ = AUTOINCREMENT

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("received_packages.id"), index=True)
    reg_no: Mapped[str] = mapped_column(sa.String(24), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    township_code: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    hukou_code: Mapped[str | None] = mapped_column(sa.String(12))
    id_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    secrets_cipher: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    awards: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    evidence: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    submitted_at: Mapped[datetime | None]
    confirmed_by: Mapped[str] = mapped_column(sa.String(100), default="")
    confirmed_at: Mapped[datetime | None]
    is_demo: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    exported_at: Mapped[datetime | None]


class WebSession(Base):
    """A browser's session on the web page: the cookie's SHA-256 (the cookie itself is never
    stored) bound to the person it speaks for, with the session's CSRF token."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    external_id: Mapped[str] = mapped_column(EXTERNAL_ID, index=True)
    csrf: Mapped[str] = mapped_column(sa.String(64))
    village_hint: Mapped[str | None] = mapped_column(sa.String(12))  # from a poster's link
    resume_failures: Mapped[int] = mapped_column(default=0)  # wrong resume tries from here
    resume_locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class WebPerson(Base):
    """A person of the web channel ("web", external_id): the last screen they were shown
    (sealed: it may show their ID number) and the resume code that continues on another phone."""

    __tablename__ = "web_people"

    external_id: Mapped[str] = mapped_column(EXTERNAL_ID, primary_key=True)
    screen: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    resume_code: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    resume_failures: Mapped[int] = mapped_column(default=0)  # wrong ID digits for this code
    resume_locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Deadline(Base):
    """The date by which a level of the chain (village committees, townships, counties, cities)
    must have done its part: set by staff for this drive, one per level."""

    __tablename__ = "deadlines"

    level: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    due: Mapped[date] = mapped_column(sa.Date())
    set_by: Mapped[str] = mapped_column(sa.String(64))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
