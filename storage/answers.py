"""The hot path of an answer: one read and one write, each a single hop to SQLite's database
thread or a single round trip to PostgreSQL.

Most updates change nothing but the open draft. `glance` reads the draft, its version and
whether the update was handled already; the dialog decides without holding a transaction or
the writers' turn; `save_answer` then stores the draft only if its version is still the one
read and records the update id in the same commit. When anything else changed the draft
meanwhile, nothing is written and the caller takes the full unit of work instead. A first
message (`start_draft`) and a photo with its evidence row (`save_with_evidence`) are one write
the same way: on PostgreSQL one statement, a photo's after a round trip for its row's id.

A save returns the glance of what it stored. The process that keeps it (`SavedGlances`) can
start the person's next answer from it with no read at all: the same version check refuses
that save too if the row changed in between.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql

from dialogs.model import Draft
from storage.models import EvidenceFile, ProcessedUpdate, utcnow
from storage.records import Address, OpenDraft, Status, Write
from storage.repositories._base import INSERTS
from storage.repositories.evidence import evidence_row
from storage.repositories.registrations import (
    ACTIVE_DRAFT,
    EDITABLE,
    REGISTRATIONS,
    SAVE_VALUES,
    state_params,
)
from storage.repositories.updates import MARK_UPDATE
from storage.uow import Database

_PROCESSED = ProcessedUpdate.__table__
_EVIDENCE = EvidenceFile.__table__
_GLANCE = ACTIVE_DRAFT.add_columns(
    REGISTRATIONS.c.version,
    sa.exists().where(_PROCESSED.c.update_id == sa.bindparam("update_id")).label("seen"),
)
_OWNED = (
    REGISTRATIONS.c.owner_channel == sa.bindparam("channel"),
    REGISTRATIONS.c.owner_external_id == sa.bindparam("external_id"),
)
_UNCHANGED = (
    REGISTRATIONS.c.id == sa.bindparam("reg_id"),
    REGISTRATIONS.c.version == sa.bindparam("version"),
    EDITABLE,
)
_SAVE_IF_UNCHANGED = sa.update(REGISTRATIONS).where(*_UNCHANGED).values(SAVE_VALUES)
# PostgreSQL: the save and the update's mark as one statement (committed alone). The draft's
# row is locked first if it is still the version read; only then is the update marked, and
# only a new mark lets the save happen: a draft changed meanwhile leaves the update unhandled,
# an update handled meanwhile leaves the draft as it is.
_LOCKED = sa.select(REGISTRATIONS.c.id).where(*_UNCHANGED).with_for_update().cte("unchanged")
_MARKED = (
    postgresql.insert(_PROCESSED)
    .from_select(
        ["update_id", "at"],
        sa.select(
            sa.bindparam("update_id", type_=_PROCESSED.c.update_id.type),
            sa.bindparam("at", type_=_PROCESSED.c.at.type),
        ).select_from(_LOCKED),
    )
    .on_conflict_do_nothing(index_elements=[_PROCESSED.c.update_id])
    .returning(_PROCESSED.c.update_id)
    .cte("marked")
)
_SAVE_AND_MARK = (
    sa.update(REGISTRATIONS)
    .where(REGISTRATIONS.c.id.in_(sa.select(_LOCKED.c.id)),
           sa.exists(sa.select(_MARKED.c.update_id)))
    .values(SAVE_VALUES)
    .returning(REGISTRATIONS.c.id)
    .add_cte(_LOCKED)
    .add_cte(_MARKED)
)




def _pages_before(prefix: str = "") -> sa.Select:
    """A photo's page among the entry's evidence of its kind and award, less one; its values
    bound as the row's columns, named with `prefix`."""
    return sa.select(sa.func.count()).where(
        _EVIDENCE.c.registration_id == sa.bindparam(f"{prefix}registration_id"),
        _EVIDENCE.c.kind == sa.bindparam(f"{prefix}kind"),
        _EVIDENCE.c.award_position.is_not_distinct_from(sa.bindparam(f"{prefix}award_position")),
    )


