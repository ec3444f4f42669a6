"""Committee review as pure functions: the entry card, queue pages, reasons and who may review.

Button data (`dialogs.callbacks.review`) is only a request: the bot re-checks every one against
the database, so nothing here decides who may see or change an entry (see `may_review` for the
rule it applies).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dialogs import callbacks
from dialogs.divisions import DivisionDirectory
from dialogs.form import AWARD_FIELDS, FIELDS, PERSON_FIELDS, Kind
from dialogs.masking import mask_id, mask_phone
from dialogs.model import Button, Context, Draft, Reply
from dialogs.questions import rows
from dialogs.summary import display, in_scope_awards, summary_text
from dialogs.texts import t

CHINA = ZoneInfo("Asia/Shanghai")
RETURN_REASONS = tuple(f"review.ret.{i}" for i in range(5))
REJECT_REASONS = tuple(f"review.rej.{i}" for i in range(6))
REASONS = {"ret": RETURN_REASONS, "rej": REJECT_REASONS}
PAGE_SIZE = 8


def may_review(
    entry_committee_id: int | None,
    entry_township: str | None,
    committee_id: int,
    desk_of_township: str | None,
) -> bool:
    """A reviewer acts on the entries of their own committee; a township desk (role township)
    also on every entry of its township, including those with no village committee."""
    if entry_committee_id is not None and entry_committee_id == committee_id:
        return True
    return desk_of_township is not None and entry_township == desk_of_township


def parse_reason(text: str | None) -> str | None:
    """A typed reason, tidied; None when it is empty or too long to tell someone kindly."""
    reason = " ".join((text or "").split())
    return reason if 2 <= len(reason) <= 200 else None


def reason_text(kind: str, index: int) -> str | None:
    keys = REASONS.get(kind, ())
    return t(keys[index]) if index < len(keys) else None


def status_name(status: str) -> str:
    """The catalogue's word for an entry status (review cards, notices, admin lists)."""
    return t(f"review.status.{status}")


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(CHINA)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


# --- the entry card ----------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """Another registration with the same ID number (found by its keyed hash)."""

    reg_no: str | None
    where: str
    status: str


@dataclass(frozen=True)
class EntryFacts:
    """What the card shows besides the answers: the record's state and what the bot found."""

    reg_id: int
    version: int
    reg_no: str | None
    status: str
    committee: str | None  # None: waiting for the township desk
    submitted_at: datetime | None
    photos: int = 0
    duplicates: tuple[Duplicate, ...] = ()
    album_shown: bool = False  # this reviewer already got the photos of this version above


def entry_card(d: Draft, facts: EntryFacts, ctx: Context) -> str:
    """The whole form as the honoree confirmed it (ID masked), the rule behind each category,
    and everything the reviewer should look at twice."""
    masked = d.model_copy(deep=True)
    if masked.person.get("id_number"):
        masked.person["id_number"] = mask_id(masked.person["id_number"])
    # the reviewer's copy of the card, without "请核对填写的内容：" and its gap
    body = summary_text(masked, ctx, staff=True).split("\n")[2:]
    lines = [
        t("review.card.title", reg_no=facts.reg_no or "", status=status_name(facts.status)),
        t(
            "review.card.meta",
            submitted=when(facts.submitted_at),
            committee=facts.committee or t("review.card.unassigned"),
        ),
    ]
    changed = changes(d, ctx.divisions) if facts.status == "submitted" else []
    if changed:
        lines += ["", t("review.card.changed"), *changed]
    lines += ["", *body, "", t("review.card.rules")]
    for n, (_, award) in enumerate(in_scope_awards(d), start=1):
        lines.append(t("review.card.rule", n=n, rule=award.get("rule", "")))
    if facts.photos:
        photos = "review.card.photos_above" if facts.album_shown else "review.card.photos"
        lines.append(t(photos, n=facts.photos))
    warnings = _warnings(d, facts)
    if warnings:
        lines += ["", t("review.card.warnings"), *warnings]
    return "\n".join(lines)


