"""Reviewers who were asked to type the reason for a decision (退回修改 / 不予登记).

The question is kept in the database, so the reason typed after a restart of the bot still
counts, and mirrored in memory, because every message anyone sends is checked against it.
The channel's id of the card the reason is for (the message a decision edits in place) is kept
in memory only: it is the channel's, not the entry's, and a card missed after a restart only
catches up at its next press (its buttons are re-checked anyway).
"""

from __future__ import annotations

from storage.records import Address, ReasonAsked
from storage.uow import Database


class AskedReasons:
    def __init__(self) -> None:
        self._asked: dict[Address, ReasonAsked] = {}
        self._cards: dict[Address, str] = {}

    async def restore(self, db: Database) -> None:
        """At start-up: the questions still open when the bot stopped."""
        async with db.uow(read_only=True) as uow:
            self._asked = await uow.reviewers.reasons_asked()

    def of(self, who: Address) -> ReasonAsked | None:
        return self._asked.get(who)

    def card_of(self, who: Address) -> str | None:
        return self._cards.get(who)

    async def ask(
        self, db: Database, who: Address, asked: ReasonAsked, card: str | None = None
    ) -> None:
        async with db.uow() as uow:
            await uow.reviewers.ask_reason(who, asked)
            await uow.commit()
        self._asked[who] = asked
        if card is not None:
            self._cards[who] = card

    async def close(self, db: Database, who: Address) -> None:
        """The reason came, or the reviewer pressed something else: stop waiting for it."""
        self._cards.pop(who, None)
        if self._asked.pop(who, None) is None:
            return
        async with db.uow() as uow:
            await uow.reviewers.reason_answered(who)
            await uow.commit()