_PAGES_BEFORE = _pages_before()
_ADD_EVIDENCE = sa.insert(_EVIDENCE).returning(_EVIDENCE.c.id)
# PostgreSQL: a photo in two round trips. The row's id comes first (the dialog's answer names
# it); then the row, counted as the next page, goes in the answer's statement, made only with
# the update's new mark.
_NEXT_EVIDENCE_ID = sa.select(
    sa.func.nextval(sa.func.pg_get_serial_sequence(_EVIDENCE.name, _EVIDENCE.c.id.name))
)
_EVIDENCE_VALUES = [c.name for c in _EVIDENCE.columns if c.name != "page"]
_ADDED = (
    sa.insert(_EVIDENCE)
    .from_select(
        [*_EVIDENCE_VALUES, "page"],
        sa.select(
            *(sa.bindparam(f"evidence_{name}", type_=_EVIDENCE.c[name].type)
              for name in _EVIDENCE_VALUES),
            _pages_before("evidence_").scalar_subquery() + 1,
        ).select_from(_MARKED),
    )
    .returning(_EVIDENCE.c.id)
    .cte("added")
)
_SAVE_MARK_AND_ADD = _SAVE_AND_MARK.add_cte(_ADDED)


# A first message: the update is marked only if the person has no entry at all (nothing to
# resume, nothing submitted before: what they are told then needs the whole unit of work), and
# the new draft is written only with a new mark. INSERT … SELECT … ON CONFLICT, on both engines.
_MARK_IF_NEW = {
    name: insert(_PROCESSED)
    .from_select(
        ["update_id", "at"],
        sa.select(
            sa.bindparam("update_id", type_=_PROCESSED.c.update_id.type),
            sa.bindparam("at", type_=_PROCESSED.c.at.type),
        ).where(~sa.exists().where(*_OWNED)),
    )
    .on_conflict_do_nothing(index_elements=[_PROCESSED.c.update_id])
    .returning(_PROCESSED.c.update_id)
    for name, insert in INSERTS.items()
}
# A new draft's columns; the same values for SQLite's insert and PostgreSQL's one statement.
_NEW_DRAFT_VALUES = {
    **{column: sa.bindparam(column, type_=REGISTRATIONS.c[column].type) for column in (
        "state", "secrets_cipher", "id_hash", "name", "hukou_code", "created_at", "updated_at")},
    "owner_channel": sa.bindparam("channel", type_=REGISTRATIONS.c.owner_channel.type),
    "owner_external_id": sa.bindparam("external_id", type_=REGISTRATIONS.c.owner_external_id.type),
    "status": sa.literal(Status.DRAFT.value, REGISTRATIONS.c.status.type),
    "version": sa.literal(1, REGISTRATIONS.c.version.type),
    "is_demo": sa.false(),
}
_NEW_DRAFT = sa.insert(REGISTRATIONS).values(_NEW_DRAFT_VALUES).returning(REGISTRATIONS.c.id)
# PostgreSQL: the mark and the new draft as one statement (committed alone).
_MARKED_IF_NEW = _MARK_IF_NEW["postgresql"].cte("marked_if_new")
_START_AND_MARK = (
    sa.insert(REGISTRATIONS)
    .from_select(
        list(_NEW_DRAFT_VALUES),
        sa.select(*_NEW_DRAFT_VALUES.values()).select_from(_MARKED_IF_NEW),
    )
    .returning(REGISTRATIONS.c.id)
    .add_cte(_MARKED_IF_NEW)
)


@dataclass(frozen=True)
class Glance:
    """The person's open draft as read, with what a conditional save needs."""

    owner: Address
    record: OpenDraft
    version: int
    seen: bool  # the update was handled already (delivered again)


