"""One update of a honoree's conversation: load the draft, let dialogs/ decide, save, then reply.

The answer is committed before any reply is produced, so a crash after the commit loses nothing
and a crash before it means the person's message is delivered again (unconfirmed update).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dialogs import engine
from dialogs.divisions import Division, DivisionDirectory
from dialogs.model import (
    Context,
    Draft,
    Event,
    Outcome,
    PhotoRejected,
    PhotoSaved,
    Reply,
    Unsupported,
)
from dialogs.summary import in_scope_awards
from dialogs.texts import t
from ocr.image import ImageRejected, inspect_image
from storage.files import EvidenceStore
from storage.uow import Database

log = logging.getLogger(__name__)
CHINA = ZoneInfo("Asia/Shanghai")


@dataclass
class Result:
    replies: list[Reply]
    alert: str | None = None


class Conversation:
    """Application service used by the handlers; owns no Telegram types."""

    def __init__(self, db: Database, divisions: DivisionDirectory, store: EvidenceStore) -> None:
        self.db = db
        self.divisions = divisions
        self.store = store
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    @classmethod
    async def create(cls, db: Database, store: EvidenceStore) -> Conversation:
        async with db.uow() as uow:
            rows = await uow.divisions.all_rows()
        return cls(db, DivisionDirectory(Division(*row) for row in rows), store)

    def context(self) -> Context:
        now = datetime.now(UTC)
        return Context(today=now.astimezone(CHINA).date(), now=now, divisions=self.divisions)

    async def handle(self, user_id: int, chat_id: int, event: Event, update_id: int) -> Result:
        """Apply one event; returns what to say. Serialised per person (albums, double taps)."""
        async with self._locks[user_id]:
            return await self._handle(user_id, chat_id, event, update_id)

    async def _handle(self, user_id: int, chat_id: int, event: Event, update_id: int) -> Result:
        async with self.db.uow() as uow:
            if not await uow.updates.mark(update_id):
                return Result([])  # delivered again after a crash: already applied
            record = await uow.registrations.get_active(user_id)
            if record is None:
                record = await uow.registrations.create_draft(user_id, chat_id)
            draft = Draft.from_storage(record.state, record.secrets)
            outcome = engine.handle(draft, event, self.context())
            replies = await self._apply(uow, record.id, outcome)
            await uow.commit()
        log.info("update=%s entry=%s event=%s", update_id, record.id, type(event).__name__)
        return Result(replies, outcome.alert)

    async def _apply(self, uow, reg_id: int, outcome: Outcome) -> list[Reply]:
        d = outcome.draft
        if outcome.delete or d.stopped:
            # Nothing personal is kept for someone who cannot or will not register.
            await uow.registrations.delete_draft(reg_id)
            return outcome.replies
        if outcome.submit:
            d.return_reason = None
        await self._save(uow, reg_id, d)
        if not outcome.submit:
            return outcome.replies
        awards = [_award_row(i, a) for i, a in in_scope_awards(d)]
        submitted = await uow.registrations.submit(reg_id, awards)
        committee = None
        if submitted.committee_id is not None:
            committee = await uow.committees.get(submitted.committee_id)
        where = committee.name if committee else self.divisions.full_name(
            submitted.township_code or "", from_level="county"
        )
        return [Reply(t("submitted", reg_no=submitted.reg_no, where=where), remove_keyboard=True)]

    async def _save(self, uow, reg_id: int, d: Draft) -> None:
        state, secrets = d.to_storage()
        await uow.registrations.save_state(
            reg_id, state, secrets, name=d.person.get("name"), hukou_code=d.person.get("hukou_code")
        )

    async def photo(
        self,
        user_id: int,
        chat_id: int,
        update_id: int,
        size: int | None,
        download: Callable[[], Awaitable[bytes]],
        file_id: str | None,
        what: str = "photo",
    ) -> Result:
        """A photo or image file: store it as evidence if the open question wants one."""
        async with self._locks[user_id]:
            async with self.db.uow() as uow:
                record = await uow.registrations.get_active(user_id)
            draft = Draft.from_storage(record.state, record.secrets) if record else Draft()
            slot = engine.photo_slot(draft)
            if record is None or slot is None:
                return await self._handle(user_id, chat_id, Unsupported(what), update_id)
            event = await self._store_photo(record.id, slot, size, download, file_id)
            return await self._handle(user_id, chat_id, event, update_id)

    async def _store_photo(self, reg_id, slot, size, download, file_id) -> Event:
        kind, award = slot
        if size is not None and size > 20 * 1024 * 1024:
            return PhotoRejected("too_large")
        try:
            data = await download()
        except Exception:  # network trouble while downloading: ask again, keep going
            log.warning("entry=%s photo download failed", reg_id, exc_info=True)
            return PhotoRejected("download_failed")
        try:
            info = inspect_image(data)
        except ImageRejected as err:
            return PhotoRejected(err.code)
        stored = await asyncio.to_thread(self.store.save, data, "." + info.format.lower())
        async with self.db.uow() as uow:
            existing = await uow.evidence.list_for(reg_id)
            page = 1 + sum(1 for e in existing if e.kind == kind and e.award_position == award)
            evidence = await uow.evidence.add(
                reg_id,
                award_position=award,
                kind=kind,
                page=page,
                stored=stored,
                mime=info.mime,
                width=info.width,
                height=info.height,
                telegram_file_id=file_id,
            )
            await uow.commit()
        return PhotoSaved(evidence.id)

    async def status(self, user_id: int) -> str:
        async with self.db.uow() as uow:
            records = await uow.registrations.list_for_owner(user_id)
        if not records:
            return t("status.none")
        lines = []
        for r in records[:5]:
            who = r.name or t("status.unnamed")
            lines.append(t(f"status.{r.status}", reg_no=r.reg_no or "", name=who))
        return "\n".join(lines)

    async def has_draft(self, user_id: int) -> bool:
        async with self.db.uow() as uow:
            return await uow.registrations.get_active(user_id) is not None


def _award_row(position: int, award: dict) -> dict:
    year, month, *day = (int(x) for x in award["award_date"].split("-"))
    return {
        "position": position,
        "title": award["title"],
        "awarding_body": award["awarding_body"],
        "award_year": year,
        "award_month": month,
        "award_day": day[0] if day else None,
        "document_number": award.get("document_number"),
        "document_title": award.get("document_title"),
        "treatment": award.get("treatment"),
        "category": award.get("category"),
        "level": award.get("level"),
        "outcome": award["outcome"],
        "honour_kept": True,
    }
