"""Web sessions: which person a browser speaks for, and how a person continues on another phone.

A browser holds one long-lived random cookie; only its SHA-256 is stored, bound to an opaque
person id ("web", <random>) that carries no personal data. A resume code shown to the person
lets another browser take over, once it also gives the last 4 digits of the ID number; wrong
tries are counted for the browser and for the code, and either locks after MAX_TRIES.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from services.registration import Keep, Result
from services.web_input import Wants
from storage.clock import utcnow
from storage.crypto import hash_token
from storage.records import Address, OpenDraft, Write
from storage.repositories.web import Notice, WebSessionRecord, screen_write
from storage.uow import Database

WEB = "web"
LIFETIME = timedelta(days=60)  # an idle session ends; every visit a day later extends it
REFRESH_AFTER = timedelta(days=1)
MAX_TRIES = 5
LOCK_TIME = timedelta(hours=1)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and retyped
CODE_LENGTH = 8
UPDATE_ID_BITS = 63


class Resumed(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NO_ID = "no_id"  # the code is right but no ID number was given yet: nothing to check


@dataclass(frozen=True)
class Visit:
    """One browser's session, as the page needs it, with what its person was last shown."""

    token_hash: str
    who: Address
    csrf: str
    village_hint: str | None
    screen: dict[str, Any] | None = None
    resume_code: str | None = None
    notices: tuple[Notice, ...] = ()  # outbox rows for them not shown yet (page views only)


def _visit(row: WebSessionRecord, notices: list[Notice] | None = None) -> Visit:
    return Visit(row.token_hash, Address(WEB, row.external_id), row.csrf, row.village_hint,
                 row.screen, row.resume_code, tuple(notices or ()))


def update_id(who: Address, nonce: str) -> int:
    """The idempotency key of one web form: negative, so it never meets a Telegram update id,
    and derived from the person too, so nobody can spend another person's form."""
    digest = hashlib.sha256(f"{who.external_id}\0{nonce}".encode()).digest()
    return -(int.from_bytes(digest[:8], "big") % (2**UPDATE_ID_BITS - 1) + 1)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def show_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


