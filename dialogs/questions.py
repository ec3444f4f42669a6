"""How each open question is put to the person: its text and its buttons."""

from __future__ import annotations

from dialogs import parsing
from dialogs.callbacks import action, answer
from dialogs.form import (
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
    text = t(f"q.{f.key}")
    if step.award is not None and len(d.awards) > 1:
        text = t("award.prefix", n=step.award + 1) + text
    if f.kind is Kind.CONFIRM:
        info = parse_id_number(d.person["id_number"], ctx.today)
        text = t("q.birth_date", year=info.birth_date.year, month=info.birth_date.month)
    if d.editing:
        target = d.person if step.award is None else d.awards[step.award]
        old = plain_display(f.key, target.get(f.key), ctx.divisions)
        text = t("edit.current", value=old or t("summary.empty")) + "\n" + text
    match f.kind:
        case Kind.CHOICE | Kind.CONFIRM:
            reply = _choices(text, step, parsing.options_of(f, d, step))
        case Kind.DIVISION:
            reply = _division(text, step, d, ctx)
        case Kind.PHOTOS:
            reply = _photos(text, step, d)
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
    contact = None
    if f.key == "phone" and d.person.get("filled_by") == FILLED_BY_SELF:
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
        text = t("photos.got", n=len(pending))
    return Reply(text, tuple(layout))


def _division(text: str, step: Step, d: Draft, ctx: Context) -> Reply:
    directory = ctx.divisions
    nav = d.nav
    if nav.get("matches"):
        buttons = [
            Button(directory.full_name(code, from_level="county"), answer(step.token, f"h{code}"))
            for code in nav["matches"]
        ]
        layout = [*rows(buttons, 1), (Button(t("btn.browse"), answer(step.token, "up")),)]
        return Reply(t("hukou.matches", query=nav.get("query", "")), tuple(layout))
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
