"""People a channel cannot write to any more, and how they come back.

Telegram answers 403 to every message for a person who blocked the bot, so the outbox marks
them unreachable and queues nothing more for them. Unblocking the bot means writing to it
again: from that update on, new messages go out as usual. The set lives in memory as well,
so checking an incoming update costs a set lookup, not a query.
"""

from __future__ import annotations

from storage.records import Address
from storage.uow import Database


class Unreachable:
    def __init__(self, db: Database, known: set[Address] | None = None) -> None:
        self.db = db
        self.known = known or set()

    @classmethod
    async def load(cls, db: Database) -> Unreachable:
        async with db.uow(read_only=True) as uow:
            return cls(db, await uow.notifications.unreachable())

    async def blocked(self, who: Address) -> None:
        """The channel refused for good (Telegram's 403): stop sending to them."""
        async with self.db.uow() as uow:
            await uow.notifications.mark_unreachable(who)
            await uow.commit()
        self.known.add(who)

    async def wrote(self, who: Address) -> None:
        """They wrote to us: reachable again, if they were not."""
        if who not in self.known:
            return
        async with self.db.uow() as uow:
            await uow.notifications.mark_reachable(who)
            await uow.commit()
        self.known.discard(who)