class SavedGlances:
    """The glances of the drafts this process saved last, by person: the next answer of
    someone in the middle of the form starts from one instead of reading the row again. Each
    is taken out when used, so a save refused or any other path makes it stale no more; the
    oldest is forgotten first."""

    def __init__(self, size: int = 2_000) -> None:
        self._glances: OrderedDict[Address, Glance] = OrderedDict()
        self._size = size

    def take(self, owner: Address) -> Glance | None:
        return self._glances.pop(owner, None)

    def keep(self, glance: Glance) -> None:
        self._glances[glance.owner] = glance
        if len(self._glances) > self._size:
            self._glances.popitem(last=False)


class _Refused(Exception):
    """Rolls back a save that must not happen (its update was marked, its draft changed)."""


async def glance(db: Database, owner: Address, update_id: int) -> Glance | None:
    """The open draft, or None when the person has none."""
    params = {"channel": owner.channel, "external_id": owner.external_id,
              "update_id": update_id}
    if db.dialect == "sqlite":
        row = await db.in_one_hop(
            lambda connection: connection.execute(_GLANCE, params).first(), read_only=True
        )
    else:
        async with db.autocommit() as connection:
            row = (await connection.execute(_GLANCE, params)).first()
    if row is None:
        return None
    reg_id, state, sealed, version, seen = row
    secrets = db.cipher.decrypt_json(sealed) if sealed else {}
    return Glance(owner, OpenDraft(reg_id, Draft.from_storage(state, secrets)), version,
                  bool(seen))


async def save_answer(
    db: Database, seen: Glance, draft: Draft, update_id: int, also: Write | None = None
) -> Glance | None:
    """Store `draft` and mark the update handled, in one commit, if the draft is still the
    version `seen` and the update was not handled meanwhile; None (nothing written)
    otherwise. `also` goes in the same commit, only with the answer.

    What was saved comes back as the glance the next answer would read: a caller that keeps
    it can skip that read, since a save of it is refused too once anything changed the row."""
    params = _save_params(db, seen, draft, update_id)
    if db.dialect != "sqlite":
        saved = await _in_one_statement(db, _SAVE_AND_MARK, params, _constant(also))
        return None if saved is None else _saved(seen, draft)

    def save(connection: Connection) -> bool:
        if connection.execute(_SAVE_IF_UNCHANGED, params).rowcount != 1:
            return False
        if connection.execute(MARK_UPDATE["sqlite"], params).first() is None:
            raise _Refused  # handled meanwhile: the save is rolled back
        if also is not None:
            connection.execute(also.statement, also.params)
        return True

    try:
        saved = await db.in_one_hop(save, read_only=False)
    except _Refused:
        return None
    return _saved(seen, draft) if saved else None


async def save_with_evidence(
    db: Database, seen: Glance, columns: dict[str, Any], update_id: int,
    decide: Callable[[int], tuple[Draft, Write | None] | None],
) -> Glance | None:
    """A photo for the open question: its evidence row (`columns` as `evidence_row` takes
    them, but the page: it is counted here), the answer it makes and the update's mark, in
    one commit, if the draft is still the version `seen` and the update was not handled
    meanwhile. `decide(evidence id)` is the dialog's answer: the draft to store and what goes
    in the same commit, or None when it needs the whole unit of work. None (nothing written)
    whenever the answer is not stored."""

    if db.dialect != "sqlite":
        return await _save_with_evidence_in_one_statement(db, seen, columns, update_id, decide)

    def save(connection: Connection) -> Draft:
        row = evidence_row(seen.record.id, page=1, **columns)
        row["page"] += connection.execute(_PAGES_BEFORE, row).scalar_one()
        evidence_id = connection.execute(_ADD_EVIDENCE, row).scalar_one()
        decided = decide(evidence_id)
        if decided is None:
            raise _Refused
        draft, also = decided
        params = _save_params(db, seen, draft, update_id)
        if connection.execute(_SAVE_IF_UNCHANGED, params).rowcount != 1:
            raise _Refused  # changed meanwhile: the evidence row goes too
        if connection.execute(MARK_UPDATE["sqlite"], params).first() is None:
            raise _Refused
        if also is not None:
            connection.execute(also.statement, also.params)
        return draft

    try:
        draft = await db.in_one_transaction(save)
    except _Refused:
        return None
    return _saved(seen, draft)


