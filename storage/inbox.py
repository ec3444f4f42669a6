"""The inbox's writes: received updates kept before Telegram is told they arrived, and
forgotten once handled (`InboxUpdate`; bodies sealed at rest).

Every poll keeps a batch and every moment a handled batch goes, so each is one transaction in
one go (`Database.in_one_transaction`): as units of work they held the writers' turn across
their hops, and every answer of every person waited behind them.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import Connection

from storage.models import InboxUpdate, utcnow
from storage.repositories._base import IN_CHUNK, INSERTS
from storage.uow import Database

_INBOX = InboxUpdate.__table__
_KEEP = {
    name: insert(_INBOX).on_conflict_do_nothing(index_elements=[_INBOX.c.update_id])
    for name, insert in INSERTS.items()
}


async def keep(db: Database, updates: Iterable[tuple[int, bytes]]) -> None:
    """Keep (update id, raw JSON) pairs; an id kept already is left as it is."""
    now = utcnow()
    rows = [
        {"update_id": update_id, "body": db.cipher.seal(raw), "received_at": now}
        for update_id, raw in updates
    ]
    if rows:
        statement = _KEEP[db.dialect]
        await db.in_one_transaction(lambda connection: connection.execute(statement, rows))


async def forget(db: Database, update_ids: Iterable[int]) -> None:
    """Handled: they need not be kept any more."""
    ids = list(update_ids)

    def remove(connection: Connection) -> None:
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            connection.execute(sa.delete(_INBOX).where(_INBOX.c.update_id.in_(chunk)))

    if ids:
        await db.in_one_transaction(remove)
