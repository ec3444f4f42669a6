"""What keeps a public page safe to leave open: rate limits per address and per session (counted
by the coordinator, so with several workers they hold across all of them), the client address
as the proxy saw it, and the headers every response carries."""

from __future__ import annotations

from aiohttp import web

from coordination import Coordinator, LocalCoordinator
from coordination.rates import Rate
from services.web_sessions import Visit
from web.config import WebSettings

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
    def __init__(self, settings: WebSettings, counts: Coordinator | None = None) -> None:
        self.counts = counts or LocalCoordinator()
        self.limits = {  # name: (hits, per seconds)
            "answers_session": (settings.answers_per_session, MINUTE),
            "answers_ip": (settings.answers_per_ip, MINUTE),
            "uploads_session": (settings.uploads_per_session, TEN_MINUTES),
            "uploads_ip": (settings.uploads_per_ip, TEN_MINUTES),
            "resumes_ip": (settings.resumes_per_ip, HOUR),
            "sessions_ip": (settings.sessions_per_ip, TEN_MINUTES),
            "polls_ip": (settings.polls_per_ip, MINUTE),
        }

    async def answer(self, visit: Visit, ip: str) -> bool:
        return await self._hit(("answers_ip", ip), ("answers_session", visit.token_hash))

    async def upload(self, visit: Visit, ip: str) -> bool:
        return await self._hit(("uploads_ip", ip), ("uploads_session", visit.token_hash))

    async def resume(self, ip: str) -> bool:
        return await self._hit(("resumes_ip", ip))

    async def new_session(self, ip: str) -> bool:
        return await self._hit(("sessions_ip", ip))

    async def poll(self, ip: str) -> bool:
        return await self._hit(("polls_ip", ip))

    async def _hit(self, *counted: tuple[str, str]) -> bool:
        return await self.counts.hit([Rate(name, key, *self.limits[name]) for name, key in counted])


def client_ip(request: web.Request, settings: WebSettings) -> str:
    if settings.trust_proxy and request.headers.get("X-Real-IP"):
        return request.headers["X-Real-IP"]
    return request.remote or "-"


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(HEADERS)