def _warnings(d: Draft, facts: EntryFacts) -> list[str]:
    said = [
        t(
            "review.warn.duplicate",
            reg_no=x.reg_no or t("review.no_reg_no"),
            where=x.where,
            status=status_name(x.status),
        )
        for x in facts.duplicates
    ]
    for n, (_, award) in enumerate(in_scope_awards(d), start=1):
        if award.get("outcome") == "uncertain":
            said.append(t("review.warn.uncertain", n=n, reason=award.get("reason", "")))
    said += [t("review.warn.flag", text=flag_text(flag)) for flag in d.flags]
    if not facts.photos:
        said.append(t("review.warn.no_photos"))
    return said


def flag_text(flag: Mapping[str, object]) -> str:
    """A note another part of the bot left for the reviewer (OCR disagreements and the like):
    its own `text` when it has one, else its facts, labelled where the form knows the key."""
    if flag.get("text"):
        return str(flag["text"])
    index = flag.get("award")
    where = "review.flag.award" if isinstance(index, int) else "review.flag.person"
    award = t(where, n=index + 1) if isinstance(index, int) else t(where)
    if flag.get("kind") == "ocr_mismatch" and flag.get("field") in FIELDS:
        key = str(flag["field"])
        return t("review.flag.ocr_mismatch", where=award, label=FIELDS[key].label,
                 read=display(key, flag.get("read")), typed=display(key, flag.get("typed")))
    if flag.get("kind") == "name_not_listed":
        return t("review.flag.name_not_listed", where=award, name=flag.get("typed", ""))
    parts = []
    for key, value in flag.items():
        if key != "kind" and value not in (None, ""):
            label = FIELDS[str(value)].label if key == "field" and value in FIELDS else value
            parts.append(f"{key}={label}")
    return f"{flag.get('kind', '')}: " + ", ".join(parts)


def answers_shown(d: Draft, divisions: DivisionDirectory) -> dict[str, str]:
    """Every printed answer as a reviewer reads it, personal numbers masked, keyed by field
    ("name", "2|award_year" for the second award): kept when an entry is returned, so that
    its resubmission can say what changed."""
    shown = {}
    for f in (FIELDS["filled_by"], *PERSON_FIELDS):
        if f.printed and f.applies(d.person):
            shown[f.key] = _shown(f.key, d.person.get(f.key), divisions)
    for n, (_, award) in enumerate(in_scope_awards(d), start=1):
        for f in AWARD_FIELDS:
            if f.printed and f.applies(d.person, award):
                shown[f"{n}|{f.key}"] = _shown(f.key, award.get(f.key), divisions)
    return shown


def _shown(key: str, value: object, divisions: DivisionDirectory) -> str:
    if key == "id_number":
        return mask_id(str(value or ""))
    if FIELDS[key].kind is Kind.PHONE:
        return mask_phone(str(value or ""))
    return display(key, value, divisions)


def changes(d: Draft, divisions: DivisionDirectory) -> list[str]:
    """What the honoree changed since the entry was returned ("label：old → new"), in form
    order; empty when it was never returned."""
    if d.reviewed is None:
        return []
    before, after = d.reviewed, answers_shown(d, divisions)
    said = []
    for key in dict.fromkeys([*after, *before]):
        old, new = before.get(key, ""), after.get(key, "")
        if old != new:
            award, _, field = key.rpartition("|")
            label = FIELDS[field].label if field in FIELDS else field
            if award:
                label = t("review.change.award", n=award, label=label)
            empty = t("summary.empty")
            said.append(t("review.change", label=label, old=old or empty, new=new or empty))
    return said


def entry_buttons(facts: EntryFacts) -> tuple[tuple[Button, ...], ...]:
    """Decisions only while the entry waits for review; reveal and back always."""
    reg, ver = facts.reg_id, facts.version
    buttons = []
    if facts.status == "submitted":
        buttons += [
            Button(t("review.btn.confirm"), callbacks.review("ok", reg, ver)),
            Button(t("review.btn.return"), callbacks.review("ret", reg, ver)),
            Button(t("review.btn.reject"), callbacks.review("rej", reg, ver)),
            Button(t("review.btn.handover"), callbacks.review("fwd", reg, ver)),
        ]
    buttons += [
        Button(t("review.btn.reveal"), callbacks.review("id", reg)),
        Button(t("review.btn.back"), callbacks.review("list")),
    ]
    return rows(buttons, 2)


