"""How each open question is put to the person: its text and its buttons."""

from __future__ import annotations

from dialogs import conflicts, parsing
from dialogs.callbacks import action, answer
from dialogs.form import (
    FILLED_BY_PROXY,
    FILLED_BY_SELF,
    MORE_AWARDS,
    Kind,
    Option,
    Section,
    quick_label,
)
from dialogs.model import Button, Context, Draft, Event, Press, Reply, Step
from dialogs.summary import plain_display
from dialogs.texts import t
from dialogs.validators import parse_id_number

PROVINCE_CODE = "220000000000"
PAGE_SIZE = 10


def rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def _per_row(labels: tuple[str, ...] | list[str]) -> int:
    longest = max((len(x) for x in labels), default=0)
    return 1 if longest > 8 else 2 if longest > 4 else 3


def render(step: Step, d: Draft, ctx: Context) -> Reply:
    if step.key == "more_awards":
        return _choices(t("q.more_awards"), step, MORE_AWARDS)
    f = step.field
    assert f is not None
    text = t(_question_key(f.key, d, ctx))
    target = d.person if step.award is None else d.awards[step.award]
    year = target.get(parsing.PENDING_YEAR) if f.kind is Kind.YEAR_MONTH else None
    if year:
        text = t("q.month_of", year=year)
    if step.award is not None and len(d.awards) > 1:
        text = t("award.prefix", n=step.award + 1) + text
    if f.kind is Kind.CONFIRM:
        info = parse_id_number(d.person["id_number"], ctx.today)
        text = t("q.birth_date", year=info.birth_date.year, month=info.birth_date.month)
    if d.editing:
        old = plain_display(f.key, target.get(f.key), ctx.divisions)
        text = t("edit.current", value=old or t("summary.empty")) + "\n" + text
    match f.kind:
        case Kind.CHOICE | Kind.CONFIRM:
            reply = _choices(text, step, parsing.options_of(f, d, step))
        case Kind.DIVISION:
            reply = _division(text, step, d, ctx)
        case Kind.PHOTOS:
            reply = _photos(text, step, d)
        case Kind.YEAR_MONTH if year:
            months = [Button(t("btn.month", n=n), answer(step.token, f"m{n}"))
                      for n in range(1, 13)]
            reply = Reply(text, rows(months, 4))
        case _:
            reply = _typed(text, step, d)
    if d.editing:
        reply = Reply(
            reply.text,
            (*reply.buttons, (Button(t("btn.keep"), action("keep")),)),
            reply.contact_button,
            reply.remove_keyboard,
        )
    return reply


def _question_key(key: str, d: Draft, ctx: Context) -> str:
    """Some questions are worded for who answers them and for what the bot can do."""
    if key == "title" and not ctx.ocr:
        return "q.title.typed"
    if key == "phone" and d.person.get("filled_by") != FILLED_BY_SELF:
        return "q.phone.typed"  # the share button sends the sender's number, not the honoree's
    return f"q.{key}"


def conflict(d: Draft, ctx: Context) -> Reply:
    """Two answers disagree: fix the one just given, or the earlier one."""
    c = d.conflict or {}
    buttons = (Button(t(f"btn.fix.{c['key']}"), action("fix", "this")),
               Button(t(f"btn.fix.{c['other']}"), action("fix", "other")))
    return Reply(conflicts.explain(d, ctx.today), (buttons,))


def _choices(text: str, step: Step, options: tuple[Option, ...]) -> Reply:
    labels = [o.label for o in options]
    buttons = [Button(o.label, answer(step.token, o.code)) for o in options]
    return Reply(text + _details(options), rows(buttons, _per_row(labels)))


def _details(options: tuple[Option, ...]) -> str:
    """Buttons stay short; what a short one means in full is said under the question."""
    lines = [t("question.detail", label=o.label, detail=o.detail) for o in options if o.detail]
    return "".join("\n" + line for line in lines)


def _typed(text: str, step: Step, d: Draft) -> Reply:
    f = step.field
    assert f is not None
    buttons = [Button(quick_label(q), answer(step.token, f"q{i}")) for i, q in enumerate(f.quick)]
    buttons += [Button(o.label, answer(step.token, o.code)) for o in f.options]
    layout = list(rows(buttons, _per_row([b.text for b in buttons])))
    if f.optional:
        layout.append((Button(t("btn.skip"), answer(step.token, parsing.SKIP)),))
    if f.kind is Kind.ID_NUMBER:
        layout.append((Button(t("btn.later"), action("later")),))
    contact = None
    own_phone = {"phone": FILLED_BY_SELF, "proxy_phone": FILLED_BY_PROXY}.get(f.key)
    if own_phone and d.person.get("filled_by") == own_phone:
        contact = t("btn.share_phone")
    return Reply(text, tuple(layout), contact_button=contact)


