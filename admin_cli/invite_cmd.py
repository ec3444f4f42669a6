"""`honoree-admin invite`: a one-time link (and a printable QR code) that makes the staff member
who opens it a reviewer of a committee: in Telegram, on the web page, or either (the same token
works in both channels).

Only the token's SHA-256 is stored; the link is shown once, here.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import segno
import typer
from rich.markup import escape

from admin_cli.common import console, err_console, fail, run_with_db, settings_from
from dialogs.texts import t
from services.committees import committee_name, place_names
from services.invites import InviteRefused, MadeInvite, create_invite
from services.paper.labels import china_time
from services.paper.package import default_actor
from storage.records import ReviewerRole
from storage.settings import Settings
from storage.uow import Database
from web.config import WebSettings

_DURATION = re.compile(r"(\d+)([mhdw])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
CHANNELS = ("tg", "web", "both")


def parse_duration(text: str) -> timedelta:
    """7d, 12h, 30m, 2w."""
    match = _DURATION.fullmatch(text.strip().lower())
    if match is None or int(match[1]) == 0:
        raise typer.BadParameter(t("staff.cli.invite.bad_duration", text=repr(text)))
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def bot_username(settings: Settings, fallback: str | None) -> str | None:
    """The bot's @username from getMe when a token is configured, else the one given."""
    if settings.bot_token is not None:
        url = (
            f"{settings.telegram_api.rstrip('/')}/bot{settings.bot_token.get_secret_value()}/getMe"
        )
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.load(response)["result"]["username"]
        except (OSError, ValueError, KeyError, TypeError) as exc:  # never print the URL: token
            reason = exc.reason if isinstance(exc, urllib.error.URLError) else type(exc).__name__
            err_console.print(t("staff.cli.invite.get_me_failed", reason=escape(str(reason))))
    return fallback


def invite(
    ctx: typer.Context,
    division: Annotated[
        str, typer.Option("--division", help=t("staff.help.division"))
    ],
    role: Annotated[
        ReviewerRole | None,
        typer.Option("--role", help=t("staff.help.invite.role")),
    ] = None,
    expires: Annotated[str, typer.Option("--expires", help=t("staff.help.invite.expires"))] = "7d",
    uses: Annotated[int, typer.Option("--uses", min=1, help=t("staff.help.invite.uses"))] = 1,
    qr: Annotated[Path | None, typer.Option("--qr", help=t("staff.help.invite.qr"))] = None,
    username: Annotated[
        str | None,
        typer.Option(
            "--bot-username", help=t("staff.help.invite.bot_username")
        ),
    ] = None,
    channel: Annotated[
        str, typer.Option("--channel", help=t("staff.help.invite.channel"))
    ] = "tg",
    as_json: Annotated[bool, typer.Option("--json", help=t("staff.help.json"))] = False,
) -> None:
    if channel not in CHANNELS:
        raise typer.BadParameter(t("staff.cli.invite.channel"))
    lifetime = parse_duration(expires)
    settings = settings_from(ctx)
    name = None
    if channel != "web":
        name = bot_username(settings, username or settings.bot_username)
        if not name or not _USERNAME.fullmatch(name.removeprefix("@")):
            fail(t("staff.cli.invite.no_bot"))
        name = name.removeprefix("@")
    async def work(db: Database) -> tuple[MadeInvite, str] | str:
        try:
            made = await create_invite(
                db, division, role=role, lifetime=lifetime, uses=uses,
                actor=f"cli:{default_actor()}",
            )
        except InviteRefused as refused:
            return str(refused)
        return made, committee_name(await place_names(db), made.committee)

    outcome = run_with_db(ctx, work)
    if isinstance(outcome, str):
        fail(outcome)
    made, committee = outcome
    links = []
    if name is not None:
        links.append(f"https://t.me/{name}?start={made.token}")
    if channel != "tg":
        links.append(f"{WebSettings().base_url}/join/{made.token}")
    link = links[0]  # the QR code carries the first: Telegram's, unless only the web is asked
    if qr is not None:
        try:
            segno.make(link, error="m").save(qr, scale=8, border=4)
        except OSError as exc:
            fail(t("staff.cli.invite.qr_failed", qr=qr, error=exc.strerror))
    if as_json:
        out = {
            "invite_id": made.invite_id,
            "committee": committee,
            "division": division,
            "role": made.role.value,
            "expires_at": made.expires_at.isoformat(),
            "uses": made.uses,
            "link": link,
            "web_link": links[-1] if channel != "tg" else None,
            "qr": str(qr) if qr else None,
        }
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    console.print(t("staff.cli.invite.made", committee=escape(committee), role=made.role.value,
                    until=china_time(made.expires_at), uses=made.uses))
    for each in links:
        console.print(each, soft_wrap=True, highlight=False)
    if qr is not None:
        console.print(t("staff.cli.invite.qr", qr=qr))
