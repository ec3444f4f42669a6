"""Button data: what a pressed button carries back, built and read in this one place.

Three shapes share a channel's callback data, told apart by their first part:
  an answer  "<field key>#<award>|<payload>"  payload: an option code, "q<n>", "~skip", …
  an action  "x|<name>[:<argument>]"          buttons that work from any question
  a review   "r|<verb>|<n>|…"                 committee review, whole numbers only
Building never checks a size: the channel supplies its byte limit (None when it has none) to
the checks, so neither the conversation nor the services know any channel's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogs.form import FIELDS, MORE_AWARDS_KEY

SEP = "|"
ACTION = "x"
REVIEW = "r"
ACTIONS = frozenset({
    "cancel?", "cancel!", "cancel-", "submit", "edit", "back", "keep", "ocr", "new",
    "fix",  # a contradiction: "this" (the answer just given) or "other" (the earlier one)
    "later",  # no ID card at hand: everything is kept, /start continues
    "restart",  # after a stop: begin again from the consent question
    "gone",  # the former employer no longer exists: register with the village committee
    "lang",  # 中文 / 조선말: the language of the conversation (argument: the language tag)
})

# review verb -> number of whole-number arguments. Verbs ending in "r" carry a reason index,
# "t" asks for a typed reason; "ret"/"rej"/"fwd" open the menu of reasons or committees.
REVIEW_ARITY: dict[str, int] = {
    "list": 0,  # /queue
    "assist": 0,  # start 代为登记
    "queue": 2,  # committee id, page
    "free": 2,  # township desk committee id, page: entries without a village committee
    "open": 1,  # registration id
    "id": 1,  # reveal the full ID number
    "ok": 2,  # registration id, version
    "ret": 2,
    "retr": 3,  # + reason index
    "rett": 2,
    "rej": 2,
    "rejr": 3,
    "rejt": 2,
    "fwd": 2,
    "fwdc": 3,  # + target committee id
}
_NUMBER = re.compile(r"0|[1-9][0-9]{0,8}")  # ASCII, canonical, fits a 32-bit column


@dataclass(frozen=True)
class Answer:
    """A press on a button of question `token` (see `token`)."""

    token: str
    payload: str


@dataclass(frozen=True)
class Action:
    """A button that works from any question, e.g. ("edit", "name#") or ("submit", "")."""

    name: str
    argument: str = ""


@dataclass(frozen=True)
class ReviewAction:
    verb: str
    args: tuple[int, ...] = ()


Decoded = Answer | Action | ReviewAction


# --- building ----------------------------------------------------------------------------


def token(key: str, award: int | None = None) -> str:
    """The open question's mark: a press carrying another mark is from an old message."""
    return f"{key}#{'' if award is None else award}"


def answer(question: str, payload: str) -> str:
    return f"{question}{SEP}{payload}"


def action(name: str, argument: str = "") -> str:
    assert name in ACTIONS, name
    return f"{ACTION}{SEP}{name}" + (f":{argument}" if argument else "")


def review(verb: str, *args: int) -> str:
    assert len(args) == REVIEW_ARITY[verb], verb
    return SEP.join((REVIEW, verb, *(str(a) for a in args)))


# --- reading -----------------------------------------------------------------------------


def fits(data: str, limit: int | None) -> bool:
    return limit is None or len(data.encode()) <= limit


def decode(data: str | None) -> Decoded | None:
    """What the data asks for, or None when it cannot have come from us (forged, cut short)."""
    if not data:
        return None
    head, sep, rest = data.partition(SEP)
    if not sep:
        return None
    if head == ACTION:
        name, _, argument = rest.partition(":")
        return Action(name, argument) if name in ACTIONS else None
    if head == REVIEW:
        verb, *args = rest.split(SEP)
        if REVIEW_ARITY.get(verb) != len(args) or not all(_NUMBER.fullmatch(a) for a in args):
            return None
        return ReviewAction(verb, tuple(int(a) for a in args))
    key, hash_, award = head.partition("#")
    if not (key and hash_ and (award == "" or (award.isdecimal() and award.isascii()))):
        return None
    return Answer(head, rest)


def well_formed(data: str | None, limit: int | None) -> bool:
    """Could this data have come from a button of the registration dialog (an answer or an
    action) on a channel allowing `limit` bytes? Review data is read by `review_action`."""
    if data is None or not fits(data, limit):
        return False
    decoded = decode(data)
    if isinstance(decoded, Answer):
        key = decoded.token.partition("#")[0]
        return key == MORE_AWARDS_KEY or key in FIELDS
    return isinstance(decoded, Action)


def payload(data: str, question: str) -> str | None:
    """The payload of an answer to `question`, or None when the press is stale (or no answer)."""
    decoded = decode(data)
    if isinstance(decoded, Answer) and decoded.token == question:
        return decoded.payload
    return None


def stale(data: str, question: str) -> bool:
    """Is this an answer meant for another question than the open one?"""
    return payload(data, question) is None


def review_action(raw: str | None, limit: int | None) -> ReviewAction | None:
    """The review request in callback data, or None for anything malformed or too long."""
    if raw is None or not fits(raw, limit):
        return None
    decoded = decode(raw)
    return decoded if isinstance(decoded, ReviewAction) else None
