"""Registration: one event of a honoree's conversation — load the draft, let dialogs/ decide,
save, then say what to reply. Any channel calls it with who wrote (an `Address`) and what.

The answer is committed before any reply is produced, so a crash after the commit loses nothing
and a crash before it means the person's message is delivered again (unconfirmed update).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dialogs import callbacks, engine, stops
from dialogs import record as record_of
from dialogs.divisions import DivisionDirectory
from dialogs.model import (
    Button,
    Context,
    Draft,
    Event,
    OcrRead,
    Outcome,
    PhotoRejected,
    PhotoSaved,
    Press,
    Reply,
    Start,
    Step,
    Text,
    Unsupported,
)
from dialogs.ocr_answers import NAME_SEP
from dialogs.record import Closing
from dialogs.texts import CHINESE, LANGUAGES, language, speaking, switch, t
from ocr.extract import Extraction
from ocr.image import ImageInfo, ImageRejected, inspect_image
from ocr.service import OcrService, to_json
from services.committees import committee_name, place_names
from services.review.intake import on_submitted
from storage import answers
from storage.files import EvidenceStore
from storage.records import Address, OpenDraft, Write
from storage.uow import Database, UnitOfWork

log = logging.getLogger(__name__)
CHINA = ZoneInfo("Asia/Shanghai")
NEW_REGISTRATION = callbacks.action("new")  # start a registration for another person
ASK_CANCEL = callbacks.action("cancel?")  # /cancel: ask before deleting the draft
LANGUAGE_ACTION = "lang"  # 中文 / 조선말: a press of callbacks.action("lang", tag)
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # enough for any phone photo (and what Telegram lets bots fetch)
MIN_CONFIDENCE = 0.5  # below this a reading is not worth showing


class UploadTooLarge(Exception):
    """Raised by a channel's download when the file is over what it can fetch."""


@dataclass
class Result:
    replies: list[Reply]
    alert: str | None = None  # a press was refused (an old button): a short notice on it
    closes: Closing | None = None  # the open question was answered: its message keeps the record
    waits: bool = False  # the replies say "reading the photo": what `later` brings replaces them
    again: bool = False  # a redelivered update: the open question is said anew, nothing edited


# What a channel keeps of an event's result, given the open draft after it: a write for the
# event's own commit (None: nothing to keep).
Keep = Callable[[Result, OpenDraft | None], Write | None]
Decided = tuple[Draft, Result]  # the dialog's answer: the draft after an event, what is said


@dataclass
class PhotoEvidence:
    """A photo for the open question, on disk already: its evidence row is made with the
    answer it brings (`columns` as storage's evidence rows take them, less the page)."""

    registration_id: int
    columns: dict[str, Any]
    saved: list[PhotoSaved] = field(default_factory=list)  # the event, once its row is made

    async def __call__(self, uow: UnitOfWork) -> Event:
        """Inside the whole unit of work: the row commits with its answer, or not at all."""
        existing = await uow.evidence.list_for(self.registration_id)
        kind, award = self.columns["kind"], self.columns["award_position"]
        page = 1 + sum(1 for e in existing if e.kind == kind and e.award_position == award)
        evidence = await uow.evidence.add(self.registration_id, page=page, **self.columns)
        self.saved[:] = [PhotoSaved(evidence.id)]
        return self.saved[0]


@dataclass(frozen=True)
class Upload:
    """A photo or file someone sent, as the channel knows it before fetching its bytes."""

    size: int | None  # what the channel says, when it says it
    download: Callable[[], Awaitable[bytes]]
    channel_ref: str | None = None  # the channel's own id of the file (Telegram's file_id)
    what: str = "photo"  # "photo" or "document": how it came, for the refusal text


