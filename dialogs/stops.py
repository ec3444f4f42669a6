"""When the registration ends before it starts (不同意, an employer, an award out of scope…):
what is said then, and the kind answer to anything written afterwards.

Nobody is left without a way on: each stop names who can help (the village committee's
contact when it is known) and offers the buttons that fit — begin again, or, for someone whose
former employer no longer exists, register here with the village committee after all.
"""

from __future__ import annotations

import re

from dialogs.callbacks import action
from dialogs.form import NO_FIXED_UNIT_CATEGORY
from dialogs.model import Button, Context, Draft, Event, Reply, Text
from dialogs.texts import t

EMPLOYER = "stop.employer"
# Words of someone whose former employer was closed, went bankrupt or was restructured.
_EMPLOYER_GONE = re.compile(
    r"黄了|倒闭|破产|撤销|改制|解散|关门|没了|不在了|找不到|没有单位|没单位"
)


def _contact(ctx: Context) -> str:
    return t("stop.contact", contact=ctx.contact) if ctx.contact else t("stop.contact_unknown")


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
    """Something written after the stop: answered kindly, never the first question again."""
    key = f"after.{(d.stopped or '').removeprefix('stop.')}"
    if d.stopped == EMPLOYER and isinstance(event, Text) and _EMPLOYER_GONE.search(event.text):
        key = "after.employer_gone"
    return [Reply(t(key) + "\n" + _contact(ctx), _buttons(d))]


def former_employer_gone(d: Draft) -> list[Reply]:
    """The employer route does not exist any more: the village committee registers them, as
    people without a fixed employer; the reviewer is told why."""
    d.stopped = None
    d.person["person_category"] = NO_FIXED_UNIT_CATEGORY
    d.flags.append({"kind": "employer_gone"})
    if not d.awards:
        d.awards.append({})
    return [Reply(t("employer_gone.ok")), Reply(t("award.intro"))]
