"""The web channel: each POST becomes one call of services/, and its result becomes the next
page. Where a message or press goes is services.front_desk's rule, the same as in Telegram:
review buttons and typed reasons go to the review desk, a reviewer at rest gets their menu,
everything else goes to the registration form.

Every answer is a form POST answered by a redirect to the chat page (so a reload never sends it
again); the page shows what the services said last, kept sealed in the database, so closing the
tab and coming back shows the same screen.
"""

from __future__ import annotations

import logging
import mimetypes
import secrets
import time

from aiohttp import web

from coordination import Coordinator
from dialogs import callbacks
from dialogs.model import Event, Press, Reply, Start, Text
from dialogs.texts import LANGUAGES, t
from services.front_desk import Route, arriving, pressing
from services.registration import (
    ASK_CANCEL,
    LANGUAGE_ACTION,
    MAX_PHOTO_BYTES,
    Keep,
    Registration,
    Result,
    Upload,
    chosen_language,
)
from services.results import Answer
from services.review.desk import ReviewDesk
from services.web_input import open_question
from services.web_sessions import LIFETIME, Resumed, Visit, WebSessions, show_code, update_id
from web import assets, render
from web.config import WebSettings
from web.guard import Guard, client_ip, security_headers
from web.language import in_language, remember
from web.render import Forms

log = logging.getLogger(__name__)
COOKIE = "hs"
READING_AT_MOST = 120.0  # seconds; OCR answers or times out well within it
SAID_SHOWN = 300  # characters of the person's own answer echoed back
UPLOAD_CAP = 64 * 1024 * 1024  # read (and drop) at most this much of an oversized upload
VILLAGE_CODE_LENGTH = 12
MAX_FLASHES = 10_000