class WebSessions:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(self, token: str | None, *, with_notices: bool = False) -> Visit | None:
        """The session of this cookie, if it is known and not expired; `with_notices` reads
        the person's unshown notices in the same go (a page view)."""
        if not token or len(token) > 100:
            return None
        now = utcnow()
        notices: list[Notice] = []
        async with self.db.uow(read_only=True) as uow:
            row = await uow.web.visit(hash_token(token), now)
            if row is not None and with_notices:
                notices = await uow.web.pending_notices(Address(WEB, row.external_id))
        if row is None:
            return None
        if row.expires_at - LIFETIME + REFRESH_AFTER < now:
            async with self.db.uow() as uow:
                await uow.web.update_session(row.token_hash, expires_at=now + LIFETIME)
                await uow.commit()
        return _visit(row, notices)

    async def new(self) -> tuple[str, Visit]:
        """A new browser: a new cookie for a new person."""
        token = secrets.token_urlsafe(32)
        async with self.db.uow() as uow:
            row = await uow.web.add_session(
                hash_token(token), secrets.token_urlsafe(16), secrets.token_urlsafe(32),
                utcnow() + LIFETIME,
            )
            await uow.commit()
        return token, _visit(row)

    async def sweep(self) -> int:
        """Forget expired sessions (their cookies open nothing already)."""
        async with self.db.uow() as uow:
            removed = await uow.web.drop_expired(utcnow())
            await uow.commit()
        return removed

    async def set_village(self, visit: Visit, code: str) -> None:
        async with self.db.uow() as uow:
            await uow.web.update_session(visit.token_hash, village_hint=code)
            await uow.commit()

    # --- what the person was last shown ------------------------------------------------

    async def screen(self, who: Address) -> dict[str, Any] | None:
        async with self.db.uow(read_only=True) as uow:
            return await uow.web.screen(who.external_id)

    async def show(
        self, who: Address, screen: dict[str, Any], wants: Callable[[OpenDraft | None], Wants]
    ) -> None:
        """Keep what they are shown now, with what the open question takes (`wants` of their
        draft), and give them a resume code once an ID number is known to check it by."""
        async with self.db.uow() as uow:
            await uow.add(self._screen(who, screen, wants(await uow.registrations.load_draft(who))))
            await uow.commit()

    def keeping(
        self,
        who: Address,
        screen_of: Callable[[Result], dict[str, Any] | None],
        wants: Callable[[OpenDraft | None], Wants],
    ) -> Keep:
        """`show` of the screen an answer's result makes (None: the screen stays), for
        `Registration.handle(keep=...)`: kept in the answer's own commit, one write."""

        def keep(result: Result, record: OpenDraft | None) -> Write | None:
            screen = screen_of(result)
            return None if screen is None else self._screen(who, screen, wants(record))

        return keep

    def _screen(self, who: Address, screen: dict[str, Any], open_question: Wants) -> Write:
        screen["wants"] = {"text": open_question.text, "photo": open_question.photo}
        code = new_code() if open_question.has_id else None
        return screen_write(self.db.cipher, self.db.dialect, who.external_id, screen, code)

    async def notices(self, who: Address) -> list[Notice]:
        """Every notice they had, shown or not (the status page)."""
        async with self.db.uow(read_only=True) as uow:
            return await uow.web.notices(who)

    async def shown(self, notices: list[Notice]) -> None:
        """The outbox rows the page just showed are delivered."""
        fresh = [n.id for n in notices if not n.shown]
        if not fresh:
            return
        async with self.db.uow() as uow:
            for notice_id in fresh:
                await uow.notifications.mark_sent(notice_id)
            await uow.commit()

    # --- resume codes ------------------------------------------------------------------

    async def resume(self, visit: Visit, code: str, last4: str) -> Resumed:
        """Bind this browser to the person of `code` when `last4` ends their ID number."""
        now = utcnow()
        async with self.db.uow() as uow:
            mine = await uow.web.session_for(visit.token_hash, now)
            if mine is None or _locked(mine.resume_locked_until, now):
                return Resumed.LOCKED
            target = await uow.web.person_by_code(normalise_code(code))
            if target is not None and _locked(target.resume_locked_until, now):
                return Resumed.LOCKED
            owner = Address(WEB, target.external_id) if target else None
            number = await _id_number(uow, owner) if owner else None
            if owner is not None and number is None:
                return Resumed.NO_ID
            digits = last4.strip().upper()
            if number is not None and hmac.compare_digest(number[-4:].upper(), digits):
                await uow.web.update_session(
                    visit.token_hash, external_id=owner.external_id, resume_failures=0,
                    resume_locked_until=None,
                )
                await uow.web.save_person(owner.external_id, resume_failures=0,
                                          resume_locked_until=None)
                await uow.audit.record(visit.who.actor, "web.resumed", to=owner.actor)
                await uow.commit()
                return Resumed.OK
            failures = mine.resume_failures + 1
            await uow.web.update_session(
                visit.token_hash, resume_failures=failures,
                resume_locked_until=now + LOCK_TIME if failures >= MAX_TRIES else None,
            )
            if target is not None:
                wrong = target.resume_failures + 1
                await uow.web.save_person(
                    target.external_id, resume_failures=wrong,
                    resume_locked_until=now + LOCK_TIME if wrong >= MAX_TRIES else None,
                )
            await uow.audit.record(visit.who.actor, "web.resume_refused",
                                   known_code=target is not None)
            await uow.commit()
            return Resumed.LOCKED if failures >= MAX_TRIES else Resumed.WRONG


def _locked(until, now) -> bool:
    return until is not None and until > now


async def _id_number(uow, who: Address) -> str | None:
    """The ID number of their newest entry, where the resume check looks."""
    newest = await uow.registrations.list_for_owner(who, limit=1)
    return newest[0].secrets.get("id_number") if newest else None
