"""Turn one event into the value of the open question, by the field's kind (or raise Invalid)."""

from __future__ import annotations

import re
from typing import Any

from dialogs import callbacks
from dialogs import validators as v
from dialogs.choices import match_choice
from dialogs.form import ETHNIC_GROUPS, Field, Kind, Option
from dialogs.model import Contact, Context, Draft, Event, Press, Step, Text
from dialogs.texts import t
from dialogs.validators import Invalid

SKIP = "~skip"
DONE = "~done"
# The household question when a link named the village: payloads and their button texts.
SUGGESTED = (("yes", "btn.village_yes"), ("other", "btn.village_other"))
TEXT_LIMITS = {"hardship_note": 300, "remarks": 300, "residence": 120, "hukou_address": 120}
# "Not now": the card is not at hand, the person will come back (等会, 明天再填, 证件不在手边…).
_LATER = re.compile(r"等会|等一会|一会儿|待会|稍后|稍等|回头|以后再|明天|改天|晚点|过会|"
                    r"不在手边|不在身边|没在身边|找不到|没带|找一下|去找")


_LATER_SAID = re.compile(r"再|填|手边|身边|没带")  # "王明天" is a name, "明天再填" is not


def means_later(text: str, *, could_be_a_name: bool = False) -> bool:
    """Does the text say "not now"? Where a name is asked, only a whole phrase counts."""
    if could_be_a_name and not _LATER_SAID.search(text):
        return False
    return bool(_LATER.search(text))


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
        if code is None:  # plain words: "我自己", "在", "对", "男的"
            code = match_choice(typed, [(o.code, o.label, ()) for o in options])
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
    return _value(f, event, step, d, ctx)


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


PENDING_YEAR = "_year"  # a year given without its month, kept while the month is asked


def year_month(event: Event, step: Step, target: dict, ctx: Context) -> str | None:
    """A date answer, or None when only the year came: the month is asked next (its buttons
    carry "m<month>"), and a whole date typed instead is read as it is."""
    year = target.get(PENDING_YEAR)
    if isinstance(event, Press):
        data = payload(event, step)
        if not (year and data[:1] == "m" and data[1:].isdecimal() and data[1:].isascii()):
            raise Invalid("err.choice")
        value = v.parse_month_of(f"{int(data[1:])}月", year, ctx.today)
    elif isinstance(event, Text):
        try:
            if year:
                value = v.parse_month_of(event.text, year, ctx.today)
            else:
                value = v.parse_year_month(event.text, ctx.today)
        except v.MonthMissing as missing:
            target[PENDING_YEAR] = missing.year
            return None
    else:
        raise Invalid("err.text_expected")
    target.pop(PENDING_YEAR, None)
    return value.iso


def _typed(f: Field, text: str, d: Draft, ctx: Context) -> Any:
    match f.kind:
        case Kind.NAME:
            return v.parse_name(text)
        case Kind.ID_NUMBER:
            return v.parse_id_number(text, ctx.today).number
        case Kind.PHONE:
            return v.parse_phone(text)
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


def division(event: Event, step: Step, d: Draft, ctx: Context) -> str | None:
    """A chosen village/community code, or None while the person is still browsing."""
    directory = ctx.divisions
    suggested = d.nav.get("suggested")
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
        if data.startswith("m") and data[1:].isdecimal() and d.nav.get("query"):
            d.nav = {**d.nav, "found_page": int(data[1:])}
            return None
        if data in ("up", "again", "other") and (d.nav.get("query") or suggested):
            d.nav = {"code": d.nav["code"], "page": 0} if d.nav.get("code") else {}
            return None
        if data == "up":
            current = directory.get(d.nav.get("code", ""))
            parent = current.parent_code if current else None
            d.nav = {"code": parent, "page": 0} if parent else {}
            return None
        raise Invalid("err.choice")
    if not isinstance(event, Text):
        raise Invalid("err.text_expected")
    if suggested and directory.get(suggested):
        said = match_choice(event.text, [(code, t(label), ()) for code, label in SUGGESTED])
        if said == "yes":
            return suggested
        if said == "other":
            d.nav = {}
            return None
    query = v.parse_free_text(event.text, limit=60)
    found = directory.search_page(query, within=d.nav.get("code"), level="village")
    if not found.matches:
        raise Invalid("err.division.not_found", query=query)
    nav = {k: value for k, value in d.nav.items() if k in ("code", "page")}
    d.nav = {**nav, "query": query, "found_page": 0}
    return None
