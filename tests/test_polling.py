"""The poller's bookkeeping in the database: handled updates leave the inbox, old ids go."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot import polling
from services import inbox
from services.inbox import Inbox
from storage.uow import Database


async def test_handled_updates_leave_the_inbox_and_old_processed_ids_are_forgotten(
    db: Database, monkeypatch
):
    monkeypatch.setattr(polling, "FORGET_EVERY", 0.01)
    monkeypatch.setattr(polling, "PRUNE_EVERY", 0.0)
    monkeypatch.setattr(inbox, "KEEP_PROCESSED", timedelta(seconds=-1))  # "old" = all
    await Inbox(db).keep([(7, b'{"update_id": 7}'), (8, b'{"update_id": 8}')])
    async with db.uow() as uow:
        await uow.updates.mark(7)
        await uow.commit()
    poller = polling.Poller(None, None, Inbox(db))  # only its database side is used here
    poller._handled.append(7)
    forgetting = asyncio.create_task(poller._forget_handled())
    await asyncio.sleep(0.3)
    forgetting.cancel()
    async with db.uow(read_only=True) as uow:
        left = await uow.inbox.pending()
        assert not await uow.updates.seen(7)
    assert [handled for _, handled in left] == [False]  # 8 was never handled: it stays