def reason_menu(kind: str, reg_id: int, version: int) -> Reply:
    """Common reasons for 退回修改 ("ret") or 不予登记 ("rej"), and a way to type one."""
    buttons = [
        Button(t(key), callbacks.review(kind + "r", reg_id, version, i))
        for i, key in enumerate(REASONS[kind])
    ]
    buttons.append(Button(t("review.btn.typed"), callbacks.review(kind + "t", reg_id, version)))
    ask = "review.ask.return" if kind == "ret" else "review.ask.reject"
    return Reply(t(ask), rows(buttons, 1))


def handover_menu(reg_id: int, version: int, committees: Sequence[tuple[int, str]]) -> Reply:
    if not committees:
        return Reply(t("review.handover.none"))
    buttons = [
        Button(name, callbacks.review("fwdc", reg_id, version, cid)) for cid, name in committees
    ]
    return Reply(t("review.ask.handover"), rows(buttons, 2))


def menu() -> Reply:
    buttons = [
        Button(t("review.btn.queue"), callbacks.review("list")),
        Button(t("review.btn.assist"), callbacks.review("assist")),
    ]
    return Reply(t("review.menu"), rows(buttons, 2))


# --- the queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    reg_id: int
    name: str
    id_number: str | None  # masked here, never shown in full in a list


@dataclass(frozen=True)
class QueuePage:
    """One page of a committee's waiting entries ("queue"), or of a township's unassigned
    entries ("free", for its desk), oldest first."""

    verb: str
    committee_id: int
    committee: str
    waiting: Sequence[QueueItem]  # every waiting entry, oldest first
    page: int = 0
    counts: Mapping[str, int] | None = None  # the committee's other statuses
    free: int | None = None  # a desk: how many wait without a village committee
    deadline: str | None = None  # "📅 村（社区）审核：还有 5 天（…截止）" where one is set


def queue_reply(q: QueuePage) -> Reply:
    pages = max(1, -(-len(q.waiting) // PAGE_SIZE))
    page = min(max(q.page, 0), pages - 1)
    title = "review.queue.title" if q.verb == "queue" else "review.queue.free_title"
    lines = [t(title, committee=q.committee, n=len(q.waiting))]
    if q.deadline:
        lines.append(q.deadline)
    if q.counts is not None:
        others = ("returned", "confirmed", "rejected", "exported")
        lines.append(t("review.queue.counts", **{s: q.counts.get(s, 0) for s in others}))
    shown = q.waiting[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    if shown:
        lines.append(t("review.queue.hint", page=page + 1, pages=pages))
    else:
        lines.append(t("review.queue.empty"))
    layout = [(Button(_item_label(item), callbacks.review("open", item.reg_id)),) for item in shown]
    paging = []
    if page > 0:
        paging.append(Button(t("btn.prev"), callbacks.review(q.verb, q.committee_id, page - 1)))
    if page + 1 < pages:
        paging.append(Button(t("btn.next"), callbacks.review(q.verb, q.committee_id, page + 1)))
    if paging:
        layout.append(tuple(paging))
    if q.free:
        free = Button(t("review.btn.free", n=q.free), callbacks.review("free", q.committee_id, 0))
        layout.append((free,))
    return Reply("\n".join(lines), tuple(layout), edit=True)


def _item_label(item: QueueItem) -> str:
    return " · ".join(x for x in (item.name, mask_id(item.id_number)) if x)


def committee_picker(committees: Sequence[tuple[int, str]]) -> Reply:
    buttons = [Button(name, callbacks.review("queue", cid, 0)) for cid, name in committees]
    return Reply(t("review.queue.pick"), rows(buttons, 1))
