"""When the registration ends before it starts (不同意, an employer, an award out of scope…):
what is said then, and the kind answer to anything written afterwards.

Nobody is left without a way on: each stop names who can help (the village committee's
contact when it is known) and offers the buttons that fit — begin again, or, for someone whose
former employer no longer exists, register here with the village committee after all.
"""

from __future__ import annotations

import re

from dialogs import callbacks
from dialogs.callbacks import action, answer
from dialogs.form import NO_FIXED_UNIT_CATEGORY
from dialogs.model import Button, Context, Draft, Event, Press, Reply, Text
from dialogs.texts import t

EMPLOYER = "stop.employer"
# Words of someone whose former employer was closed, went bankrupt or was restructured.
_EMPLOYER_GONE = re.compile(
    r"黄了|倒闭|破产|撤销|改制|解散|关门|没了|不在了|找不到|没有单位|没单位"
)


VILLAGE = callbacks.token("hukou_code")
PLACE_NAME_LIMIT = 20  # a village named after a stop, for its contact


def _contact(ctx: Context) -> str:
    return t("stop.contact", contact=ctx.contact) if ctx.contact else t("stop.contact_unknown")


def pressed_village(event: Event) -> str | None:
    """The village code of a button offered after a stop (its committee's contact is asked)."""
    data = callbacks.payload(event.data, VILLAGE) if isinstance(event, Press) else None
    return data[1:] if data and data[0] == "h" and data[1:].isdecimal() else None


def _villages(text: str, ctx: Context) -> tuple[tuple[Button, ...], ...]:
    """Villages the words name: a tap tells that committee's contact (a place name is short;
    a long message is not searched)."""
    words = "".join(text.split())
    if not 2 <= len(words) <= PLACE_NAME_LIMIT:
        return ()
    found = ctx.divisions.search(words, level="village", limit=6)
    return tuple(
        (Button(ctx.divisions.distinct_name(m.division.code, sep=" "),
                answer(VILLAGE, f"h{m.division.code}")),)
        for m in found
    )


def _buttons(d: Draft) -> tuple[tuple[Button, ...], ...]:
    rows = []
    if d.stopped == EMPLOYER:
        rows.append((Button(t("btn.employer_gone"), action("gone")),))
    rows.append((Button(t("btn.restart"), action("restart")),))
    return tuple(rows)


def stop_reply(d: Draft, ctx: Context) -> Reply:
    """The stop itself: why, who can help, and the way on."""
    return Reply(t(d.stopped or "") + "\n" + _contact(ctx), _buttons(d))


def after_stop(d: Draft, event: Event, ctx: Context) -> list[Reply]:
    """Something written after the stop: answered kindly, never the first question again;
    a village named gets its committee's contact."""
    village = pressed_village(event)
    if village and ctx.divisions.get(village):
        d.person["hukou_code"] = village
        place = ctx.divisions.full_name(village, from_level="county")
        said = t("stop.village_contact", place=place, contact=ctx.contact) if ctx.contact \
            else t("stop.village_no_contact", place=place)
        return [Reply(said, _buttons(d))]
    key = f"after.{(d.stopped or '').removeprefix('stop.')}"
    if d.stopped == EMPLOYER and isinstance(event, Text) and _EMPLOYER_GONE.search(event.text):
        key = "after.employer_gone"
    villages = _villages(event.text, ctx) if isinstance(event, Text) else ()
    if villages:
        return [Reply(t(key) + "\n" + t("stop.which_village"), (*villages, *_buttons(d)))]
    hint = "" if ctx.contact else "\n" + t("stop.name_village")
    return [Reply(t(key) + "\n" + _contact(ctx) + hint, _buttons(d))]


def former_employer_gone(d: Draft) -> list[Reply]:
    """The employer route does not exist any more: the village committee registers them, as
    people without a fixed employer; the reviewer is told why."""
    d.stopped = None
    d.person["person_category"] = NO_FIXED_UNIT_CATEGORY
    d.flags.append({"kind": "employer_gone"})
    if not d.awards:
        d.awards.append({})
    return [Reply(t("employer_gone.ok")), Reply(t("award.intro"))]
