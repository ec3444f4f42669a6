"""What keeps a public page safe to leave open: rate limits per address and per session, the
client address as the proxy saw it, and the headers every response carries."""

from __future__ import annotations

from aiohttp import web

from services.web_sessions import Visit
from web.config import WebSettings
from web.limits import Limiter

MINUTE, TEN_MINUTES, HOUR = 60.0, 600.0, 3600.0
# Scripts, styles and images from this site only; no inline script can run, so a typed
# <script> would stay text even if escaping failed somewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(), microphone=()",
}


class Guard:
    def __init__(self, settings: WebSettings) -> None:
        self._answers_session = Limiter(settings.answers_per_session, MINUTE)
        self._answers_ip = Limiter(settings.answers_per_ip, MINUTE)
        self._uploads_session = Limiter(settings.uploads_per_session, TEN_MINUTES)
        self._uploads_ip = Limiter(settings.uploads_per_ip, TEN_MINUTES)
        self._resumes_ip = Limiter(settings.resumes_per_ip, HOUR)
        self._sessions_ip = Limiter(settings.sessions_per_ip, TEN_MINUTES)
        self._polls_ip = Limiter(settings.polls_per_ip, MINUTE)

    def answer(self, visit: Visit, ip: str) -> bool:
        return self._answers_ip.allow(ip) and self._answers_session.allow(visit.token_hash)

    def upload(self, visit: Visit, ip: str) -> bool:
        return self._uploads_ip.allow(ip) and self._uploads_session.allow(visit.token_hash)

    def resume(self, ip: str) -> bool:
        return self._resumes_ip.allow(ip)

    def new_session(self, ip: str) -> bool:
        return self._sessions_ip.allow(ip)

    def poll(self, ip: str) -> bool:
        return self._polls_ip.allow(ip)


def client_ip(request: web.Request, settings: WebSettings) -> str:
    if settings.trust_proxy and request.headers.get("X-Real-IP"):
        return request.headers["X-Real-IP"]
    return request.remote or "-"


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(HEADERS)
