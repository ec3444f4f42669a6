"""Replies and button rows (plain data) → Bot API reply markup."""

from __future__ import annotations

from functools import lru_cache

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from dialogs.model import Reply

CALLBACK_DATA_BYTES = 64  # Telegram's limit for a button's callback data
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def markup(reply: Reply) -> Markup:
    """One message carries one markup: a contact button wins over inline buttons."""
    return _markup(reply.buttons, reply.contact_button, reply.remove_keyboard)


@lru_cache(maxsize=512)
def _markup(buttons: tuple, contact_button: str | None, remove_keyboard: bool) -> Markup:
    """Kept: most questions have the same buttons every time, and aiogram's models are frozen,
    so one can serve every message (building one cost ~65 us, as much as sending it)."""
    if contact_button:
        button = KeyboardButton(text=contact_button, request_contact=True)
        return ReplyKeyboardMarkup(
            keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True
        )
    if buttons:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
                for row in buttons
            ]
        )
    if remove_keyboard:
        return ReplyKeyboardRemove()
    return None


@lru_cache(maxsize=512)
def inline(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup | None:
    """Rows of (label, data) pairs, as the outbox keeps them."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
            for row in rows
        ]
    )
