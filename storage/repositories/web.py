"""The web channel's sessions and people: cookie hash → person, last screen, resume codes,
and the outbox rows a web person reads on the page instead of having them pushed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import FieldCipher
from storage.models import Notification, WebPerson, WebSession, utcnow
from storage.records import Address, NotificationStatus, Write
from storage.repositories._base import INSERTS, Repository

# Every page view and answer runs these: built once, so SQLAlchemy's compiled cache keeps them.
_SESSIONS, _PEOPLE, _NOTICES = WebSession.__table__, WebPerson.__table__, Notification.__table__
_VISIT = (
    sa.select(*_SESSIONS.c, _PEOPLE.c.screen, _PEOPLE.c.resume_code)
    .select_from(_SESSIONS.outerjoin(_PEOPLE, _PEOPLE.c.external_id == _SESSIONS.c.external_id))
    .where(_SESSIONS.c.token_hash == sa.bindparam("token_hash"),
           _SESSIONS.c.expires_at > sa.bindparam("now"))
)
_PENDING = (
    sa.select(_NOTICES.c.id, _NOTICES.c.text, _NOTICES.c.buttons, _NOTICES.c.created_at)
    .where(
        _NOTICES.c.channel == sa.bindparam("channel"),
        _NOTICES.c.external_id == sa.bindparam("external_id"),
        _NOTICES.c.status == NotificationStatus.PENDING.value,
        _NOTICES.c.not_before <= sa.bindparam("now"),
    )
    .order_by(_NOTICES.c.id.desc())
    .limit(20)
)
_KEEP_SCREEN = {
    name: (
        insert(_PEOPLE)
        .values(external_id=sa.bindparam("external_id"), screen=sa.bindparam("screen"),
                resume_code=sa.bindparam("resume_code"), resume_failures=0,
                created_at=sa.bindparam("at"))
        .on_conflict_do_update(
            index_elements=[_PEOPLE.c.external_id],
            set_={"screen": sa.bindparam("screen"),
                  "resume_code": sa.func.coalesce(_PEOPLE.c.resume_code,
                                                  sa.bindparam("resume_code"))},
        )
    )
    for name, insert in INSERTS.items()
}


def screen_write(
    cipher: FieldCipher, dialect: str, external_id: str, screen: dict[str, Any],
    new_code: str | None,
) -> Write:
    """The person's screen now, as a write for a unit of work's commit (an answer's own:
    storage.answers); `new_code` becomes their resume code if they have none."""
    return Write(_KEEP_SCREEN[dialect], {
        "external_id": external_id, "screen": cipher.encrypt_json(screen),
        "resume_code": new_code, "at": utcnow(),
    })


@dataclass(frozen=True, slots=True)
class WebSessionRecord:
    token_hash: str
    external_id: str
    csrf: str
    village_hint: str | None
    resume_failures: int
    resume_locked_until: datetime | None
    expires_at: datetime
    screen: dict[str, Any] | None = None  # the person's, read with the session (one query)
    resume_code: str | None = None


@dataclass(frozen=True, slots=True)
class WebPersonRecord:
    external_id: str
    resume_code: str | None
    resume_failures: int
    resume_locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...]
    created_at: datetime
    shown: bool


def _session(s: WebSession) -> WebSessionRecord:
    return WebSessionRecord(
        s.token_hash, s.external_id, s.csrf, s.village_hint, s.resume_failures,
        s.resume_locked_until, s.expires_at,
    )


def _person(p: WebPerson) -> WebPersonRecord:
    return WebPersonRecord(p.external_id, p.resume_code, p.resume_failures, p.resume_locked_until)


class WebRepository(Repository):
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        super().__init__(session)
        self._cipher = cipher

    # --- sessions ----------------------------------------------------------------------

    async def add_session(
        self, token_hash: str, external_id: str, csrf: str, expires_at: datetime
    ) -> WebSessionRecord:
        row = WebSession(
            token_hash=token_hash, external_id=external_id, csrf=csrf, resume_failures=0,
            created_at=utcnow(), expires_at=expires_at,
        )
        self.session.add(row)
        await self.session.flush()
        return _session(row)

    async def session_for(self, token_hash: str, now: datetime) -> WebSessionRecord | None:
        row = await self.session.get(WebSession, token_hash)
        if row is None or row.expires_at <= now:
            return None
        return _session(row)

    async def visit(self, token_hash: str, now: datetime) -> WebSessionRecord | None:
        """The session with its person's screen and resume code: all a page view needs."""
        found = await self.session.execute(_VISIT, {"token_hash": token_hash, "now": now})
        first = found.first()
        if first is None:
            return None
        *columns, sealed, code = first
        row = dict(zip(_SESSIONS.c.keys(), columns, strict=True))
        screen = self._cipher.decrypt_json(sealed) if sealed else None
        return WebSessionRecord(
            row["token_hash"], row["external_id"], row["csrf"], row["village_hint"],
            row["resume_failures"], row["resume_locked_until"], row["expires_at"], screen, code,
        )

    async def update_session(self, token_hash: str, **values: Any) -> None:
        await self.session.execute(
            sa.update(WebSession).where(WebSession.token_hash == token_hash).values(**values)
        )

    async def drop_expired(self, now: datetime) -> int:
        result = await self.session.execute(
            sa.delete(WebSession).where(WebSession.expires_at <= now)
        )
        return result.rowcount

    # --- people ------------------------------------------------------------------------

    async def person_by_code(self, code: str) -> WebPersonRecord | None:
        row = await self.session.scalar(sa.select(WebPerson).where(WebPerson.resume_code == code))
        return None if row is None else _person(row)

    async def screen(self, external_id: str) -> dict[str, Any] | None:
        sealed = await self.session.scalar(
            sa.select(WebPerson.screen).where(WebPerson.external_id == external_id)
        )
        return self._cipher.decrypt_json(sealed) if sealed else None

    async def save_person(self, external_id: str, **values: Any) -> None:
        """Insert or update the person's row; `screen` is sealed on the way in."""
        if "screen" in values and values["screen"] is not None:
            values["screen"] = self._cipher.encrypt_json(values["screen"])
        row = {"resume_failures": 0, "created_at": utcnow(), **values}
        stmt = self._insert(WebPerson).values(external_id=external_id, **row)
        await self.session.execute(
            stmt.on_conflict_do_update(index_elements=[WebPerson.external_id], set_=values)
            if values else stmt.on_conflict_do_nothing(index_elements=[WebPerson.external_id])
        )

    # --- notices (outbox rows to a web person) -------------------------------------------

    async def pending_notices(self, to: Address) -> list[Notice]:
        """Their outbox rows not shown yet whose time has come, newest first."""
        params = {"channel": to.channel, "external_id": to.external_id, "now": utcnow()}
        return [
            Notice(i, text, tuple(tuple((label, data) for label, data in row)
                                  for row in buttons or ()), at, False)
            for i, text, buttons, at in (await self.session.execute(_PENDING, params)).all()
        ]

    async def notices(self, to: Address, limit: int = 20) -> list[Notice]:
        """Their outbox rows whose time has come, newest first, shown or not."""
        stmt = (
            sa.select(Notification)
            .where(
                Notification.channel == to.channel,
                Notification.external_id == to.external_id,
                Notification.not_before <= utcnow(),
            )
            .order_by(Notification.id.desc())
            .limit(limit)
        )
        return [
            Notice(
                n.id, n.text,
                tuple(tuple((label, data) for label, data in row) for row in n.buttons or ()),
                n.created_at, n.status == NotificationStatus.SENT,
            )
            for n in await self.session.scalars(stmt)
        ]
