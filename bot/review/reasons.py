"""Reviewers who were asked to type the reason for a decision (退回修改 / 不予登记).

The question is kept in the database, so the reason typed after a restart of the bot still
counts, and mirrored in memory, because every message anyone sends is checked against it.
"""

from __future__ import annotations

from storage.records import ReasonAsked
from storage.uow import Database


class AskedReasons:
    def __init__(self) -> None:
        self._asked: dict[int, ReasonAsked] = {}

    async def restore(self, db: Database) -> None:
        """At start-up: the questions still open when the bot stopped."""
        async with db.uow(read_only=True) as uow:
            self._asked = await uow.reviewers.reasons_asked()

    def of(self, user_id: int) -> ReasonAsked | None:
        return self._asked.get(user_id)

    async def ask(self, db: Database, user_id: int, asked: ReasonAsked) -> None:
        async with db.uow() as uow:
            await uow.reviewers.ask_reason(user_id, asked)
            await uow.commit()
        self._asked[user_id] = asked

    async def close(self, db: Database, user_id: int) -> None:
        """The reason came, or the reviewer pressed something else: stop waiting for it."""
        if self._asked.pop(user_id, None) is None:
            return
        async with db.uow() as uow:
            await uow.reviewers.reason_answered(user_id)
            await uow.commit()