class WebChannel:
    def __init__(self, registration: Registration, desk: ReviewDesk, settings: WebSettings,
                 coordinator: Coordinator | None = None):
        self.registration = registration
        self.desk = desk
        self.settings = settings
        self.sessions = WebSessions(registration.db)
        self.guard = Guard(settings, coordinator)
        self.flash: dict[str, dict[str, str]] = {}  # shown once, never stored (a full ID)

    # --- sessions and forms --------------------------------------------------------------

    async def visit(self, request: web.Request) -> Visit | None:
        return await self.sessions.open(request.cookies.get(COOKIE))

    async def posted(self, request: web.Request) -> tuple[Visit, dict[str, str]]:
        """The session and fields of a POST whose CSRF token is right; else a refusal."""
        visit = await self.visit(request)
        fields = await request.post()
        form = {k: v for k, v in fields.items() if isinstance(v, str)}
        self.check(visit, form)
        return visit, form

    def check(self, visit: Visit | None, form: dict[str, str]) -> None:
        token = form.get("csrf", "")
        if visit is None or not secrets.compare_digest(token.encode(), visit.csrf.encode()):
            log.info("refused a form: bad CSRF token or no session")
            raise web.HTTPForbidden(
                text=render.page(t("web.title"), render.bubble(t("web.csrf"), "alert", "alert")
                                 + render.link("/", t("web.home"))),
                content_type="text/html",
            )
        if not 0 < len(form.get("nonce", "")) <= 64:
            raise web.HTTPBadRequest(text=t("web.csrf"))

    def forms(self, visit: Visit) -> Forms:
        return Forms(visit.csrf, lambda: secrets.token_urlsafe(12))

    def say(self, visit: Visit, key: str, text: str) -> None:
        if len(self.flash) >= MAX_FLASHES:  # browsers that never came back for theirs
            self.flash.pop(next(iter(self.flash)))
        self.flash.setdefault(visit.token_hash, {})[key] = text

    # --- pages ---------------------------------------------------------------------------

    async def home(self, request: web.Request) -> web.StreamResponse:
        visit = await self.sessions.open(request.cookies.get(COOKIE), with_notices=True)
        village = request.query.get("v", "")
        if visit is None:
            if request.query.get("k") != "1":
                target = "/?k=1" + (f"&v={village}" if village.isdecimal() else "")
                return _html(render.redirect_page(target))
            if not await self.guard.new_session(client_ip(request, self.settings)):
                return _html(render.page(t("web.title"), render.bubble(t("web.slow_down"))), 429)
            token, visit = await self.sessions.new()
            response = await self._village_or_chat(visit, village)
            response.set_cookie(
                COOKIE, token, max_age=int(LIFETIME.total_seconds()), httponly=True,
                samesite="Strict", secure=self.settings.secure_cookies, path="/",
            )
            return response
        return await self._village_or_chat(visit, village)

    async def _village_or_chat(self, visit: Visit, village: str) -> web.StreamResponse:
        """A poster's link names the village: kept for the form to start there, and handed to
        a form already open as a /start would be (it asks at the household question)."""
        if village:
            if len(village) == VILLAGE_CODE_LENGTH and self.registration.divisions.get(village):
                await self.sessions.set_village(visit, village)
                if await self.registration.has_draft(visit.who):
                    await self._answer(visit, Start(village), None)
            return _see("/")
        return await self.chat(visit)

    async def chat(self, visit: Visit) -> web.Response:
        who = visit.who
        forms = self.forms(visit)
        screen = visit.screen
        notices = list(visit.notices)
        flash = self.flash.pop(visit.token_hash, {})
        parts = [render.bubble(n.text, "notice") + render.buttons(n.buttons, forms)
                 for n in reversed(notices)]
        if screen is None and not notices:
            parts.append(render.bubble(t("web.welcome")))
            parts.append(render.form("/say", forms, '<input type="hidden" name="do" value="start">',
                                     t("web.start")))
        elif screen is not None:
            if screen.get("record"):  # the answered question, with its answer and no buttons
                parts.append(render.bubble(screen["record"], "bot answered"))
            elif screen.get("said"):
                parts.append(render.bubble(screen["said"], "me"))
            parts.append(render.images(len(screen.get("evidence", ())), screen.get("album")))
            wants = screen.get("wants") or {}
            replies = screen.get("replies", [])
            if (not replies or not replies[-1]["buttons"]) and await self.desk.at_rest(who):
                replies = replies + _replies(self.desk.menu().replies)  # what they can do next
            for reply in replies:
                parts.append(render.bubble(reply["text"])
                             + render.buttons(render.reply_rows(reply), forms))
            for key in ("alert", "secret"):
                if key in flash:
                    parts.append(render.bubble(flash[key], "alert", "alert"))
            if "secret" in flash:
                parts.append(render.bubble(t("web.secret.hint"), "alert"))
            if wants.get("text") or await self.desk.reason_asked(who) is not None:
                parts.append(render.text_box(forms))
            if wants.get("photo"):
                parts.append(render.photo_box(forms))
        await self.sessions.shown(notices)
        parts.append(await self._footer(visit))
        return _html(render.page(t("web.title"), "".join(parts), waiting=_reading(screen)))

    async def news(self, request: web.Request) -> web.Response:
        """Whether a photo is still being read: the open page asks every few seconds and
        reloads when the reading is there. Read only; says nothing about the person."""
        if not await self.guard.poll(client_ip(request, self.settings)):
            return web.json_response({"waiting": True, "later": True}, status=429)
        visit = await self.sessions.open(request.cookies.get(COOKIE))
        waiting = _reading(visit.screen if visit is not None else None)
        return web.json_response({"waiting": waiting}, headers={"Cache-Control": "no-store"})

    async def _footer(self, visit: Visit) -> str:
        code = visit.resume_code
        out = [render.link("/status", t("web.status.link"))]
        if code:
            out.append(render.bubble(t("web.resume.code", code=show_code(code)), "code"))
        else:
            out.append(render.link("/resume", t("web.resume.link")))
        return '<div class="footer">' + "".join(out) + "</div>"

    async def status(self, request: web.Request) -> web.Response:
        visit = await self.visit(request)
        if visit is None:
            raise web.HTTPSeeOther("/")
        who = visit.who
        forms = self.forms(visit)
        notices = await self.sessions.notices(who)
        parts = [f"<h1>{t('web.status.title')}</h1>",
                 render.bubble(await self.registration.status(who))]
        if await self.registration.has_draft(who):
            parts.append(render.form("/say", forms, '<input type="hidden" name="do" value="start">',
                                     t("web.status.fix")))
        if notices:
            parts.append(f"<h2>{t('web.status.notices')}</h2>")
            parts.extend(render.bubble(n.text, "notice") for n in notices)
        await self.sessions.shown(notices)
        parts.append(render.link("/", t("web.back")))
        parts.append(await self._footer(visit))
        return _html(render.page(t("web.status.title"), "".join(parts)))

    # --- answers -------------------------------------------------------------------------

    async def answer(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self.posted(request)
        if not await self.guard.answer(visit, client_ip(request, self.settings)):
            self.say(visit, "alert", t("web.slow_down"))
            return _see("/")
        who = visit.who
        uid = update_id(who, form["nonce"])
        if form.get("do") == "start":
            await self._text(visit, "/start", uid)
        elif "data" in form:
            data = form["data"]
            said = _label(visit.screen, data)
            route = (await pressing(self.desk, who, data)).route
            if route is Route.REVIEW:
                await self._answered(visit, await self.desk.press(who, data, uid), said)
            elif route is Route.STRAY:
                self.say(visit, "alert", t("stale"))  # a reviewer's stray press: their menu
                await self._answered(visit, self.desk.menu(), said)
            else:
                await self._answer(visit, Press(data), uid, said)
                chosen = chosen_language(Press(data))
                if chosen is not None:  # 中文 / 조선말 pressed: the page follows
                    response = _see("/")
                    remember(response, chosen, self.settings.secure_cookies)
                    return response
        elif "text" in form:
            target = await self._text(visit, form["text"], uid)
            if target:
                return _see(target)
        return _see("/")

    async def _text(self, visit: Visit, text: str, uid: int) -> str | None:
        """Typed text, commands included (the texts mention /start and /status)."""
        who = visit.who
        arrival = await arriving(self.desk, who, text)
        route = arrival.route
        if route is Route.STATUS:
            return "/status"
        if route is Route.HELP:
            await self.show(visit, _screen(await self.registration.help(who)))
        elif route is Route.LANGUAGE:
            await self.show(visit, _screen(await self.registration.language(who)))
        elif route is Route.NOTHING_TO_CANCEL:
            await self.show(visit, _screen([Reply(t("cancel.nothing"))]))
        elif route is Route.CANCEL:
            await self._answer(visit, Press(ASK_CANCEL), uid)
        elif route is Route.INVITE:
            await self._answered(visit, await self.desk.enrol(who, "", arrival.argument, uid), None)
        elif route is Route.QUEUE:
            await self._answered(visit, await self.desk.queue(who), None)
        elif route is Route.REASON:
            await self._answered(visit, await self.desk.reason(who, text, arrival.asked), text)
        elif route is Route.MENU:
            await self._answered(visit, self.desk.menu(), None)
        elif route is Route.START:
            start = Start(visit.village_hint)  # the poster's village, if they came by one
            await self._answer(visit, start, uid)
        else:
            await self._answer(visit, Text(text), uid, text)
        return None

    async def photo(self, request: web.Request) -> web.StreamResponse:
        visit = await self.visit(request)
        form, data, size = await _read_upload(request)
        self.check(visit, form)
        if not await self.guard.upload(visit, client_ip(request, self.settings)):
            self.say(visit, "alert", t("web.slow_down"))
            return _see("/")
        who = visit.who

        async def download() -> bytes:
            return data

        notice: list[dict] = []  # "reading the photo": what OCR read takes its place

        async def later(replies: list[Reply]) -> None:
            """What OCR read arrives after the page was shown: the next view shows it."""
            screen = await self.sessions.screen(who) or _screen([])
            kept = [r for r in screen.get("replies", []) if r not in notice]
            waited = screen.pop("waiting", False)
            if kept == screen.get("replies", []) and not replies and not waited:
                return
            screen["replies"] = kept + _replies(replies or [Reply(t("photo.kept"))])
            await self.show(visit, screen)

        upload = Upload(size, download, None, "photo")
        keep = self._keep(visit, t("web.said.photo"))
        uid = update_id(who, form["nonce"])
        result = await self.registration.photo(who, uid, upload, later, keep=keep)
        if result.waits:
            notice.extend(_replies(result.replies))
        if result.alert:
            self.say(visit, "alert", result.alert)
        return _see("/")

    async def _answer(
        self, visit: Visit, event: Event, uid: int | None, said: str | None = None
    ) -> None:
        """An event of the form: its screen is kept in the same write as the answer."""
        result = await self.registration.handle(visit.who, event, uid, keep=self._keep(visit, said))
        if result.alert:
            self.say(visit, "alert", result.alert)

    def _keep(self, visit: Visit, said: str | None) -> Keep:
        """The screen a registration result makes, kept in the same write as the answer."""
        return self.sessions.keeping(visit.who, lambda r: _result_screen(r, said), open_question)

    async def _answered(self, visit: Visit, answer: Answer, said: str | None) -> None:
        """A review desk answer: a refusal or a secret is said once; the screen stays."""
        if answer.refusal is not None:
            self.say(visit, "alert", answer.refusal)
            return
        if answer.secret is not None:
            self.say(visit, "secret", answer.secret)
            return
        replies = [answer.card, *answer.replies] if answer.card else answer.replies
        screen = _screen(replies, said)
        if answer.album is not None:
            screen["album"] = answer.album.caption
            screen["evidence"] = [[a.evidence_id, a.path] for a in answer.album.files]
        await self.show(visit, screen)

    async def show(self, visit: Visit, screen: dict) -> None:
        """Keep the screen with what the open question takes, read once here, not per view."""
        await self.sessions.show(visit.who, screen, open_question)

    # --- resume on another phone --------------------------------------------------------

    async def language(self, request: web.Request) -> web.StreamResponse:
        """The link at the top (中文 / 조선말): the page and an open draft switch, every answer
        kept; the open question is asked again in the new language."""
        lang = request.query.get("to", "")
        response = _see("/")
        if lang not in LANGUAGES:
            return response
        visit = await self.sessions.open(request.cookies.get(COOKIE))
        if visit is not None and await self.registration.has_draft(visit.who):
            press = Press(callbacks.action(LANGUAGE_ACTION, lang))
            await self._answer(visit, press, None)
        remember(response, lang, self.settings.secure_cookies)
        return response

    async def resume_page(self, request: web.Request) -> web.Response:
        visit = await self.visit(request)
        if visit is None:
            raise web.HTTPSeeOther("/")
        return self._resume_form(visit, self.flash.pop(visit.token_hash, {}).get("alert"))

    def _resume_form(self, visit: Visit, message: str | None, status: int = 200) -> web.Response:
        inner = (render.field("code", t("web.resume.code_label"), size=12)
                 + render.field("last4", t("web.resume.digits_label"), size=4))
        body = (f"<h1>{t('web.resume.title')}</h1>"
                + (render.bubble(message, "alert", "alert") if message else "")
                + render.form("/resume", self.forms(visit), inner, t("web.resume.go"))
                + render.link("/", t("web.back")))
        return _html(render.page(t("web.resume.title"), body), status)

    async def resume(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self.posted(request)
        if not await self.guard.resume(client_ip(request, self.settings)):
            return self._resume_form(visit, t("web.slow_down"), 429)
        outcome = await self.sessions.resume(visit, form.get("code", ""), form.get("last4", ""))
        if outcome is not Resumed.OK:
            return self._resume_form(visit, t(f"web.resume.{outcome.value}"))
        self.flash.pop(visit.token_hash, None)
        resumed = await self.sessions.open(request.cookies.get(COOKIE))
        if resumed is not None and await self.registration.has_draft(resumed.who):
            await self._answer(resumed, Start(), None)
        if resumed is not None:
            self.say(resumed, "alert", t("web.resume.ok"))
        return _see("/")

    # --- reviewers -----------------------------------------------------------------------

    async def join_page(self, request: web.Request) -> web.Response:
        """An invite link: the token stays in a form field from here on (not in later URLs)."""
        visit = await self.visit(request)
        if visit is None:
            if request.query.get("k") != "1":
                return _html(render.redirect_page(f"/join/{request.match_info['token']}?k=1"))
            token, visit = await self.sessions.new()
            response = self._join_form(visit, request.match_info["token"])
            response.set_cookie(
                COOKIE, token, max_age=int(LIFETIME.total_seconds()), httponly=True,
                samesite="Strict", secure=self.settings.secure_cookies, path="/",
            )
            return response
        return self._join_form(visit, request.match_info["token"])

    def _join_form(self, visit: Visit, token: str) -> web.Response:
        inner = (f'<input type="hidden" name="token" value="{render.escape(token[:64])}">'
                 + render.field("name", t("web.join.name"), size=20))
        body = (f"<h1>{t('web.join.title')}</h1>" + render.bubble(t("web.join.intro"))
                + render.form("/join", self.forms(visit), inner, t("web.join.go")))
        return _html(render.page(t("web.join.title"), body))

    async def join(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self.posted(request)
        if not await self.guard.resume(client_ip(request, self.settings)):
            self.say(visit, "alert", t("web.slow_down"))
            return _see("/")
        name = (form.get("name") or "").strip()[:40]
        uid = update_id(visit.who, form["nonce"])
        answer = await self.desk.enrol(visit.who, name, form.get("token", ""), uid)
        await self._answered(visit, answer, None)
        return _see("/")

    async def evidence(self, request: web.Request) -> web.StreamResponse:
        """A photo of the entry this reviewer opened last (their screen lists it)."""
        visit = await self.visit(request)
        index = request.match_info["index"]
        if visit is None or not await self.desk.reviewers.contains(self.registration.db,
                                                                    visit.who):
            raise web.HTTPNotFound(text=t("web.not_found"))
        files = (visit.screen or {}).get("evidence", [])
        if not index.isdecimal() or int(index) >= len(files):
            raise web.HTTPNotFound(text=t("web.not_found"))
        path = files[int(index)][1]
        body = self.registration.store.absolute(path).read_bytes()
        kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.Response(body=body, content_type=kind,
                            headers={"Cache-Control": "private, no-store"})


def _reading(screen: dict | None) -> bool:
    """A photo of this screen is being read. A reading that never came (the server restarted
    meanwhile) stops counting after READING_AT_MOST, so no page keeps reloading itself."""
    since = (screen or {}).get("waiting")
    return isinstance(since, int | float) and time.time() - since < READING_AT_MOST


def _screen(replies: list[Reply], said: str | None = None) -> dict:
    return {"said": said[:SAID_SHOWN] if said else None, "replies": _replies(replies)}


def _result_screen(result: Result, said: str | None) -> dict | None:
    """The screen a registration result shows; None when it says nothing (the screen stays)."""
    if not result.replies:
        return None
    screen = _screen(result.replies, said)
    if result.closes is not None:
        screen["record"] = result.closes.record
    if result.waits:
        screen["waiting"] = time.time()  # until what OCR read takes the notice's place
    return screen


def _replies(replies: list[Reply]) -> list[dict]:
    return [
        {"text": r.text, "buttons": [[[b.text, b.data] for b in row] for row in r.buttons]}
        for r in replies
    ]


def _label(screen: dict | None, data: str) -> str | None:
    """The label of the pressed button, echoed as the person's answer."""
    for reply in (screen or {}).get("replies", []):
        for row in reply.get("buttons", ()):
            for label, value in row:
                if value == data:
                    return label
    return None


async def _read_upload(request: web.Request) -> tuple[dict[str, str], bytes, int]:
    """The form fields, the first non-empty file of a multipart POST and its size. Of a file
    over the Telegram path's limit only the size is kept (the rest is drained), so the same
    check refuses it with the same words."""
    form: dict[str, str] = {}
    data, data_size = b"", 0
    reader = await request.multipart()
    drained = 0
    async for part in reader:
        if part.name == "photo" and part.filename is not None:
            chunks, size = [], 0
            while chunk := await part.read_chunk(256 * 1024):
                size += len(chunk)
                if size <= MAX_PHOTO_BYTES:
                    chunks.append(chunk)
                drained += len(chunk)
                if drained > UPLOAD_CAP:
                    raise web.HTTPRequestEntityTooLarge(MAX_PHOTO_BYTES, drained,
                                                        text=t("photo.too_large"))
            if size and not data_size:
                data, data_size = b"".join(chunks), size
        elif part.name in ("csrf", "nonce"):
            form[part.name] = (await part.read(decode=True)).decode(errors="replace")[:100]
    return form, data, data_size


def _see(target: str) -> web.Response:
    """303: the page after a POST (a reload then shows it again instead of re-sending)."""
    return web.Response(status=303, headers={"Location": target})


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8", status=status,
                        headers={"Cache-Control": "no-store"})


@web.middleware
async def _logged(request: web.Request, handler):
    """One log line per request, by route (never the path or query: an invite token there)."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    except Exception:
        log.exception("web request failed")
        return _html(render.page(t("web.title"), render.bubble(t("error.generic"), "alert")
                                 + render.link("/", t("web.home"))), 500)
    finally:
        route = request.match_info.route.resource
        name = route.canonical if route is not None else "-"
        log.info("web %s %s %d %.1fms", request.method, name, status,
                 (time.perf_counter() - started) * 1000)


def make_app(
    registration: Registration, desk: ReviewDesk, settings: WebSettings,
    coordinator: Coordinator | None = None,
) -> web.Application:
    """`coordinator`: where the rate limits are counted (Redis with several workers)."""
    channel = WebChannel(registration, desk, settings, coordinator)
    app = web.Application(middlewares=[_logged, in_language], client_max_size=256 * 1024)
    app.on_response_prepare.append(security_headers)
    app.router.add_get("/", channel.home)
    app.router.add_post("/say", channel.answer)
    app.router.add_post("/photo", channel.photo)
    app.router.add_get("/status", channel.status)
    app.router.add_get("/news", channel.news)
    app.router.add_get("/language", channel.language)
    app.router.add_get("/resume", channel.resume_page)
    app.router.add_post("/resume", channel.resume)
    app.router.add_get("/join/{token}", channel.join_page)
    app.router.add_post("/join", channel.join)
    app.router.add_get("/evidence/{index}", channel.evidence)
    app.router.add_get("/static/{name}", assets.serve)
    return app
