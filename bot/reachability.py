"""Chats that blocked the bot, and how they come back.

Telegram answers 403 to every message for a person who blocked the bot, so the outbox marks
the chat unreachable and queues nothing more for it. Unblocking the bot means writing to it
again: from that update on, new messages go out as usual. The set lives in memory as well,
so checking an incoming update costs a set lookup, not a query.
"""

from __future__ import annotations

from storage.uow import Database


class Unreachable:
    def __init__(self, db: Database, chats: set[int] | None = None) -> None:
        self.db = db
        self.chats = chats or set()

    @classmethod
    async def load(cls, db: Database) -> Unreachable:
        async with db.uow(read_only=True) as uow:
            return cls(db, await uow.notifications.unreachable_chats())

    async def blocked(self, chat_id: int) -> None:
        """Telegram said 403: stop sending to this chat."""
        async with self.db.uow() as uow:
            await uow.notifications.mark_unreachable(chat_id)
            await uow.commit()
        self.chats.add(chat_id)

    async def wrote(self, chat_id: int) -> None:
        """The chat wrote to the bot: reachable again, if it was not."""
        if chat_id not in self.chats:
            return
        async with self.db.uow() as uow:
            await uow.notifications.mark_reachable(chat_id)
            await uow.commit()
        self.chats.discard(chat_id)

