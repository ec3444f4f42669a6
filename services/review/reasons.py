"""Reviewers who were asked to type the reason for a decision (退回修改 / 不予登记).

The question is kept in the database only, so the reason typed after a restart of the bot, or
handled by another worker than the press, still counts. Only reviewers are ever asked, so only
their messages read it (services.review.desk checks who is a reviewer first, from a cache).
The channel's id of the card the reason is for (the message a decision edits in place) is kept
in memory only: it is the channel's, not the entry's, and a card missed after a restart (or on
another worker) only catches up at its next press (its buttons are re-checked anyway).
"""

from __future__ import annotations

from storage.records import Address, ReasonAsked
from storage.uow import Database


class AskedReasons:
    def __init__(self) -> None:
        self._cards: dict[Address, str] = {}

    async def of(self, db: Database, who: Address) -> ReasonAsked | None:
        async with db.uow(read_only=True) as uow:
            return await uow.reviewers.reason_asked(who)

    def card_of(self, who: Address) -> str | None:
        return self._cards.get(who)

    async def ask(
        self, db: Database, who: Address, asked: ReasonAsked, card: str | None = None
    ) -> None:
        async with db.uow() as uow:
            await uow.reviewers.ask_reason(who, asked)
            await uow.commit()
        if card is not None:
            self._cards[who] = card

    async def close(self, db: Database, who: Address) -> None:
        """The reviewer pressed something: stop waiting for a reason, if one was asked (a look
        first: most presses end no waiting, and a read costs less than a write)."""
        if await self.of(db, who) is None:
            self._cards.pop(who, None)
        else:
            await self.answered(db, who)

    async def answered(self, db: Database, who: Address) -> None:
        """The reason came: stop waiting for it (no look, the caller knows it was asked)."""
        self._cards.pop(who, None)
        async with db.uow() as uow:
            await uow.reviewers.reason_answered(who)
            await uow.commit()
