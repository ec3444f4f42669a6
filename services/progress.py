"""How the drive is going: per village, how many entries were sent, confirmed, returned or are
waiting; per day, how many were sent (against the deadline); and over the questions of the
form, how far people got and where they stopped. Counts only, never a person's answers, for
`honoree-admin stats --chart` and `stats --json`.

A draft belongs to a place once its household village is answered, so people who stop before
that question are counted only when no place is asked for. A registration that ended at a stop
(不同意, an employer, an award out of scope) is kept as a draft row, but nobody is filling it
in: it is counted as `stopped`, never among the drafts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from dialogs.engine import SUMMARY, next_step
from dialogs.form import AWARD_FIELDS, FIELDS, MORE_AWARDS_KEY, PERSON_FIELDS, SCREEN_FIELDS
from dialogs.texts import t
from services.deadlines import CHINA, due_for
from services.paper import source
from storage.records import RegistrationRecord, Status
from storage.uow import Database

PAGE = 1000
FORM_ORDER = (
    *(f.key for f in SCREEN_FIELDS),
    *(f.key for f in AWARD_FIELDS),
    MORE_AWARDS_KEY,
    *(f.key for f in PERSON_FIELDS),
    SUMMARY,
)
_PREFIX = {"village": 12, "township": 9, "county": 6, "city": 4, "province": 2}
_DONE = {Status.CONFIRMED, Status.EXPORTED}


@dataclass
class VillageCounts:
    code: str
    name: str
    submitted: int = 0  # ever sent to the committee, whatever happened next
    confirmed: int = 0
    returned: int = 0
    waiting: int = 0  # sent and not yet decided
    drafts: int = 0  # still being filled in
    stopped: int = 0  # ended at a stop: told they need not register here


@dataclass
class Step:
    key: str
    label: str
    reached: int  # got at least this far
    left: int  # have a form open at this question now
    stopped: int = 0  # ended at a stop after answering this question


@dataclass
class Progress:
    place: str
    today: date
    deadline: date | None
    villages: list[VillageCounts] = field(default_factory=list)
    sent_per_day: dict[date, int] = field(default_factory=dict)
    funnel: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["today"] = self.today.isoformat()
        out["deadline"] = self.deadline.isoformat() if self.deadline else None
        out["sent_per_day"] = {d.isoformat(): n for d, n in self.sent_per_day.items()}
        return out


def step_label(key: str) -> str:
    if key in FIELDS:
        return FIELDS[key].label
    return t(f"progress.step.{key}")


def position(record: RegistrationRecord) -> int:
    """How far in FORM_ORDER this entry got (len(FORM_ORDER) once it was sent); a stop got as
    far as the last screening question it keeps the answer to (it keeps nothing else)."""
    if record.submitted_at is not None:
        return len(FORM_ORDER)
    draft = record.draft
    if record.stopped:
        return max((i for i, f in enumerate(SCREEN_FIELDS) if f.key in draft.person), default=0)
    draft.editing = None
    key = next_step(draft).key
    return FORM_ORDER.index(key) if key in FORM_ORDER else 0


async def progress(db: Database, place: str | None, today: date) -> Progress:
    """The numbers for `place` (a village, township, county or city code; None: everywhere)."""
    async with db.uow(read_only=True) as uow:
        names = await source.directory(uow, place)
        deadline = due_for(await uow.deadlines.all(), "village")
        root = names.get(place) if place else None
        prefix = place[: _PREFIX[root.level]] if root else ""
        near = root is not None and root.level in ("village", "township")

        def village_name(code: str) -> str:
            if not names.get(code):
                return t("progress.no_village")
            if near:
                return names.display_name(code)
            return names.full_name(code, from_level="township")

        villages: dict[str, VillageCounts] = {}
        sent: Counter[date] = Counter()
        positions: list[int] = []
        drafts_at: Counter[int] = Counter()
        stopped_at: Counter[int] = Counter()
        offset = 0
        while batch := await uow.registrations.list(offset=offset, limit=PAGE):
            offset += len(batch)
            for record in batch:
                code = record.hukou_code or ""
                if place and not code.startswith(prefix):
                    continue
                _count(villages, village_name, code, record, sent)
                where = position(record)
                positions.append(where)
                if record.stopped:
                    stopped_at[where] += 1
                elif record.status is Status.DRAFT:
                    drafts_at[where] += 1
            uow.release_loaded()
    funnel = [
        Step(key, step_label(key), sum(p >= i for p in positions), drafts_at[i], stopped_at[i])
        for i, key in enumerate(FORM_ORDER)
    ]
    return Progress(
        names.full_name(place, from_level="county") if root else t("progress.everywhere"),
        today, deadline[1] if deadline else None,
        sorted(villages.values(), key=lambda v: v.code), dict(sorted(sent.items())), funnel,
    )


def _count(villages, village_name, code: str, record: RegistrationRecord, sent: Counter) -> None:
    if code not in villages:
        villages[code] = VillageCounts(code, village_name(code))
    counts = villages[code]
    if record.stopped:
        counts.stopped += 1
        return
    if record.status is Status.DRAFT:
        counts.drafts += 1
        return
    counts.submitted += 1
    counts.confirmed += record.status in _DONE
    counts.returned += record.status is Status.RETURNED
    counts.waiting += record.status is Status.SUBMITTED
    if record.submitted_at is not None:
        sent[record.submitted_at.astimezone(CHINA).date()] += 1