def _photos(text: str, step: Step, d: Draft) -> Reply:
    f = step.field
    assert f is not None
    target = d.person if step.award is None else d.awards[step.award]
    pending = target.get("_" + f.key) or []
    layout = []
    if pending or target.get(f.key):
        layout.append((Button(t("btn.done"), answer(step.token, parsing.DONE)),))
    else:
        later = "btn.photo_later" if f.section is Section.AWARD else "btn.skip"
        layout.append((Button(t(later), answer(step.token, parsing.SKIP)),))
    if pending:
        text = t("photos.got", n=len(pending), what=t(f"photos.what.{f.key}"))
    return Reply(text, tuple(layout))


def _division(text: str, step: Step, d: Draft, ctx: Context) -> Reply:
    directory = ctx.divisions
    nav = d.nav
    suggested = nav.get("suggested")
    if suggested and directory.get(suggested):
        return _suggested_village(step, suggested, ctx)
    if nav.get("query"):
        return _found_villages(step, d, ctx)
    code = nav.get("code") or PROVINCE_CODE
    children = directory.children(code)
    page = max(0, min(nav.get("page", 0), (len(children) - 1) // PAGE_SIZE))
    shown = children[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    buttons = [
        Button(directory.display_name(c.code), answer(step.token, f"h{c.code}")) for c in shown
    ]
    layout = list(rows(buttons, 2))
    paging = []
    if page > 0:
        paging.append(Button(t("btn.prev"), answer(step.token, f"p{page - 1}")))
    if (page + 1) * PAGE_SIZE < len(children):
        paging.append(Button(t("btn.next"), answer(step.token, f"p{page + 1}")))
    if code != PROVINCE_CODE:
        paging.append(Button(t("btn.up"), answer(step.token, "up")))
    if paging:
        layout.append(tuple(paging))
    where = directory.full_name(code, from_level="city") if code != PROVINCE_CODE else ""
    if where:
        text = text + "\n" + t("hukou.where", where=where)
    return Reply(text, tuple(layout))


def _suggested_village(step: Step, code: str, ctx: Context) -> Reply:
    """A link named the village (a poster): confirm it rather than search."""
    place = ctx.divisions.full_name(code, from_level="county")
    yes = Button(t("btn.village_yes"), answer(step.token, f"h{code}"))
    other = Button(t("btn.village_other"), answer(step.token, "other"))
    return Reply(t("hukou.suggested", place=place), ((yes, other),))


def _found_villages(step: Step, d: Draft, ctx: Context) -> Reply:
    """One page of what the typed name found, with 更多 while there is more, and a way to
    type it again; a name many villages share asks for the township first."""
    directory, query = ctx.divisions, d.nav["query"]
    page = max(0, int(d.nav.get("found_page", 0)))
    found = directory.search_page(query, within=d.nav.get("code"), level="village", page=page)
    if not found.matches and page:  # the list got shorter since (new divisions): start over
        found = directory.search_page(query, within=d.nav.get("code"), level="village")
    buttons = [
        Button(directory.distinct_name(code, sep=" "), answer(step.token, f"h{code}"))
        for code in (m.division.code for m in found.matches)
    ]
    last = [Button(t("btn.search_again"), answer(step.token, "again"))]
    if found.more:
        last.insert(0, Button(t("btn.more"), answer(step.token, f"m{found.page + 1}")))
    layout = [*rows(buttons, 1), tuple(last), (Button(t("btn.browse"), answer(step.token, "up")),)]
    if found.page:
        text = t("hukou.matches.page", query=query, page=found.page + 1)
    else:
        text = t("hukou.matches", query=query)
        if found.crowded:
            text = t("hukou.crowded", query=query) + "\n" + text
    return Reply(text, tuple(layout))


def after_browse(step: Step, d: Draft, ctx: Context, event: Event) -> list[Reply]:
    """The open question again, in place when the person was paging through buttons."""
    reply = render(step, d, ctx)
    if isinstance(event, Press):
        return [Reply(reply.text, reply.buttons, reply.contact_button, edit=True)]
    return [reply]


def ocr_offer(award: int, read: str) -> Reply:
    yes = Button(t("btn.ocr_yes"), action("ocr", f"{award}:yes"))
    no = Button(t("btn.ocr_no"), action("ocr", f"{award}:no"))
    return Reply(t("ocr.offer", read=read), ((yes, no),))


def cancel_question() -> Reply:
    return Reply(
        t("cancel.ask"),
        (
            (
                Button(t("btn.cancel_yes"), action("cancel!")),
                Button(t("btn.cancel_no"), action("cancel-")),
            ),
        ),
    )