class Registration:
    """The honoree's use cases: start/resume, answer, photo, submit, cancel, status."""

    def __init__(
        self,
        db: Database,
        divisions: DivisionDirectory,
        store: EvidenceStore,
        ocr: OcrService | None = None,
        *,
        data_limit: int | None = None,
        saved_is_latest: Callable[[], bool] = lambda: True,
    ) -> None:
        self.db = db
        self.divisions = divisions
        self.store = store
        self.ocr = ocr
        # Button data longer than the channels' limit is forged. Channels served together share
        # the strictest one; None: no channel limits its button data.
        self.data_limit = data_limit
        self._locks: defaultdict[Address, asyncio.Lock] = defaultdict(asyncio.Lock)
        # What this process saved of a person is the latest unless another worker may have
        # served them since (told by the channel's turn; the saves' version check guards the
        # rest): None of it is used otherwise.
        self._saved = answers.SavedGlances()
        self._saved_is_latest = saved_is_latest
        self._reading: set[asyncio.Task] = set()

    @classmethod
    async def create(
        cls,
        db: Database,
        store: EvidenceStore,
        ocr: OcrService | None = None,
        *,
        data_limit: int | None = None,
        saved_is_latest: Callable[[], bool] = lambda: True,
    ) -> Registration:
        return cls(db, await place_names(db), store, ocr, data_limit=data_limit,
                   saved_is_latest=saved_is_latest)

    def context(self, contact: str | None = None) -> Context:
        now = datetime.now(UTC)
        return Context(
            today=now.astimezone(CHINA).date(),
            now=now,
            divisions=self.divisions,
            ocr=self.ocr is not None,
            contact=contact,
        )

    async def _context_for(self, uow, draft: Draft, event: Event | None = None) -> Context:
        """The context of this draft's event: with its committee's contact where one is known
        (said at a stop, so nobody is left without someone to ask)."""
        if not draft.stopped:
            return self.context()
        contact = None
        pressed = stops.pressed_village(event)
        for code in filter(None, (pressed, draft.person.get("hukou_code"), draft.nav.get("code"))):
            committee = await uow.committees.get_by_division(code)
            if committee is not None and committee.contact:
                contact = f"{committee.name} {committee.contact}"
                break
        return self.context(contact)

    async def close(self) -> None:
        """Let photos being read finish their answer (bounded), then stop the workers."""
        if self._reading:
            await asyncio.wait(self._reading, timeout=5)
        if self.ocr is not None:
            await self.ocr.close()

    async def handle(
        self,
        who: Address,
        event: Event | PhotoEvidence,
        update_id: int | None,
        *,
        message_ref: str | None = None,
        keep: Keep | None = None,
    ) -> Result:
        """Apply one event; returns what to say. Serialised per person (albums, double taps).
        `message_ref` is the channel's id of a typed message, so that an edit of it can count.
        `keep` gives what the channel keeps of the result (a page's screen) for the same
        commit as the answer, so that one event is one write."""
        async with self._locks[who]:
            return await self._handle(who, event, update_id, message_ref, keep=keep)

    async def edited(self, who: Address, message_ref: str, text: str, update_id: int) -> Result:
        """A typed message was edited. The new words answer its question while that question is
        still open (the first words were refused) or was the last one answered; otherwise the
        person hears how to change an answer at the summary card."""
        async with self._locks[who]:
            async with self.db.uow(read_only=True) as uow:
                record = await uow.registrations.load_draft(who)
            draft = record.draft if record else None
            typed = draft.typed if draft else None
            if typed and typed["ref"] == message_ref:
                step = Step(typed["key"], typed["award"])
                if typed["taken"] and step.field is not None:
                    return await self._handle(who, Text(text), update_id, message_ref, step)
                if not typed["taken"] and engine.next_step(draft) == step:
                    return await self._handle(who, Text(text), update_id, message_ref)
            async with self.db.uow() as uow:
                fresh = await uow.updates.mark(update_id)
                await uow.commit()
            if not fresh or draft is None:
                return Result([])
            with speaking(draft.lang):
                return Result([Reply(t("edited.too_late")), *engine.ask(draft, self.context())])

    async def _handle(
        self,
        who: Address,
        event: Event | PhotoEvidence,
        update_id: int | None,
        message_ref: str | None = None,
        reopen: Step | None = None,
        *,
        keep: Keep | None = None,
        seen: answers.Glance | None = None,
    ) -> Result:
        """`seen`: the draft as just read in this turn, if the caller read it."""
        with speaking(language()):  # the draft's language holds inside, and only inside
            saved = self._saved.take(who)  # stale after this event, whatever it does
            saved = saved if saved is not None and self._saved_is_latest() else None
            saved = seen or saved
            if reopen is None:
                quick = await self._answer_quickly(who, event, update_id, message_ref, keep,
                                                   saved)
                if quick is not None:
                    return quick
            async with self.db.uow() as uow:
                result = await self._in_unit(uow, who, event, update_id, message_ref, reopen)
                kept = keep(result, await uow.registrations.load_draft(who)) if keep else None
                if kept is not None:
                    await uow.add(kept)
                await uow.commit()
            return result

    async def _in_unit(self, uow, who, event, update_id, message_ref, reopen) -> Result:
        """The whole unit of work of an event, for its caller to commit."""
        fresh = update_id is None or await uow.updates.mark(update_id)
        record = await uow.registrations.load_draft(who)
        if record is None:
            wants_new = isinstance(event, Press) and event.data == NEW_REGISTRATION
            history = await uow.registrations.list_for_owner(who, limit=5)
            if not fresh or (history and not wants_new):
                old_button = t("stale") if fresh and isinstance(event, Press) else None
                return Result([self._finished(history)] if fresh else [], old_button)
            if isinstance(event, Press) and not wants_new:
                stray = self._stray(event)
                if stray is not None:
                    if stray.alert and not callbacks.well_formed(event.data, self.data_limit):
                        await uow.audit.record(who.actor, "callback.refused", data=event.data[:80])
                    return stray
            created = await uow.registrations.create_draft(who)
            record = OpenDraft(created.id, created.draft)
            record.draft.lang = language()  # the channel's hint (Telegram, the browser)
            event = Start() if wants_new else event
        else:
            created = None
        draft = record.draft
        switch(draft.lang)
        chosen = chosen_language(event)
        if chosen is not None and fresh:
            return await self._choose_language(uow, record.id, draft, chosen)
        if reopen is not None:  # an edited message answers its question again
            draft.editing = {"key": reopen.key, "award": reopen.award}
        pressed = event.data if isinstance(event, Press) else None
        refused = pressed is not None and not callbacks.well_formed(pressed, self.data_limit)
        if refused and fresh:  # nothing is applied, the open question is shown again
            await uow.audit.record(
                who.actor, "callback.refused", registration_id=record.id, data=pressed[:80],
            )
            return Result(engine.ask(draft, self.context()), t("stale"))
        if not fresh:
            # Delivered again after a crash: it was applied once; show the open question.
            return Result(engine.ask(draft, self.context()), again=True)
        if isinstance(event, PhotoEvidence):  # its row, made inside this unit of work
            event = await event(uow)
        ctx = await self._context_for(uow, draft, event)
        before = record_of.asked(draft, event, ctx)
        outcome = engine.apply(draft, event, ctx)  # a draft of its own
        if outcome.draft.stopped and not draft.stopped and outcome.replies:
            # the stop itself names the committee's contact
            stop = engine.ask(outcome.draft, await self._context_for(uow, outcome.draft))
            outcome = replace(outcome, replies=[*outcome.replies[:-1], *stop])
        closes = record_of.closing(before, event, outcome.draft, ctx)
        _remember_typed(outcome.draft, event, before, closes, message_ref)
        replies = await self._apply(uow, who, record.id, outcome)
        if created is not None:
            replies = _offer_languages(replies)
        log.info("handled", extra={"update": update_id, "entry": record.id,
                                   "event": type(event).__name__})
        if reopen is not None and closes is not None:  # said anew: its first record is above
            replies = [Reply(t("edited.applied", record=closes.record)), *replies]
            closes = None
        return Result(replies, outcome.alert, closes)

    async def _answer_quickly(self, who, event, update_id, message_ref, keep,
                              saved: answers.Glance | None) -> Result | None:
        """The common update, an answer that only changes the open draft: one read and one
        conditional write (storage.answers), or only the write when this process saved the
        draft last; a first message, a new draft, and a photo with its evidence row, the same
        way. None when it needs the whole unit of work."""
        photo = event if isinstance(event, PhotoEvidence) else None
        if update_id is None or chosen_language(event) is not None:
            return None
        seen = saved or await answers.glance(self.db, who, update_id)
        if seen is None:  # someone new, unless they have entries that are no draft
            if isinstance(event, Press) or photo is not None:  # a finished entry's, or stray
                return None
            draft = Draft(lang=language())  # the channel's hint (Telegram, the browser)
        else:
            if seen.seen or seen.record.draft.stopped:
                return None
            if isinstance(event, Press) and not callbacks.well_formed(event.data,
                                                                      self.data_limit):
                return None
            draft = seen.record.draft
        switch(draft.lang)
        ctx = self.context()

        def decide(event: Event) -> Decided | None:
            """The dialog's answer and the draft after it; None: the whole unit of work."""
            before = record_of.asked(draft, event, ctx)
            outcome = engine.apply(draft, event, ctx)
            if outcome.delete or outcome.submit or outcome.draft.stopped:
                return None
            closes = record_of.closing(before, event, outcome.draft, ctx)
            _remember_typed(outcome.draft, event, before, closes, message_ref)
            replies = outcome.replies if seen else _offer_languages(outcome.replies)
            return outcome.draft, Result(replies, outcome.alert, closes)

        def kept(reg_id: int, decided: Decided) -> Write | None:
            new, result = decided
            return None if keep is None else keep(result, OpenDraft(reg_id, new))

        if photo is not None:
            stored, decided = await self._save_photo(seen, photo, update_id, decide, kept)
        else:
            decided = decide(event)
            if decided is None:
                return None
            if seen is None:
                stored = await answers.start_draft(
                    self.db, who, decided[0], update_id,
                    None if keep is None else lambda reg_id: kept(reg_id, decided),
                )
            else:
                stored = await answers.save_answer(self.db, seen, decided[0], update_id,
                                                   kept(seen.record.id, decided))
        if stored is None:
            return None
        self._saved.keep(stored)
        log.info("handled", extra={"update": update_id, "entry": stored.record.id,
                                   "event": type(event).__name__})
        return decided[1]

    async def _save_photo(
        self, seen: answers.Glance, photo: PhotoEvidence, update_id: int,
        decide: Callable[[Event], Decided | None], kept: Callable[[int, Decided], Write | None],
    ) -> tuple[answers.Glance | None, Decided | None]:
        """A photo's quick path: the dialog answers the evidence row inside the commit that
        makes it (the answer names the row's id), so nothing holds the writers' turn while
        the event loop comes round."""
        decided = None

        def answer(evidence_id: int) -> tuple[Draft, Write | None] | None:
            nonlocal decided
            photo.saved[:] = [PhotoSaved(evidence_id)]
            decided = decide(photo.saved[0])
            return None if decided is None else (decided[0], kept(seen.record.id, decided))

        stored = await answers.save_with_evidence(self.db, seen, photo.columns, update_id, answer)
        if stored is None:
            photo.saved.clear()  # rolled back: the whole unit of work adds the row
        return stored, decided

    async def _choose_language(self, uow, reg_id: int, draft: Draft, lang: str) -> Result:
        """中文 / 조선말 pressed: every answer stays, the open question is asked in `lang`."""
        draft.lang = lang
        switch(lang)
        await uow.registrations.save_draft(reg_id, draft)
        return Result([Reply(t("lang.set")), *engine.ask(draft, self.context())])

    async def language(self, who: Address) -> list[Reply]:
        """/language: the two buttons, in the language the person reads now."""
        async with self.db.uow(read_only=True) as uow:
            record = await uow.registrations.load_draft(who)
        with speaking(record.draft.lang if record else language()):
            return [Reply(t("lang.choose"), (language_buttons(),))]

    async def _apply(self, uow, who: Address, reg_id: int, outcome: Outcome) -> list[Reply]:
        d = outcome.draft
        if outcome.delete or d.stopped:
            # Nothing personal is kept for someone who cannot or will not register (evidence
            # rows go with the draft); a stop is remembered so what they write next is
            # answered kindly instead of starting the form again.
            await uow.registrations.delete_draft(reg_id)
            if d.stopped and not outcome.delete:
                record = await uow.registrations.create_draft(who)
                await uow.registrations.save_draft(record.id, engine.without_answers(d))
            return outcome.replies
        if not outcome.submit:
            await uow.registrations.save_draft(reg_id, d)
            return outcome.replies
        d.return_reason = None
        submitted = await uow.registrations.submit_draft(reg_id, d)
        # the review queue and the reviewers' notices
        with speaking(CHINESE):  # the reviewers' notices and card stay Chinese
            submitted = await on_submitted(uow, self.divisions, submitted)
        committee = None
        if submitted.committee_id is not None:
            committee = await uow.committees.get(submitted.committee_id)
        where = (
            committee_name(self.divisions, committee)
            if committee
            else self.divisions.full_name(submitted.township_code or "", from_level="county")
        )
        receipt = t("submitted", reg_no=submitted.reg_no, where=where)
        if committee and committee.contact:
            receipt += "\n" + t("submitted.contact", contact=committee.contact)
        return [Reply(receipt, remove_keyboard=True)]

    async def photo(
        self,
        who: Address,
        update_id: int,
        upload: Upload,
        later: Callable[[list[Reply]], Awaitable[None]] | None = None,
        *,
        keep: Keep | None = None,
    ) -> Result:
        """A photo or image file: store it as evidence if the open question wants one.

        With OCR on, award evidence is read in the background; what it finds reaches the
        person through `later` (called once, maybe with no replies), so nobody waits for a
        reading. `keep` as for `handle`: the file is on disk first, then its row, the answer
        and what the channel keeps are one write.
        """
        async with self._locks[who]:
            seen = self._saved.take(who)  # as in `_handle`: stale after this, whatever happens
            seen = seen if seen is not None and self._saved_is_latest() else None
            seen = seen or await answers.glance(self.db, who, update_id)
            draft = seen.record.draft if seen else Draft()
            slot = engine.photo_slot(draft)
            if seen is None or slot is None or seen.seen:  # seen: redelivered, stored already
                return await self._handle(who, Unsupported(upload.what), update_id, keep=keep,
                                          seen=seen)
            fetched = await self._fetch_photo(seen.record.id, upload)
            if isinstance(fetched, PhotoRejected):
                return await self._handle(who, fetched, update_id, keep=keep, seen=seen)
            data, info = fetched
            stored = await asyncio.to_thread(self.store.save, data, "." + info.format.lower())
            kind, award = slot
            photo = PhotoEvidence(seen.record.id, {
                "award_position": award, "kind": kind, "stored": stored, "mime": info.mime,
                "width": info.width, "height": info.height,
                "telegram_file_id": upload.channel_ref,
            })
            saved = photo.saved
            reads = self.ocr is not None and award is not None and later is not None
            asked = engine.next_step(draft).field
            notice = reads and asked is not None and asked.photo_first is not None

            def told(result: Result) -> Result:
                """Whether its replies say "reading the photo", known before a channel keeps it."""
                result.waits = notice and bool(saved)
                return result

            kept = None if keep is None else lambda result, record: keep(told(result), record)
            result = told(await self._handle(who, photo, update_id, keep=kept, seen=seen))
        if saved and reads:
            name = draft.person.get("name")
            task = asyncio.create_task(
                self._read(who, saved[0].evidence_id, award, data, name, later)
            )
            self._reading.add(task)
            task.add_done_callback(self._reading.discard)
        return result

    async def _read(self, who: Address, evidence_id, award, data, name, later) -> None:
        """Read one photo in the OCR pool, keep the reading, and let the dialog use it."""
        result = await self.ocr.read(data, registrant_name=name)
        async with self.db.uow() as uow:
            await uow.evidence.set_ocr(evidence_id, to_json(result))
            await uow.commit()
        fields = {}
        if result.ok and result.extraction is not None:
            for key in Extraction.FIELDS:
                guess = getattr(result.extraction, key)
                if guess is not None and guess.confidence >= MIN_CONFIDENCE:
                    fields[key] = guess.value
            if result.extraction.names_listed:
                fields["names_listed"] = NAME_SEP.join(result.extraction.names_listed)
        event = OcrRead(evidence_id, award, fields, None if result.ok else result.error)
        log.info("ocr read ok=%s in %.2fs", result.ok, result.seconds,
                 extra={"event": "OcrRead", "evidence": evidence_id})
        reply = await self.handle(who, event, None)
        await later(reply.replies)  # also when there is nothing to say: the notice goes

    async def _fetch_photo(
        self, reg_id: int, upload: Upload
    ) -> tuple[bytes, ImageInfo] | PhotoRejected:
        """Download and check the image; any problem becomes a PhotoRejected with a reason."""
        if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
            return PhotoRejected("too_large")
        try:
            data = await upload.download()
        except Exception as err:  # network trouble or Telegram's "file is too big": ask again
            log.warning("photo download failed", exc_info=True, extra={"entry": reg_id})
            too_big = isinstance(err, UploadTooLarge)
            return PhotoRejected("too_large" if too_big else "download_failed")
        if len(data) > MAX_PHOTO_BYTES:
            return PhotoRejected("too_large")
        try:
            return data, await asyncio.to_thread(inspect_image, data)
        except ImageRejected as err:
            return PhotoRejected(err.code)

    async def status(self, who: Address) -> str:
        async with self.db.uow(read_only=True) as uow:
            records = [r for r in await uow.registrations.list_for_owner(who) if not r.stopped]
        newest = max(records, key=lambda r: r.id) if records else None
        with speaking(newest.draft.lang if newest else language()):  # the form's own language
            return _status_lines(records) if records else t("status.none")

    async def help(self, who: Address) -> list[Reply]:
        """/help: what the bot does, then the open question again (mid-form nobody has to
        remember where they were)."""
        async with self.db.uow(read_only=True) as uow:
            record = await uow.registrations.load_draft(who)
        draft = record.draft if record else None
        with speaking(draft.lang if draft else language()):
            if draft is None or draft.stopped or not draft.person:
                return [Reply(t("help"))]
            return [Reply(t("help")), *engine.ask(draft, self.context())]

    @staticmethod
    def _finished(history) -> Reply:
        """Someone whose entries are all submitted wrote again: where they stand, and a way on."""
        text = _status_lines(history) + "\n\n" + t("finished.hint")
        return Reply(text, ((Button(t("btn.new_registration"), NEW_REGISTRATION),),))

    def _stray(self, pressed: Press) -> Result | None:
        """A press that answers nothing of a form not begun (an old message, a reviewer's, a
        forged one): the first question and no empty draft; None when it does answer it."""
        empty = Draft()
        if callbacks.well_formed(pressed.data, self.data_limit):
            outcome = engine.handle(empty, pressed, self.context())
            if outcome.draft != empty:
                return None
        return Result(engine.ask(empty, self.context()), t("stale"))

    async def has_draft(self, who: Address) -> bool:
        """Is a registration being filled in (a stopped one only remembers the stop)?"""
        async with self.db.uow(read_only=True) as uow:
            record = await uow.registrations.load_draft(who)
        return record is not None and not record.draft.stopped


