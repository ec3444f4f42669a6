"""HTML for the page: every string escaped here, so what people type is shown, never run.

Plain forms that work without JavaScript (each button a form submit, each answer a POST then a
redirect); the script only makes taps feel quicker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from dialogs.texts import CHINESE, KOREAN, language, t
from web import assets

Rows = Iterable[Iterable[tuple[str, str]]]  # rows of (label, data)


@dataclass(frozen=True)
class Forms:
    """What every form of one page carries: the session's CSRF token and a fresh nonce."""

    csrf: str
    nonce: Callable[[], str]

    def hidden(self) -> str:
        return (f'<input type="hidden" name="csrf" value="{escape(self.csrf)}">'
                f'<input type="hidden" name="nonce" value="{escape(self.nonce())}">')


def page(title: str, body: str, *, waiting: bool = False) -> str:
    """`waiting`: a photo is being read; without JavaScript the page looks again by itself
    (chat.js asks /news instead and reloads only when the reading is there)."""
    again = '<noscript><meta http-equiv="refresh" content="5"></noscript>' if waiting else ""
    return (
        f'<!doctype html><html lang="{language()}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">' + again +
        f"<title>{escape(title)}</title>"
        f'<link rel="stylesheet" href="{assets.url("chat.css")}">'
        f'<script src="{assets.url("chat.js")}" defer></script></head>'
        f'<body><header><a href="/">{escape(t("web.title"))}</a>{language_link()}</header>'
        f"<main{' data-waiting' if waiting else ''}>{body}</main></body></html>"
    )


def language_link() -> str:
    """中文 / 조선말 at the top: the link to the other language, named in that language."""
    other = KOREAN if language() == CHINESE else CHINESE
    label = escape(t("web.lang.other"))
    return f'<a class="lang" href="/language?to={other}" lang="{other}">{label}</a>'


def redirect_page(target: str) -> str:
    """A same-site hop: a SameSite=Strict cookie is not sent on the first request of a visit
    that came from another site (a link in WeChat), but is on this one."""
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={escape(target)}">'
        f'<title>{escape(t("web.title"))}</title></head>'
        f'<body><p><a href="{escape(target)}">{escape(t("web.redirect"))}</a></p></body></html>'
    )


def bubble(text: str, who: str = "bot", role: str = "") -> str:
    attr = f' role="{role}"' if role else ""
    return f'<div class="bubble {who}"{attr}>{escape(text)}</div>'


def buttons(rows: Rows, forms: Forms, action: str = "/say") -> str:
    lines = []
    for row in rows:
        cells = "".join(
            f'<button name="data" value="{escape(data)}">{escape(label)}</button>'
            for label, data in row
        )
        lines.append(f'<div class="row">{cells}</div>')
    if not lines:
        return ""
    inner = forms.hidden() + "".join(lines)
    return f'<form method="post" action="{action}" class="choices">{inner}</form>'


def reply_rows(reply: dict) -> list[list[tuple[str, str]]]:
    return [[(label, data) for label, data in row] for row in reply.get("buttons", ())]


def text_box(forms: Forms) -> str:
    label = escape(t("web.type_here"))
    return (
        f'<form method="post" action="/say" class="typed">{forms.hidden()}'
        f'<label for="answer">{label}</label>'
        '<textarea id="answer" name="text" rows="2" maxlength="2000" required></textarea>'
        f'<button>{escape(t("web.send"))}</button></form>'
    )


def photo_box(forms: Forms) -> str:
    return (
        f'<form method="post" action="/photo" enctype="multipart/form-data" class="photo">'
        f'{forms.hidden()}<p class="hint">{escape(t("web.photo.hint"))}</p>'
        f'<label class="pick">{escape(t("web.photo.take"))}'
        '<input type="file" name="photo" accept="image/*" capture="environment"></label>'
        f'<label class="pick">{escape(t("web.photo.pick"))}'
        '<input type="file" name="photo" accept="image/*"></label>'
        f'<button class="send-photo">{escape(t("web.photo.send"))}</button></form>'
    )


def link(href: str, text: str) -> str:
    return f'<p class="link"><a href="{escape(href)}">{escape(text)}</a></p>'


def field(name: str, label: str, *, kind: str = "text", size: int = 20, mode: str = "") -> str:
    extra = f' inputmode="{mode}"' if mode else ""
    return (f'<label for="{name}">{escape(label)}</label>'
            f'<input id="{name}" name="{name}" type="{kind}" maxlength="{size}"'
            f' autocomplete="off" required{extra}>')


def form(action: str, forms: Forms, inner: str, submit: str) -> str:
    return (f'<form method="post" action="{action}" class="typed">{forms.hidden()}{inner}'
            f'<button>{escape(submit)}</button></form>')


def images(count: int, caption: str | None) -> str:
    if not count:
        return ""
    cells = "".join(
        f'<a href="/evidence/{i}"><img src="/evidence/{i}" loading="lazy"'
        f' alt="{escape(t("web.evidence", n=i + 1))}"></a>'
        for i in range(count)
    )
    head = bubble(caption) if caption else ""
    return f'{head}<div class="album">{cells}</div>'
