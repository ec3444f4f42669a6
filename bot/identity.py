"""Telegram people as the application layer knows them: ("tg", "<user id>")."""

from __future__ import annotations

from aiogram.types import User

from storage.records import Address

TELEGRAM = "tg"


def person(user: User) -> Address:
    return Address(TELEGRAM, str(user.id))


def chat_of(who: Address) -> int:
    """The private chat with them: in Telegram its id is the user's id."""
    if who.channel != TELEGRAM:
        raise ValueError(f"not a Telegram address: {who.channel}")
    return int(who.external_id)
