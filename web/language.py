"""The page's language: the person's own choice (a cookie set by the link at the top or the
中文 / 조선말 buttons), else what the browser asks for in Accept-Language."""

from __future__ import annotations

from aiohttp import web

from dialogs.texts import CHINESE, KOREAN, LANGUAGES, speaking

LANG_COOKIE = "lang"
YEAR = 365 * 24 * 3600


def request_language(request: web.Request) -> str:
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(request.headers.get("Accept-Language", ""))


def from_accept_language(header: str) -> str:
    """Korean when the browser prefers Korean to Chinese (by q-value), else Chinese."""
    best: dict[str, float] = {}
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        best[primary] = max(best.get(primary, 0.0), q)
    return KOREAN if best.get("ko", 0.0) > best.get("zh", 0.0) else CHINESE


def remember(response: web.StreamResponse, lang: str, secure: bool) -> None:
    response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, httponly=True, samesite="Strict",
                        secure=secure, path="/")


@web.middleware
async def in_language(request: web.Request, handler):
    """Every page and every reply made for this request speaks the visitor's language."""
    with speaking(request_language(request)):
        return await handler(request)
