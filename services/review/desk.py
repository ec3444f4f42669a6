"""The reviewer's use cases, for any channel: enrol, queue, open, reveal, decide, hand over,
typed reasons and 代为登记. Every press is re-checked against the database (see access.py);
button data is only a request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialogs.callbacks import REVIEW, ReviewAction, review_action
from dialogs.model import Reply, Start
from dialogs.review import handover_menu, menu, parse_reason, reason_menu, reason_text
from dialogs.texts import CHINESE, speaking, t
from services.committees import committee_name
from services.invites import enrol
from services.registration import Registration
from services.results import Album, Answer
from services.review.access import ReviewerIds, refuse
from services.review.assist import start_assisted
from services.review.decisions import Result, decide, still_open
from services.review.reasons import AskedReasons
from services.review.staff_language import in_chinese
from services.review.views import handover_targets, my_queue, open_entry, queue_page, reveal_id
from storage.errors import DatabaseError
from storage.records import Address, ReasonAsked

log = logging.getLogger(__name__)


def is_review_data(raw: str) -> bool:
    """Whether button data belongs to the review desk (else to the registration form)."""
    return raw.startswith(REVIEW + "|")


class ReviewDesk:
    def __init__(self, registration: Registration) -> None:
        self.registration = registration
        self.db = registration.db
        self.names = registration.divisions
        self.reviewers = ReviewerIds()
        self.reasons = AskedReasons()

    @classmethod
    async def create(cls, registration: Registration) -> ReviewDesk:
        """A desk that knows its reviewers before the first message comes."""
        desk = cls(registration)
        await desk.reviewers.read(registration.db)
        return desk

    # --- messages ----------------------------------------------------------------------

    @in_chinese
    async def enrol(self, who: Address, display_name: str, token: str, update_id: int) -> Answer:
        committee = await enrol(self.db, who, display_name, token, update_id)
        if committee is None:
            return Answer([Reply(t("review.enrol.refused"))])
        self.reviewers.forget()
        named = committee_name(self.names, committee)
        said = [Reply(t("review.enrol.ok", committee=named)), menu()]
        return Answer(said, enrolled=committee)

    @in_chinese
    async def queue(self, who: Address) -> Answer:
        reply = await my_queue(self.db, self.names, who)
        return Answer([reply or Reply(t("review.not_reviewer"))])

    async def reason_asked(self, who: Address) -> ReasonAsked | None:
        """The reason they were asked to type, if any: their next typed text gives it (only
        reviewers are asked)."""
        if not await self.reviewers.contains(self.db, who):
            return None
        return await self.reasons.of(self.db, who)

    @in_chinese
    async def reason(self, who: Address, text: str, asked: ReasonAsked | None) -> Answer:
        """Their typed text, the reason for `asked` as the front desk read it (read once)."""
        reason = parse_reason(text)
        if reason is None or asked is None:
            return Answer([Reply(t("review.reason.invalid"))])
        result = await decide(
            self.db, self.registration.context(), who, asked.button, asked.decision,
            asked.registration_id, asked.version, reason=reason,
        )
        card_ref = self.reasons.card_of(who)
        await self.reasons.answered(self.db, who)
        return Answer([Reply(result.text)], card=result.card, card_ref=card_ref)

    async def at_rest(self, who: Address) -> bool:
        """A reviewer with no registration form open: anything they say gets their menu."""
        if not await self.reviewers.contains(self.db, who):
            return False
        return not await self.registration.has_draft(who)

    @staticmethod
    def menu() -> Answer:
        with speaking(CHINESE):
            return Answer([menu()])

    async def remember_uploads(self, refs: dict[int, str]) -> None:
        """The channel's ids of evidence it uploaded, so the next view re-sends instead; a
        failure only means the next view uploads again."""
        try:
            async with self.db.uow() as uow:
                for evidence_id, ref in refs.items():
                    await uow.evidence.set_telegram_file_id(evidence_id, ref)
                await uow.commit()
        except DatabaseError:
            log.warning("could not keep %d upload ids", len(refs), exc_info=True)

    # --- buttons -----------------------------------------------------------------------

    @in_chinese
    async def press(
        self, who: Address, raw: str, update_id: int | None, card: str | None = None
    ) -> Answer:
        """`card`: the channel's id of the entry card pressed on (or quoted by the pressed
        menu), so that a reason typed later can have it edited too."""
        await self.reasons.close(self.db, who)  # any press ends the waiting
        action = review_action(raw, self.registration.data_limit)
        if action is None:
            async with self.db.uow() as uow:
                await refuse(uow, who, raw, None, "malformed")
                await uow.commit()
            return Answer(refusal=t("review.stale"))
        return await self._verbs[action.verb](self, _Press(who, raw, action, update_id, card))

    async def _list(self, p: _Press) -> Answer:
        reply = await my_queue(self.db, self.names, p.who)
        if reply is None:
            return await self._not_reviewer(p)
        return Answer([reply])

    async def _not_reviewer(self, p: _Press) -> Answer:
        """Someone who is no reviewer (any more: revocation applies from the next press)."""
        async with self.db.uow() as uow:
            await refuse(uow, p.who, p.raw, None, "not_reviewer")
            await uow.commit()
        return Answer(refusal=t("review.not_reviewer"))

    async def _queue(self, p: _Press) -> Answer:
        committee_id, page = p.action.args
        reply = await queue_page(
            self.db, self.names, p.who, p.raw, p.action.verb, committee_id, page
        )
        return _denied() if reply is None else Answer([reply], edit=True)

    async def _open(self, p: _Press) -> Answer:
        ctx = self.registration.context()
        view = await open_entry(self.db, p.who, p.raw, p.action.args[0], ctx)
        if view is None:
            return _denied()
        album = None
        if view.photos:
            caption = t("review.album", reg_no=view.reg_no, n=len(view.photos))
            album = Album(caption, view.photos, shown_before=view.album_shown)
        return Answer([view.card], album=album)

    async def _reveal(self, p: _Press) -> Answer:
        number = await reveal_id(self.db, self.names, p.who, p.raw, p.action.args[0])
        if number is None:
            return _denied()
        return Answer(secret=t("review.reveal", id_number=number))

    async def _confirm(self, p: _Press) -> Answer:
        reg_id, version = p.action.args
        ctx = self.registration.context()
        return _decided(await decide(self.db, ctx, p.who, p.raw, "ok", reg_id, version))

    async def _choose(self, p: _Press) -> Answer:
        """退回修改 / 不予登记 / 转交: first the menu of reasons or committees, quoting the
        card; an entry already decided says so at once instead."""
        reg_id, version = p.action.args
        ctx = self.registration.context()
        late = await still_open(self.db, ctx, p.who, p.raw, reg_id, version)
        if late is not None:
            return _decided(late)
        if p.action.verb == "fwd":
            targets = await handover_targets(self.db, self.names, p.who, p.raw, reg_id)
            reply = None if targets is None else handover_menu(reg_id, version, targets)
        else:
            reply = reason_menu(p.action.verb, reg_id, version)
        return _denied() if reply is None else Answer([reply], quote_pressed=True)

    async def _with_reason(self, p: _Press) -> Answer:
        kind = p.action.verb[:3]
        reg_id, version, index = p.action.args
        reason = reason_text(kind, index)
        if reason is None:
            return Answer(refusal=t("review.stale"))
        ctx = self.registration.context()
        return _decided(
            await decide(self.db, ctx, p.who, p.raw, kind, reg_id, version, reason=reason)
        )

    async def _ask_reason(self, p: _Press) -> Answer:
        reg_id, version = p.action.args
        late = await still_open(self.db, self.registration.context(), p.who, p.raw, reg_id, version)
        if late is not None:
            return _decided(late)
        asked = ReasonAsked(p.action.verb[:3], reg_id, version, p.raw)
        await self.reasons.ask(self.db, p.who, asked, p.card)
        return Answer([Reply(t("review.ask.typed"))])

    async def _hand_over(self, p: _Press) -> Answer:
        reg_id, version, target = p.action.args
        ctx = self.registration.context()
        return _decided(
            await decide(self.db, ctx, p.who, p.raw, "fwd", reg_id, version, target=target)
        )

    async def _assist(self, p: _Press) -> Answer:
        registration = self.registration
        replies = await start_assisted(
            self.db, registration.divisions, registration.context(), p.who
        )
        if replies is None:
            return await self._not_reviewer(p)
        if not replies:  # a form is already open: carry on with it
            replies = (await registration.handle(p.who, Start(), p.update_id)).replies
        return Answer(replies)

    _verbs: dict[str, Callable[[ReviewDesk, _Press], Awaitable[Answer]]] = {  # noqa: RUF012
        "list": _list,
        "assist": _assist,
        "queue": _queue,
        "free": _queue,
        "open": _open,
        "id": _reveal,
        "ok": _confirm,
        "ret": _choose,
        "rej": _choose,
        "fwd": _choose,
        "retr": _with_reason,
        "rejr": _with_reason,
        "rett": _ask_reason,
        "rejt": _ask_reason,
        "fwdc": _hand_over,
    }


@dataclass(frozen=True)
class _Press:
    who: Address
    raw: str
    action: ReviewAction
    update_id: int | None
    card: str | None


def _denied() -> Answer:
    return Answer(refusal=t("review.denied"))


def _decided(result: Result) -> Answer:
    """A decision's answer: what happened, and the entry's card as it now is in place of the
    card the press came from (so no card of a decided entry stays live)."""
    if result.denied:
        return Answer(refusal=result.text)
    return Answer([Reply(result.text)], clear_pressed=result.done, card=result.card)
