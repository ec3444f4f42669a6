"""Committees: township staff open a village/community committee (or a township desk) and keep
its contact, which honorees are told when an entry is refused. Every change is audited."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.divisions import Division, DivisionDirectory
from dialogs.texts import t
from storage.errors import NotACommitteeLevel, NotFoundError
from storage.records import CommitteeRecord, Status
from storage.uow import Database


async def place_names(db: Database) -> DivisionDirectory:
    """Every division, to name committees and places by (`committee_name`)."""
    async with db.uow(read_only=True) as uow:
        rows = await uow.divisions.all_rows()
    return DivisionDirectory(Division(*row) for row in rows)


def committee_name(names: DivisionDirectory, committee: CommitteeRecord) -> str:
    """What reviewers, honorees and township staff call a committee: with its township (and
    county where that is still ambiguous), since 仁义村 alone is four villages of Jilin."""
    if names.get(committee.division_code) is None:
        return committee.name
    return names.distinct_name(committee.division_code)


class CommitteeRefused(ValueError):
    """The committee cannot be opened as asked; the message says why."""


@dataclass(frozen=True)
class CommitteeSummary:
    committee: CommitteeRecord
    reviewers: int
    waiting: int


def refusal(division: str, exc: NotFoundError | NotACommitteeLevel) -> str:
    """Why no committee can be opened for this code, for the staff who typed it."""
    if isinstance(exc, NotACommitteeLevel):
        level = t(f"division.level.{exc.level}")
        return t("committee.refused.level", code=division, level=level)
    return t("committee.refused.unknown", code=division)


async def open_committee(
    db: Database, division: str, contact: str | None, actor: str
) -> tuple[CommitteeRecord, bool]:
    """The committee of `division`, opened now if need be; (committee, whether it is new)."""
    async with db.uow() as uow:
        existing = await uow.committees.get_by_division(division)
        try:
            committee = await uow.committees.add(division, contact=contact)
        except (NotFoundError, NotACommitteeLevel) as exc:
            raise CommitteeRefused(refusal(division, exc)) from exc
        if existing is None:
            await uow.audit.record(
                actor, "committee.added", committee_id=committee.id, division=division,
                contact=contact,
            )
        await uow.commit()
    return committee, existing is None


async def change_contact(
    db: Database, division: str, contact: str | None, actor: str
) -> CommitteeRecord | None:
    """None when the division has no committee yet."""
    async with db.uow() as uow:
        before = await uow.committees.get_by_division(division)
        if before is None:
            return None
        committee = await uow.committees.set_contact(division, contact)
        await uow.audit.record(
            actor, "committee.contact_changed", committee_id=before.id,
            before=before.contact, after=committee.contact,
        )
        await uow.commit()
    return committee


async def committees(db: Database, township: str | None) -> list[CommitteeSummary]:
    """Committees with how many reviewers they have and how many entries wait for them."""
    async with db.uow(read_only=True) as uow:
        found = []
        for c in await uow.committees.list(township_code=township):
            reviewers = await uow.reviewers.list(committee_id=c.id)
            counts = await uow.registrations.count_by_status(committee_id=c.id)
            found.append(CommitteeSummary(c, len(reviewers), counts.get(Status.SUBMITTED, 0)))
    return found
