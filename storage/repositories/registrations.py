"""Registrations: the honoree's form from first answer to export.

Personal numbers live only in `secrets_cipher` (AES-GCM) plus a keyed hash of the ID number;
the dialog `state` must never contain them. Every write bumps `version`, so a caller holding
an old record can make its change conditional on nobody having changed the row since.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any, TypedDict, Unpack

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.model import Draft
from dialogs.summary import in_scope_awards
from storage.clock import utcnow
from storage.crypto import FieldCipher
from storage.errors import InvalidStateError, NotFoundError
from storage.models import Award, Committee, Registration, RegistrationCounter
from storage.records import (
    EDITABLE_STATUSES,
    Address,
    AwardOutcome,
    AwardRow,
    CommitteeKind,
    OpenDraft,
    RegistrationRecord,
    Status,
)
from storage.repositories._base import IN_CHUNK, Repository
from storage.repositories.audit import AuditRepository
from storage.repositories.divisions import DivisionRepository

_DECIDED = {Status.CONFIRMED, Status.REJECTED, Status.RETURNED}
_NO_SYNC = {"synchronize_session": False}
# Every update reads and writes the open entry: table-level statements built once, so the
# dialog's hot path needs no ORM objects and SQLAlchemy finds them in its compiled cache.
REGISTRATIONS = Registration.__table__
EDITABLE = REGISTRATIONS.c.status.in_([s.value for s in EDITABLE_STATUSES])
ACTIVE_DRAFT = (
    sa.select(REGISTRATIONS.c.id, REGISTRATIONS.c.state, REGISTRATIONS.c.secrets_cipher)
    .where(
        REGISTRATIONS.c.owner_channel == sa.bindparam("channel"),
        REGISTRATIONS.c.owner_external_id == sa.bindparam("external_id"),
        EDITABLE,
    )
    .order_by(REGISTRATIONS.c.updated_at.desc(), REGISTRATIONS.c.id.desc())
    .limit(1)
)
SAVE_VALUES = {
    **{
        column: sa.bindparam(column)
        for column in ("state", "secrets_cipher", "id_hash", "name", "hukou_code", "updated_at")
    },
    "version": REGISTRATIONS.c.version + 1,
}
_SAVE = sa.update(REGISTRATIONS).where(REGISTRATIONS.c.id == sa.bindparam("reg_id"), EDITABLE)
_SAVE_STATE = _SAVE.values(SAVE_VALUES)
_SAVE_STATE_FILLED_BY = _SAVE.values({**SAVE_VALUES, "filled_by": sa.bindparam("filled_by")})


def _award_row(a: Award) -> AwardRow:
    return AwardRow(
        position=a.position,
        title=a.title,
        awarding_body=a.awarding_body,
        award_year=a.award_year,
        award_month=a.award_month,
        award_day=a.award_day,
        document_number=a.document_number,
        document_title=a.document_title,
        treatment=a.treatment,
        category=a.category,
        level=a.level,
        outcome=AwardOutcome(a.outcome),
        honour_kept=a.honour_kept,
    )


def award_rows(draft: Draft) -> list[AwardRow]:
    """The draft's awards that are registered here, as the award table holds them."""
    rows = []
    for position, a in in_scope_awards(draft):
        year, month, *day = (int(x) for x in a["award_date"].split("-"))
        rows.append(AwardRow(
            position=position,
            title=a["title"],
            awarding_body=a["awarding_body"],
            award_year=year,
            award_month=month,
            award_day=day[0] if day else None,
            document_number=a.get("document_number"),
            document_title=a.get("document_title"),
            treatment=a.get("treatment"),
            category=a.get("category"),
            level=a.get("level"),
            outcome=AwardOutcome(a["outcome"]),
        ))
    return rows


def state_params(
    cipher: FieldCipher, reg_id: int | None, state: dict[str, Any], secrets: dict[str, str],
    name: str | None, hukou_code: str | None,
) -> dict[str, Any]:
    """The bound values of a save: the answers, the sealed secrets and the copied columns."""
    id_number = secrets.get("id_number")
    return {
        "reg_id": reg_id,
        "state": state,
        "secrets_cipher": cipher.encrypt_json(secrets) if secrets else None,
        "id_hash": cipher.id_hash(id_number) if id_number else None,
        "name": name,
        "hukou_code": hukou_code,
        "updated_at": utcnow(),
    }


class EntryFilters(TypedDict, total=False):
    """Which entries: by place, committee and status. `unassigned_only` is the township's
    queue of entries whose village has no committee; demo entries are included by default."""

    township_code: str | None
    county_code: str | None
    village_code: str | None
    committee_id: int | None
    statuses: Iterable[Status] | None
    include_demo: bool
    unassigned_only: bool