def language_buttons() -> tuple[Button, ...]:
    """中文 / 조선말: each button names its language in that language."""
    return tuple(
        Button(t(f"btn.lang.{lang}"), callbacks.action(LANGUAGE_ACTION, lang)) for lang in LANGUAGES
    )


def _offer_languages(replies: list[Reply]) -> list[Reply]:
    """A new draft's first question offers 中文 / 조선말 too (the open question holds the
    buttons)."""
    if not replies or not replies[-1].buttons:
        return replies
    last = replies[-1]
    return [*replies[:-1], replace(last, buttons=(*last.buttons, language_buttons()))]


def chosen_language(event) -> str | None:
    """The language a press of 中文 / 조선말 chose, else None."""
    decoded = callbacks.decode(event.data) if isinstance(event, Press) else None
    if isinstance(decoded, callbacks.Action) and decoded.name == LANGUAGE_ACTION:
        return decoded.argument if decoded.argument in LANGUAGES else None
    return None


def _remember_typed(d: Draft, event, before, closes, message_ref: str | None) -> None:
    """Keep which question a typed message answered, until anything else is answered."""
    if isinstance(event, Text) and message_ref is not None and before is not None:
        step = before.step
        d.typed = {"ref": message_ref, "key": step.key, "award": step.award,
                   "taken": closes is not None}
    elif closes is not None or isinstance(event, Text):
        d.typed = None


def _status_lines(records) -> str:
    return "\n".join(
        t(f"status.{r.status}", reg_no=r.reg_no or "", name=r.name or t("status.unnamed"))
        for r in records[:5]
    )

