"""Who gets what when someone writes or presses: the one rule every channel follows.

A message goes to the review desk (an invite, /queue, a reviewer's typed reason, anything a
reviewer with no form open says gets their menu) or to the registration form (/start, /help,
/status, /cancel, /language, an answer). Telegram and the web page ask here and run the use case
named, each rendering its result its own way; so a reviewer gets the same answer in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from services.invites import is_invite_token
from services.registration import NEW_REGISTRATION
from services.review.desk import ReviewDesk, is_review_data
from storage.records import Address, ReasonAsked


class Route(Enum):
    INVITE = "invite"  # /start with an invite token: enrol
    QUEUE = "queue"  # /queue
    REASON = "reason"  # the reason a reviewer was asked to type
    MENU = "menu"  # a reviewer with no form open: their menu
    STRAY = "stray"  # a reviewer at rest pressing a button of no form: "old button" and the menu
    REVIEW = "review"  # a review desk button
    START = "start"  # /start: begin or resume the form
    HELP = "help"
    STATUS = "status"
    CANCEL = "cancel"  # /cancel with a form being filled in: ask before deleting it
    NOTHING_TO_CANCEL = "nothing_to_cancel"
    LANGUAGE = "language"
    ANSWER = "answer"  # anything else answers the registration form


# Commands that work the same for everyone, reviewers included.
EVERYONE = {"/help": Route.HELP, "/status": Route.STATUS, "/cancel": Route.CANCEL,
            "/language": Route.LANGUAGE, "/queue": Route.QUEUE}


@dataclass(frozen=True)
class Arrival:
    route: Route
    argument: str = ""  # what follows the command: /start's payload (an invite, a poster's)
    asked: ReasonAsked | None = None  # REASON: the question the text answers, as read here


def command_of(text: str | None) -> tuple[str, str] | None:
    """`/start@bot payload` → ("/start", "payload"); None for text that is no command."""
    words = (text or "").strip()
    if not words.startswith("/"):
        return None
    head, _, argument = words.partition(" ")
    return head.split("@", 1)[0].lower(), argument.strip()


async def arriving(desk: ReviewDesk, who: Address, text: str | None) -> Arrival:
    """What a message asks for. `text` is None for what is not typed (a photo, a contact)."""
    command = command_of(text)
    if command is not None:
        name, argument = command
        if name == "/start" and is_invite_token(argument):
            return Arrival(Route.INVITE, argument)
        if name == "/cancel" and not await desk.registration.has_draft(who):
            return Arrival(Route.NOTHING_TO_CANCEL)
        if name in EVERYONE:
            return Arrival(EVERYONE[name])
    elif text and (asked := await desk.reason_asked(who)) is not None:
        return Arrival(Route.REASON, asked=asked)
    if await desk.at_rest(who):
        return Arrival(Route.MENU)
    if command is not None and command[0] == "/start":
        return Arrival(Route.START, command[1])
    return Arrival(Route.ANSWER)


async def pressing(desk: ReviewDesk, who: Address, data: str) -> Arrival:
    """What a button press asks for."""
    if is_review_data(data):
        return Arrival(Route.REVIEW)
    if data != NEW_REGISTRATION and await desk.at_rest(who):
        return Arrival(Route.STRAY)
    return Arrival(Route.ANSWER)