def _clauses(
    township_code: str | None = None,
    county_code: str | None = None,
    village_code: str | None = None,
    committee_id: int | None = None,
    statuses: Iterable[Status] | None = None,
    include_demo: bool = True,
    unassigned_only: bool = False,
) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if township_code is not None:
        where.append(Registration.township_code == township_code)
    if county_code is not None:
        where.append(Registration.township_code.startswith(county_code[:6]))
    if village_code is not None:
        where.append(Registration.hukou_code == village_code)
    if committee_id is not None:
        where.append(Registration.committee_id == committee_id)
    if unassigned_only:
        where.append(Registration.committee_id.is_(None))
    if statuses is not None:
        where.append(Registration.status.in_([Status(s) for s in statuses]))
    if not include_demo:
        where.append(Registration.is_demo.is_(False))
    return where


class RegistrationRepository(Repository):
    def __init__(
        self,
        session: AsyncSession,
        cipher: FieldCipher,
        divisions: DivisionRepository,
        audit: AuditRepository,
    ) -> None:
        super().__init__(session)
        self._cipher = cipher
        self._divisions = divisions
        self._audit = audit

    # --- reading -------------------------------------------------------------------------

    async def get(self, reg_id: int) -> RegistrationRecord | None:
        found = await self._fetch(self._select().where(Registration.id == reg_id))
        return found[0] if found else None

    async def get_by_reg_no(self, reg_no: str) -> RegistrationRecord | None:
        """The entry with this 登记编号 (e.g. 222401100-0001), or None."""
        found = await self._fetch(self._select().where(Registration.reg_no == reg_no))
        return found[0] if found else None

    async def reg_nos(self, ids: Iterable[int]) -> dict[int, str | None]:
        """登记编号 by registration id, without reading whole entries (None: never submitted).

        Ids that do not exist are left out.
        """
        wanted = list(dict.fromkeys(ids))
        found: dict[int, str | None] = {}
        for start in range(0, len(wanted), IN_CHUNK):
            stmt = sa.select(Registration.id, Registration.reg_no).where(
                Registration.id.in_(wanted[start : start + IN_CHUNK])
            )
            found.update({reg_id: reg_no for reg_id, reg_no in await self.session.execute(stmt)})
        return found

    async def get_active(self, owner: Address) -> RegistrationRecord | None:
        """The person's most recently touched draft or returned entry (what /start resumes)."""
        found = await self.load_draft(owner)
        return await self.get(found.id) if found else None

    async def load_draft(self, owner: Address) -> OpenDraft | None:
        """The same entry as `get_active`, reduced to its answers: the dialog's hot path."""
        params = {"channel": owner.channel, "external_id": owner.external_id}
        row = (await self.session.execute(ACTIVE_DRAFT, params)).first()
        if row is None:
            return None
        reg_id, state, sealed = row
        secrets = self._cipher.decrypt_json(sealed) if sealed else {}
        return OpenDraft(reg_id, Draft.from_storage(state, secrets))

    async def list_for_owner(self, owner: Address, limit: int = 20) -> list[RegistrationRecord]:
        """Everything the person has filled in, newest first (for /status)."""
        stmt = (
            self._select()
            .where(
                Registration.owner_channel == owner.channel,
                Registration.owner_external_id == owner.external_id,
            )
            .order_by(Registration.id.desc())
            .limit(limit)
        )
        return await self._fetch(stmt)

    async def find_by_id_hash(
        self, id_hash: str | Sequence[str], exclude_id: int | None = None
    ) -> list[RegistrationRecord]:
        """Registrations of one ID number; during a key rotation give its hash under every key
        (`FieldCipher.id_hashes`), as rows not yet re-encrypted carry the old one."""
        hashes = [id_hash] if isinstance(id_hash, str) else list(id_hash)
        stmt = self._select().where(Registration.id_hash.in_(hashes)).order_by(Registration.id)
        if exclude_id is not None:
            stmt = stmt.where(Registration.id != exclude_id)
        return await self._fetch(stmt)

    async def list(
        self, *, offset: int = 0, limit: int = 50, **filters: Unpack[EntryFilters]
    ) -> list[RegistrationRecord]:
        """Entries by place/committee/status, in id order (stable pages)."""
        stmt = self._select().where(*_clauses(**filters))
        return await self._fetch(stmt.order_by(Registration.id).offset(offset).limit(limit))

    async def count_by_status(self, **filters: Unpack[EntryFilters]) -> dict[Status, int]:
        stmt = (
            sa.select(Registration.status, sa.func.count())
            .where(*_clauses(**filters))
            .group_by(Registration.status)
        )
        return {Status(status): n for status, n in await self.session.execute(stmt)}

    # --- writing -------------------------------------------------------------------------

    async def create_draft(
        self, owner: Address, filled_by: str | None = None, is_demo: bool = False
    ) -> RegistrationRecord:
        now = utcnow()
        row = Registration(
            owner_channel=owner.channel,
            owner_external_id=owner.external_id,
            status=Status.DRAFT,
            state={},
            filled_by=filled_by,
            is_demo=is_demo,
            version=1,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        record = await self.get(row.id)
        assert record is not None
        return record

    async def save_draft(self, reg_id: int, draft: Draft, *, filled_by: str | None = None) -> None:
        """Store the draft: its answers as JSON, its personal numbers encrypted, and the
        columns the queues search by (name, household village) copied out of it."""
        state, secrets = draft.to_storage()
        await self.save_state(
            reg_id, state, secrets, name=draft.person.get("name"),
            hukou_code=draft.person.get("hukou_code"), filled_by=filled_by,
        )

    async def submit_draft(
        self, reg_id: int, draft: Draft, *, filled_by: str | None = None
    ) -> RegistrationRecord:
        """Save the draft and hand it to its committee with the awards that are in scope."""
        await self.save_draft(reg_id, draft, filled_by=filled_by)
        return await self.submit(reg_id, award_rows(draft))

    async def save_state(
        self,
        reg_id: int,
        state: dict[str, Any],
        secrets: dict[str, str],
        *,
        name: str | None,
        hukou_code: str | None,
        filled_by: str | None = None,
    ) -> None:
        """Store the dialog's answers; `secrets` (ID number, phones) are encrypted.

        Only drafts and returned entries can be edited. `filled_by=None` keeps the stored value.
        """
        params = state_params(self._cipher, reg_id, state, secrets, name, hukou_code)
        if filled_by is not None:
            params["filled_by"] = filled_by
        save = _SAVE_STATE_FILLED_BY if filled_by is not None else _SAVE_STATE
        if (await self.session.execute(save, params)).rowcount != 1:
            await self._raise_not_editable(reg_id)

    async def submit(
        self, reg_id: int, awards: Sequence[AwardRow | Mapping[str, Any]]
    ) -> RegistrationRecord:
        """Hand the entry to its committee: assign the number, route it, store the awards.

        Routing: the committee of the hukou village/community, else None, i.e. the township's
        unassigned queue (an entry is never dropped for lack of a committee). Awards may be
        given as AwardRow or as mappings with the same keys.
        """
        award_rows = [a if isinstance(a, AwardRow) else AwardRow(**a) for a in awards]
        row = await self.session.scalar(
            self._select().where(Registration.id == reg_id).with_for_update()
        )
        if row is None:
            raise NotFoundError(f"registration {reg_id} does not exist")
        if row.status not in EDITABLE_STATUSES:
            raise InvalidStateError(f"registration {reg_id} is {row.status}, cannot submit")
        if not award_rows:
            raise InvalidStateError(f"registration {reg_id} has no award to submit")
        if row.hukou_code is None:
            raise InvalidStateError(f"registration {reg_id} has no 户籍所在地 yet")
        township = await self._divisions.township_of(row.hukou_code)
        if township is None:
            raise InvalidStateError(f"户籍 code {row.hukou_code} is not inside a township")
        committee_id = await self.session.scalar(
            sa.select(Committee.id).where(
                Committee.division_code == row.hukou_code, Committee.kind == CommitteeKind.VILLAGE
            )
        )
        first_submit = row.reg_no is None
        reg_no = row.reg_no or await self._next_reg_no(township.code)
        now = utcnow()
        result = await self.session.execute(
            sa.update(Registration)
            .where(Registration.id == reg_id, Registration.version == row.version)
            .values(
                status=Status.SUBMITTED,
                reg_no=reg_no,
                township_code=township.code,
                committee_id=committee_id,
                submitted_at=now,
                updated_at=now,
                version=Registration.version + 1,
            ),
            execution_options=_NO_SYNC,
        )
        if result.rowcount != 1:
            raise InvalidStateError(f"registration {reg_id} changed while being submitted")
        await self._replace_awards(reg_id, award_rows)
        await self._audit.record(
            Address(row.owner_channel, row.owner_external_id).actor,
            "submitted",
            reg_id,
            reg_no=reg_no,
            township_code=township.code,
            committee_id=committee_id,
            first_submit=first_submit,
            awards=len(award_rows),
        )
        record = await self.get(reg_id)
        assert record is not None
        return record

    async def set_status(self, reg_id: int, new_status: Status, *, expected_version: int) -> bool:
        """Change the status if the row is still at `expected_version`; False if someone won.

        Transition rules (who may confirm, return, export) belong to the caller.
        """
        new_status = Status(new_status)
        now = utcnow()
        values: dict[str, Any] = {
            "status": new_status,
            "updated_at": now,
            "version": Registration.version + 1,
        }
        if new_status in _DECIDED:
            values["decided_at"] = now
        if new_status is Status.EXPORTED:
            values["exported_at"] = now
        stmt = (
            sa.update(Registration)
            .where(Registration.id == reg_id, Registration.version == expected_version)
            .values(**values)
        )
        result = await self.session.execute(stmt, execution_options=_NO_SYNC)
        return result.rowcount == 1

    async def move(self, reg_id: int, committee_id: int, *, expected_version: int) -> bool:
        """Put a submitted entry in another committee's queue (转交); False if someone won."""
        stmt = (
            sa.update(Registration)
            .where(
                Registration.id == reg_id,
                Registration.version == expected_version,
                Registration.status == Status.SUBMITTED,
            )
            .values(committee_id=committee_id, updated_at=utcnow(),
                    version=Registration.version + 1)
        )
        result = await self.session.execute(stmt, execution_options=_NO_SYNC)
        return result.rowcount == 1

    async def delete_draft(self, reg_id: int) -> bool:
        """Delete a never-submitted draft (with its evidence rows); False if not a draft."""
        stmt = sa.delete(Registration).where(
            Registration.id == reg_id, Registration.status == Status.DRAFT
        )
        result = await self.session.execute(stmt, execution_options=_NO_SYNC)
        return result.rowcount == 1

    # --- helpers -------------------------------------------------------------------------

    async def _next_reg_no(self, township_code: str) -> str:
        """Per-township sequence via an upserted counter row; the row lock serialises callers."""
        stmt = (
            self._insert(RegistrationCounter)
            .values(township_code=township_code, last_seq=1)
            .on_conflict_do_update(
                index_elements=[RegistrationCounter.township_code],
                set_={"last_seq": RegistrationCounter.last_seq + 1},
            )
            .returning(RegistrationCounter.last_seq)
        )
        seq = await self.session.scalar(stmt)
        return f"{township_code[:9]}-{seq:04d}"

    async def _replace_awards(self, reg_id: int, awards: Sequence[AwardRow]) -> None:
        await self.session.execute(
            sa.delete(Award).where(Award.registration_id == reg_id), execution_options=_NO_SYNC
        )
        await self.session.execute(
            sa.insert(Award), [{**asdict(a), "registration_id": reg_id} for a in awards]
        )

    async def _raise_not_editable(self, reg_id: int) -> None:
        status = await self.session.scalar(
            sa.select(Registration.status).where(Registration.id == reg_id)
        )
        if status is None:
            raise NotFoundError(f"registration {reg_id} does not exist")
        raise InvalidStateError(f"registration {reg_id} is {status}, its answers are locked")

    @staticmethod
    def _select() -> sa.Select[tuple[Registration]]:
        return sa.select(Registration).execution_options(populate_existing=True)

    async def _fetch(self, stmt: sa.Select[tuple[Registration]]) -> list[RegistrationRecord]:
        rows = list(await self.session.scalars(stmt))
        if not rows:
            return []
        awards: dict[int, list[AwardRow]] = {r.id: [] for r in rows}
        award_rows = await self.session.scalars(
            sa.select(Award)
            .execution_options(populate_existing=True)
            .where(Award.registration_id.in_(list(awards)))
            .order_by(Award.registration_id, Award.position)
        )
        for a in award_rows:
            awards[a.registration_id].append(_award_row(a))
        return [self._record(r, awards[r.id]) for r in rows]

    def _record(self, r: Registration, awards: list[AwardRow]) -> RegistrationRecord:
        return RegistrationRecord(
            id=r.id,
            reg_no=r.reg_no,
            owner=Address(r.owner_channel, r.owner_external_id),
            status=Status(r.status),
            state=r.state,
            secrets=self._cipher.decrypt_json(r.secrets_cipher) if r.secrets_cipher else {},
            name=r.name,
            hukou_code=r.hukou_code,
            township_code=r.township_code,
            committee_id=r.committee_id,
            filled_by=r.filled_by,
            is_demo=r.is_demo,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
            submitted_at=r.submitted_at,
            decided_at=r.decided_at,
            exported_at=r.exported_at,
            awards=awards,
        )
