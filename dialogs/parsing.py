"""Turn one event into the value of the open question, by the field's kind (or raise Invalid)."""

from __future__ import annotations

from typing import Any

from dialogs import callbacks
from dialogs import validators as v
from dialogs.form import ETHNIC_GROUPS, Field, Kind, Option
from dialogs.model import Contact, Context, Draft, Event, Press, Step, Text
from dialogs.validators import Invalid

SKIP = "~skip"
DONE = "~done"
TEXT_LIMITS = {"hardship_note": 300, "remarks": 300, "residence": 120, "hukou_address": 120}


def payload(event: Press, step: Step) -> str:
    return callbacks.payload(event.data, step.token) or ""


def choice(event: Event, step: Step, options: tuple[Option, ...]) -> str:
    """The code of a pressed button, or of the same words typed (or the option's number)."""
    if isinstance(event, Press):
        pressed = payload(event, step)
        if any(o.code == pressed for o in options):
            return pressed
        raise Invalid("err.choice")
    if isinstance(event, Text):
        typed = event.text.strip()
        code = by_label(typed, options)
        numbered = typed.isdecimal() and len(typed) <= 2  # a long digit string is no number
        if code is None and numbered and 1 <= int(typed) <= len(options):
            code = options[int(typed) - 1].code
        if code is not None:
            return code
    raise Invalid("err.choice")


def by_label(text: str, options: tuple[Option, ...]) -> str | None:
    """The code of the option whose words were typed, as the catalogue has them now: the
    button's short words or the form's full ones (无固定单位或稳定工作人员 for 没有固定工作)."""
    typed = text.strip()
    return next((o.code for o in options if typed in (o.label, o.printed)), None)


def options_of(f: Field, d: Draft, step: Step) -> tuple[Option, ...]:
    if f.options_for is not None:
        award = d.awards[step.award] if step.award is not None else {}
        return f.options_for(d.person, award)
    return f.options


def value(f: Field, event: Event, step: Step, d: Draft, ctx: Context) -> Any:
    """The validated answer for field `f` from `event`."""
    result = _value(f, event, step, d, ctx)
    if f.key == "gender":
        gender_check(d, result, ctx)
    return result


def _value(f: Field, event: Event, step: Step, d: Draft, ctx: Context) -> Any:
    if isinstance(event, Press):
        data = payload(event, step)
        if data == SKIP and f.optional:
            return None
        if f.kind in (Kind.CHOICE, Kind.CONFIRM) or f.option(data):
            return choice(event, step, options_of(f, d, step))
        if data.startswith("q") and data[1:].isdecimal() and int(data[1:]) < len(f.quick):
            return _typed(f, f.quick[int(data[1:])], d, ctx)
        raise Invalid("err.choice")
    if f.kind in (Kind.CHOICE, Kind.CONFIRM):
        return choice(event, step, options_of(f, d, step))
    if isinstance(event, Text) and (shortcut := by_label(event.text, f.options)):
        return shortcut  # a text question's coded shortcut, typed out
    if isinstance(event, Contact) and f.kind is Kind.PHONE:
        return v.parse_phone(event.phone)
    if not isinstance(event, Text):
        raise Invalid("err.text_expected")
    return _typed(f, event.text, d, ctx)


def _typed(f: Field, text: str, d: Draft, ctx: Context) -> Any:
    match f.kind:
        case Kind.NAME:
            return v.parse_name(text)
        case Kind.ID_NUMBER:
            info = v.parse_id_number(text, ctx.today)
            if d.person.get("gender"):
                v.check_gender(info, d.person["gender"])
            return info.number
        case Kind.PHONE:
            return v.parse_phone(text)
        case Kind.YEAR_MONTH:
            return v.parse_year_month(text, ctx.today).iso
        case Kind.DOCUMENT_NUMBER:
            return v.normalise_document_number(text)
        case _:
            return _free_text(f, text)


def _free_text(f: Field, text: str) -> str:
    value = v.parse_free_text(text, limit=TEXT_LIMITS.get(f.key, 60))
    if f.key == "ethnicity":
        return ethnicity(value)
    return value


def ethnicity(text: str) -> str:
    name = text if text.endswith("族") else text + "族"
    if name not in ETHNIC_GROUPS:
        raise Invalid("err.ethnicity")
    return name


def hukou_address(person: dict, ctx: Context) -> str:
    """The household-registration address in full, for 现居住地址 when it is the same."""
    place = ctx.divisions.full_name(person.get("hukou_code") or "", from_level="county")
    return " ".join(x for x in (place, person.get("hukou_address")) if x)


def birth_month(id_number: str, ctx: Context) -> str:
    """出生年月 as stored: taken from the ID number the person has confirmed."""
    born = v.parse_id_number(id_number, ctx.today).birth_date
    return f"{born.year:04d}-{born.month:02d}"


def gender_check(d: Draft, gender: str, ctx: Context) -> None:
    """Changing the gender must still agree with the ID number already given."""
    number = d.person.get("id_number")
    if number:
        v.check_gender(v.parse_id_number(number, ctx.today), gender)


def division(event: Event, step: Step, d: Draft, ctx: Context) -> str | None:
    """A chosen village/community code, or None while the person is still browsing."""
    directory = ctx.divisions
    if isinstance(event, Press):
        data = payload(event, step)
        if data.startswith("h") and data[1:].isdecimal():
            chosen = directory.get(data[1:])
            if chosen is None:
                raise Invalid("err.choice")
            if chosen.level == "village":
                return chosen.code
            d.nav = {"code": chosen.code, "page": 0}
            return None
        if data.startswith("p") and data[1:].isdecimal():
            d.nav = {**d.nav, "page": int(data[1:])}
            return None
        if data == "up" and d.nav.get("matches"):
            d.nav = {"code": d.nav.get("code"), "page": 0} if d.nav.get("code") else {}
            return None
        if data == "up":
            current = directory.get(d.nav.get("code", ""))
            parent = current.parent_code if current else None
            d.nav = {"code": parent, "page": 0} if parent else {}
            return None
        raise Invalid("err.choice")
    if not isinstance(event, Text):
        raise Invalid("err.text_expected")
    query = v.parse_free_text(event.text, limit=60)
    matches = directory.search(query, within=d.nav.get("code"), level="village", limit=8)
    if not matches:
        raise Invalid("err.division.not_found", query=query)
    d.nav = {**d.nav, "matches": [m.division.code for m in matches], "query": query}
    return None