async def _save_with_evidence_in_one_statement(
    db: Database, seen: Glance, columns: dict[str, Any], update_id: int,
    decide: Callable[[int], tuple[Draft, Write | None] | None],
) -> Glance | None:
    """PostgreSQL's `save_with_evidence`: the row's id, then one statement (one transaction
    with `also`). An id taken for a photo whose save is refused is simply never used."""
    async with db.autocommit() as connection:
        evidence_id = (await connection.execute(_NEXT_EVIDENCE_ID)).scalar_one()
    decided = decide(evidence_id)
    if decided is None:
        return None
    draft, also = decided
    row = evidence_row(seen.record.id, page=1, **columns) | {"id": evidence_id}
    params = _save_params(db, seen, draft, update_id) | {
        f"evidence_{name}": value for name, value in row.items()
    }
    saved = await _in_one_statement(db, _SAVE_MARK_AND_ADD, params, _constant(also))
    return None if saved is None else _saved(seen, draft)


async def _in_one_statement(
    db: Database, statement: sa.Executable, params: dict[str, Any],
    also: Callable[[int], Write | None] | None,
) -> int | None:
    """PostgreSQL: a write that commits alone, or in one transaction with `also(the id it
    returned)`; that id, or None when it wrote nothing."""
    async with db.autocommit() if also is None else db.transaction() as connection:
        row_id = (await connection.execute(statement, params)).scalar()
        write = also(row_id) if also is not None and row_id is not None else None
        if write is not None:
            await connection.execute(write.statement, write.params)
        return row_id


def _constant(write: Write | None) -> Callable[[int], Write | None] | None:
    return None if write is None else lambda _row_id: write


def _save_params(db: Database, seen: Glance, draft: Draft, update_id: int) -> dict[str, Any]:
    """The bound values of a conditional save of `draft` over the version `seen`."""
    state, secrets = draft.to_storage()
    return {
        **state_params(db.cipher, seen.record.id, state, secrets, draft.person.get("name"),
                       draft.person.get("hukou_code")),
        "version": seen.version, "update_id": update_id, "at": utcnow(),
    }


def _saved(seen: Glance, draft: Draft) -> Glance:
    return Glance(seen.owner, OpenDraft(seen.record.id, draft), seen.version + 1, seen=False)


async def start_draft(
    db: Database, owner: Address, draft: Draft, update_id: int,
    also: Callable[[int], Write | None] | None = None,
) -> Glance | None:
    """A first message: store `draft` as the person's new entry and mark the update handled,
    in one commit, if the person has no entry at all and the update was not handled yet;
    None (nothing written) otherwise. `also(new id)` goes in the same commit."""
    state, secrets = draft.to_storage()
    now = utcnow()
    params = {
        **state_params(db.cipher, None, state, secrets, draft.person.get("name"),
                       draft.person.get("hukou_code")),
        "channel": owner.channel, "external_id": owner.external_id, "update_id": update_id,
        "at": now, "created_at": now, "updated_at": now,
    }
    if db.dialect == "sqlite":
        reg_id = await db.in_one_transaction(partial(_start, params, also))
    else:
        reg_id = await _in_one_statement(db, _START_AND_MARK, params, also)
    return None if reg_id is None else Glance(owner, OpenDraft(reg_id, draft), 1, seen=False)


def _start(params: dict[str, Any], also: Callable[[int], Write | None] | None,
           connection: Connection) -> int | None:
    """SQLite's `start_draft`, in its one write transaction: the new draft's id, or None."""
    if connection.execute(_MARK_IF_NEW["sqlite"], params).first() is None:
        return None  # nothing written
    reg_id = connection.execute(_NEW_DRAFT, params).scalar_one()
    write = also(reg_id) if also is not None else None
    if write is not None:
        connection.execute(write.statement, write.params)
    return reg_id
