"""The step machine: given the answers so far and what the person just did, what happens next.

The next question is always the first applicable field that has no answer yet, so resuming
after a crash, a week of silence or an edit needs no extra bookkeeping.
"""

from __future__ import annotations

from dataclasses import replace

from dialogs import (
    award_rules,
    callbacks,
    conflicts,
    edit_menu,
    ocr_answers,
    parsing,
    questions,
    stops,
)
from dialogs import validators as v
from dialogs.form import (
    AWARD_FIELDS,
    BIRTH_WRONG,
    CONSENT_YES,
    EMPLOYER_CATEGORY,
    FIELDS,
    MORE_AWARDS,
    MORE_AWARDS_KEY,
    PERSON_FIELDS,
    SAME_AS_HUKOU,
    SCREEN_FIELDS,
    SERVING_CATEGORY,
    Kind,
    in_scope,
)
from dialogs.model import (
    Contact,
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
from dialogs.summary import display, summary_replies
from dialogs.texts import t
from dialogs.validators import Invalid

SUMMARY = "summary"

# Screening answers (option codes) that end the registration here, with the text saying why.
STOPPERS = {
    ("consent", "decline"): "stop.no_consent",
    ("alive", "deceased"): "stop.deceased",
    ("person_category", SERVING_CATEGORY): "stop.serving",
    ("person_category", EMPLOYER_CATEGORY): "stop.employer",
}


def next_step(d: Draft) -> Step:
    if d.editing:
        return Step(d.editing["key"], d.editing.get("award"))
    for f in SCREEN_FIELDS:
        if f.key not in d.person and f.awaits(d.person):
            return Step(f.key)
    for i, award in enumerate(d.awards):
        for f in AWARD_FIELDS:
            if f.key not in award and f.awaits(d.person, award):
                return Step(f.key, i)
    if not d.person.get(MORE_AWARDS_KEY):
        return Step(MORE_AWARDS_KEY)
    for f in PERSON_FIELDS:
        if f.key not in d.person and f.awaits(d.person):
            return Step(f.key)
    return Step(SUMMARY)


def photo_slot(d: Draft) -> tuple[str, int | None] | None:
    """The evidence kind and award the open question wants a photo for, or None."""
    if d.stopped:
        return None
    step = next_step(d)
    f = step.field
    if f is not None and f.kind is Kind.PHOTOS:
        return f.evidence_kind or f.key, step.award
    if f is not None and f.photo_first:
        return FIELDS[f.photo_first].evidence_kind or f.photo_first, step.award
    return None


def ask(d: Draft, ctx: Context) -> list[Reply]:
    """The open question again (after /start, a stale button, or bad input)."""
    if d.stopped:
        return [stops.stop_reply(d, ctx)]
    if d.conflict:
        return [questions.conflict(d, ctx)]
    step = next_step(d)
    if step.key == SUMMARY:
        return summary_replies(d, ctx)
    return [questions.render(step, d, ctx)]


def handle(draft: Draft, event: Event, ctx: Context) -> Outcome:
    """Apply one event to a copy of the draft; the caller saves `outcome.draft` before replying."""
    return apply(draft.fresh_copy(), event, ctx)


def apply(d: Draft, event: Event, ctx: Context) -> Outcome:
    """`handle` on the draft itself, for a caller that owns it and will not look at it again
    (the bot loads a fresh one for every update): the copy is not needed then."""
    out = Outcome(draft=d)
    if isinstance(event, Start) and d.stopped:  # "发 /start 重新开始": a clean start
        return _restart(out, ctx)
    if isinstance(event, Start):
        _suggest_village(d, event.village, ctx)
        out.replies = _greeting(d) + ask(d, ctx)
        return out
    pressed = callbacks.decode(event.data) if isinstance(event, Press) else None
    if isinstance(pressed, callbacks.Action):
        return _global_action(d, pressed, ctx, out)
    d.cancel_asked = False  # answering anything means the person goes on
    if isinstance(event, OcrRead):
        out.replies = _ocr_read(d, event, ctx)
        return out
    if d.stopped:
        out.replies = stops.after_stop(d, event, ctx)
        return out
    if isinstance(event, Text | Press | Contact):
        d.conflict = None  # an answer again instead of choosing which one to fix
    step = next_step(d)
    named = step.field is not None and step.field.kind is Kind.NAME
    if isinstance(event, Text) and named and parsing.means_later(event.text, could_be_a_name=True):
        out.replies = _later(d, ctx)  # "等会再填" at the name question is no name
        return out
    try:
        if step.key == SUMMARY:
            out.replies = [Reply(t("summary.use_buttons")), *summary_replies(d, ctx)]
            return out
        if isinstance(event, Press) and callbacks.stale(event.data, step.token):
            out.alert = t("stale")
            out.replies = ask(d, ctx)
            return out
        f = step.field
        if isinstance(event, PhotoSaved) and f is not None and f.photo_first:
            target = d.awards[step.award] if step.award is not None else d.person
            target.setdefault("_" + f.photo_first, []).append(event.evidence_id)
            out.replies = [Reply(t("ocr.reading" if ctx.ocr else "photo.kept"))]
            if not ctx.ocr:
                out.replies += ask(d, ctx)
            return out
        if isinstance(event, PhotoRejected) and f is not None and f.photo_first:
            raise Invalid(f"photo.{event.code}")  # a photo is welcome here, but not this file
        if isinstance(event, Unsupported) and (f is None or f.kind is not Kind.PHOTOS):
            known = ("photo", "sticker", "voice", "document")
            raise Invalid(f"unsupported.{event.what if event.what in known else 'other'}")
        extra = _answer(d, step, event, ctx)
    except Invalid as err:
        if isinstance(event, Text) and parsing.means_later(event.text):
            out.replies = _later(d, ctx)  # no ID card at hand: no error, all is kept
            return out
        out.replies = with_error(str(err), ask(d, ctx))
        return out
    if extra is None:  # browsing (division pages) or a photo added: the same question stays open
        out.replies = questions.after_browse(step, d, ctx, event)
        return out
    out.replies = [*extra, *ask(d, ctx)]
    return out


def without_answers(d: Draft) -> Draft:
    """What is kept of a stopped registration: the stop and the screening answers (nothing
    personal), so what the person writes next is answered and the way on still works."""
    kept = {f.key for f in SCREEN_FIELDS} | {"consent_at", "hukou_code"}
    person = {key: value for key, value in d.person.items() if key in kept}
    nav = {"code": d.nav["code"]} if d.nav.get("code") else {}
    return Draft(person=person, stopped=d.stopped, nav=nav)


def with_error(error: str, question: list[Reply]) -> list[Reply]:
    """Bad input: the error and the open question in one message, not two."""
    if not question:
        return [Reply(error)]
    first = question[0]
    return [replace(first, text=f"{error}\n\n{first.text}", edit=False), *question[1:]]


def _later(d: Draft, ctx: Context) -> list[Reply]:
    """Not now: all is kept and /start continues (the question stays, for who finds the card)."""
    return with_error(t("later"), ask(d, ctx))


def _restart(out: Outcome, ctx: Context) -> Outcome:
    out.draft = Draft()
    out.replies = [Reply(t("welcome")), *ask(out.draft, ctx)]
    return out


def _suggest_village(d: Draft, code: str | None, ctx: Context) -> None:
    """Keep the linked village for the household question, while that is still unanswered."""
    division = ctx.divisions.get(code or "")
    if division is None or division.level != "village" or "hukou_code" in d.person:
        return
    d.nav = {"suggested": division.code}


def _greeting(d: Draft) -> list[Reply]:
    if d.return_reason:
        return [Reply(t("returned.intro", reason=d.return_reason))]
    titles = [a["title"] for a in d.awards if a.get("title")]
    if titles:
        return [Reply(t("resume.award", title="、".join(titles)))]
    if d.person:
        return [Reply(t("resume"))]
    return [Reply(t("welcome"))]


def _answer(d: Draft, step: Step, event: Event, ctx: Context) -> list[Reply] | None:
    """Store the answer to `step`; return texts to say before the next question, or None."""
    if step.key == MORE_AWARDS_KEY:
        choice = parsing.choice(event, step, MORE_AWARDS)
        return _more_awards(d, choice)
    f = step.field
    assert f is not None
    target = d.person if step.award is None else d.awards[step.award]
    if f.kind is Kind.PHOTOS:
        return _photo_answer(d, step, event, target)
    if f.kind is Kind.DIVISION:
        code = parsing.division(event, step, d, ctx)
        if code is None:
            return None
        target[f.key] = code
        d.nav = {}
        return _finish(d, step, [])
    if f.kind is Kind.YEAR_MONTH:
        value = parsing.year_month(event, step, target, ctx)
        if value is None:  # a year alone: its month is asked next
            return None
    else:
        value = parsing.value(f, event, step, d, ctx)
    if f.kind is Kind.CONFIRM and value == BIRTH_WRONG:
        # The derived birth date is wrong, so the ID number is: ask it again.
        _forget_id(d)
        d.editing = None
        return [Reply(t("birth.retry"))]
    if f.kind is Kind.CONFIRM:
        value = parsing.birth_month(d.person["id_number"], ctx)
    if f.key == "residence" and value == SAME_AS_HUKOU:
        value = parsing.hukou_address(d.person, ctx)
    clash = _clash(d, step, value, ctx)
    if clash:
        d.conflict = clash  # nothing stored yet: the person says which answer is wrong
        return []
    said: list[Reply] = []
    target[f.key] = value
    if f.key == "id_number":
        _take_id(d, value, ctx)
    stop = STOPPERS.get((f.key, value))
    if stop:
        d.stopped = stop
        return []
    if f.key == "consent" and value == CONSENT_YES:
        d.person["consent_at"] = ctx.now.isoformat(timespec="seconds")
        said.append(Reply(t("consent.thanks")))
    if f.key == "name":
        said += _compare(d, None, {"name": value}, from_photo=False) + _check_name_lists(d)
    if f.kind is Kind.PHONE:  # typed or shared: the share button goes away either way
        said.append(Reply(t("phone.saved"), remove_keyboard=True))
    if f.key == "person_category" and not d.awards:
        d.awards.append({})
        said.append(Reply(t("award.intro")))
    if step.award is not None:
        said += _reclassify(d, step.award)
    return _finish(d, step, said)


def _take_id(d: Draft, number: str, ctx: Context) -> None:
    """The ID number says the gender and the birth date: they are not asked."""
    info = v.parse_id_number(number, ctx.today)
    d.person["gender"] = info.gender
    d.person["birth_date"] = f"{info.birth_date.year:04d}-{info.birth_date.month:02d}"


def _forget_id(d: Draft) -> None:
    for key in ("id_number", "birth_date", "gender"):
        d.person.pop(key, None)


def _clash(d: Draft, step: Step, value, ctx: Context) -> dict | None:
    """Does this answer contradict an earlier one?"""
    if step.key == "id_number":
        return conflicts.with_id_number(d, v.parse_id_number(value, ctx.today))
    if step.key == "gender":
        return conflicts.with_gender(d, value, ctx.today)
    if step.key == "award_date" and step.award is not None:
        return conflicts.with_award_date(d, step.award, value, ctx.today)
    return None


def _fix(d: Draft, which: str, ctx: Context) -> list[Reply]:
    """The person said which of two disagreeing answers is wrong."""
    c, d.conflict = d.conflict, None
    assert c is not None
    if which != "other":  # the answer just given is wrong: its question again
        return ask(d, ctx)
    key, index, other = c["key"], c["award"], c["other"]
    (d.person if index is None else d.awards[index])[key] = c["value"]
    if d.editing and d.editing.get("key") == key:
        d.editing = None
    said: list[Reply] = []
    if key == "id_number":
        _take_id(d, c["value"], ctx)
    if other == "gender":  # the ID number is right, so it says the gender
        said.append(Reply(t("conflict.gender_fixed",
                            gender=t(f"opt.gender.{d.person['gender']}"))))
    elif other == "id_number":
        chosen = d.person.get("gender")
        _forget_id(d)
        if key == "gender":
            d.person["gender"] = chosen
        d.editing = None
    else:
        d.awards[c["other_award"]].pop(other, None)
        _reclassify(d, c["other_award"])
        d.editing = None
    if index is not None:
        said += _reclassify(d, index)
    return [*said, *ask(d, ctx)]


def _finish(d: Draft, step: Step, said: list[Reply]) -> list[Reply]:
    if d.editing and d.editing.get("key") == step.key:
        d.editing = None
    return said


def _reclassify(d: Draft, index: int) -> list[Reply]:
    """Decide the category once an award's facts are complete; say it when it is new or changed."""
    award = d.awards[index]
    before = award.get("outcome"), award.get("category")
    verdict = award_rules.apply_verdict(award)
    if verdict is None or (award["outcome"], award["category"]) == before:
        return []
    return [Reply(award_rules.verdict_text(verdict))]


def _ocr_read(d: Draft, event: OcrRead, ctx: Context) -> list[Reply]:
    """A photo was read: offer the values when the award is still unanswered, else compare."""
    if event.award is None or event.award >= len(d.awards) or d.stopped:
        return []
    award = d.awards[event.award]
    step = next_step(d)
    waiting = step == Step("title", event.award) and not d.editing
    if event.error:
        return [Reply(t("ocr.failed")), *ask(d, ctx)] if waiting else []
    read = ocr_answers.usable(event.fields, ctx.today)
    seen = award.setdefault("_ocr", {})
    for key, value in read.items():
        seen.setdefault(key, value)
    ocr_answers.merge_names(seen, read)
    offer = ocr_answers.offer(read, award)
    if waiting and offer:
        award["_offer"] = offer
        return [questions.ocr_offer(event.award, ocr_answers.offer_text(offer))]
    said = _compare(d, event.award, read, from_photo=True) + _check_name_lists(d)
    return [*said, *ask(d, ctx)] if waiting else said


def _check_name_lists(d: Draft) -> list[Reply]:
    """Is the person's name in each award document's name list? Said once, kept as a flag;
    the flag goes away when a later page shows the name."""
    name = d.person.get("name")
    said = []
    for i, award in enumerate(d.awards):
        listed = ocr_answers.listed_names(award.get("_ocr", {}))
        flag = {"kind": "name_not_listed", "award": i, "typed": name}
        missing = bool(name and listed and name not in listed)
        d.flags = [f for f in d.flags if f.get("kind") != "name_not_listed" or f["award"] != i
                   or (missing and f == flag)]
        if missing and flag not in d.flags:
            d.flags.append(flag)
            said.append(Reply(t("ocr.name_not_listed", name=name)))
    return said


def _compare(d: Draft, index: int | None, read: dict, *, from_photo: bool) -> list[Reply]:
    """Say each disagreement between photo and answers once, and keep it for the reviewer."""
    if from_photo:
        pairs = [(index, d.awards[index], read)]
        if "name" in read:
            pairs.append((None, d.person, {"name": read["name"]}))
    else:  # a typed name against every name read from the certificates so far
        pairs = [(None, read, a.get("_ocr", {})) for a in d.awards]
    said = []
    for award_index, answers, seen in pairs:
        for key, typed, photo in ocr_answers.mismatches(answers, seen):
            flag = {"kind": "ocr_mismatch", "award": award_index, "field": key,
                    "typed": typed, "read": photo}
            if flag in d.flags:
                continue
            d.flags.append(flag)
            label = FIELDS[key].label
            said.append(Reply(t("ocr.mismatch", label=label, read=display(key, photo),
                                typed=display(key, typed))))
    return said


def _more_awards(d: Draft, choice: str) -> list[Reply]:
    if choice == MORE_AWARDS[0].code:
        d.awards.append({})
        return [Reply(t("award.next", n=len(d.awards)))]
    d.person[MORE_AWARDS_KEY] = True
    if not any(in_scope(a) for a in d.awards):
        d.stopped = "stop.out_of_scope"
        return []
    return [Reply(t("person.intro"))]


def _photo_answer(d: Draft, step: Step, event: Event, target: dict) -> list[Reply] | None:
    key = step.key
    if isinstance(event, PhotoSaved):
        target.setdefault("_" + key, []).append(event.evidence_id)
        return None
    if isinstance(event, PhotoRejected):
        raise Invalid(f"photo.{event.code}")
    if isinstance(event, Press):
        payload = parsing.payload(event, step)
        pending = target.get("_" + key) or []
        if payload == "~done" and (pending or target.get(key)):
            # Editing adds photos; the earlier ones stay as evidence.
            target[key] = (target.get(key) or []) + pending
            target.pop("_" + key, None)
            return _finish(d, step, [Reply(t("photos.thanks", n=len(target[key])))])
        if payload == "~skip":
            target[key] = target.pop("_" + key, None) or None
            return _finish(d, step, [Reply(t("photos.later"))])
        raise Invalid("err.photo_expected")
    if isinstance(event, Text | Contact | Unsupported):
        raise Invalid("err.photo_expected")
    return None


def _global_action(d: Draft, pressed: callbacks.Action, ctx: Context, out: Outcome) -> Outcome:
    """Buttons that work from any question: the summary card, edits and /cancel."""
    step = next_step(d)
    action, argument = pressed.name, pressed.argument
    if action == "cancel?":
        d.cancel_asked = True
        out.replies = [questions.cancel_question()]
    elif action == "cancel!" and d.cancel_asked:
        out.delete = True
        out.replies = [Reply(t("cancel.done"), remove_keyboard=True)]
    elif action == "cancel-" and d.cancel_asked:
        d.cancel_asked = False
        out.replies = [Reply(t("cancel.kept")), *ask(d, ctx)]
    elif action == "restart" and d.stopped:
        return _restart(out, ctx)
    elif action == "gone" and d.stopped == stops.EMPLOYER:
        out.replies = [*stops.former_employer_gone(d), *ask(d, ctx)]
    elif action == "later" and not d.stopped:
        out.replies = _later(d, ctx)
    elif d.stopped:
        out.alert = t("stale")
        out.replies = ask(d, ctx)
    elif action == "submit" and step.key == SUMMARY:
        out.submit = True
    elif action == "edit" and not argument and step.key == SUMMARY:
        out.replies = [edit_menu.sections(d)]
    elif action == "back" and step.key == SUMMARY:
        out.replies = summary_replies(d, ctx)
    elif action == "edit" and argument.startswith("@") and step.key == SUMMARY:
        menu = edit_menu.fields(d, argument[1:])
        if menu is None:
            out.alert = t("stale")
        out.replies = [menu] if menu else ask(d, ctx)
    elif action == "edit" and step.key == SUMMARY:
        key, _, award = argument.partition("#")
        if not _editable(d, key, award):
            out.alert = t("stale")
            out.replies = ask(d, ctx)
            return out
        d.editing = {"key": key, "award": int(award) if award else None}
        out.replies = ask(d, ctx)
    elif action == "ocr" and step.key == "title":
        _answer_offer(d, step, argument.endswith(":yes"), out)
        out.replies += ask(d, ctx)
    elif action == "fix" and d.conflict:
        out.replies = _fix(d, argument, ctx)
    elif action == "keep" and d.editing:
        d.editing = d.conflict = None
        out.replies = ask(d, ctx)
    else:
        out.alert = t("stale")
        out.replies = ask(d, ctx)
    return out


def _answer_offer(d: Draft, step: Step, accepted: bool, out: Outcome) -> None:
    award = d.awards[step.award] if step.award is not None else {}
    offer = award.pop("_offer", None)
    if not offer:
        out.alert = t("stale")
        return
    if not accepted:
        out.replies.append(Reply(t("ocr.declined")))
        return
    for key, value in offer.items():
        award.setdefault(key, value)
    out.replies += [Reply(t("ocr.accepted")), *_reclassify(d, step.award)]


def _editable(d: Draft, key: str, award: str) -> bool:
    f = FIELDS.get(key)
    if f is None or f.key in ("consent", "alive", "serving", "person_category"):
        return False
    if award:
        return award.isdecimal() and int(award) < len(d.awards) and f in AWARD_FIELDS
    return f in PERSON_FIELDS or f.key == "filled_by"
