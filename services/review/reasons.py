"""Reviewers who were asked to type the reason for a decision (退回修改 / 不予登记).

The question is kept in the database, so the reason typed after a restart of the bot still
counts, and mirrored in memory, because every message anyone sends is checked against it.
"""

from __future__ import annotations

from storage.records import Address, ReasonAsked
from storage.uow import Database


class AskedReasons:
    def __init__(self) -> None:
        self._asked: dict[Address, ReasonAsked] = {}

    async def restore(self, db: Database) -> None:
        """At start-up: the questions still open when the bot stopped."""
        async with db.uow(read_only=True) as uow:
            self._asked = await uow.reviewers.reasons_asked()

    def of(self, who: Address) -> ReasonAsked | None:
        return self._asked.get(who)

    async def ask(self, db: Database, who: Address, asked: ReasonAsked) -> None:
        async with db.uow() as uow:
            await uow.reviewers.ask_reason(who, asked)
            await uow.commit()
        self._asked[who] = asked

    async def close(self, db: Database, who: Address) -> None:
        """The reason came, or the reviewer pressed something else: stop waiting for it."""
        if self._asked.pop(who, None) is None:
            return
        async with db.uow() as uow:
            await uow.reviewers.reason_answered(who)
            await uow.commit()
