"""Dialog replies (plain data) → Bot API reply markup."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from dialogs.model import Reply

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


def markup(reply: Reply) -> Markup:
    """One message carries one markup: a contact button wins over inline buttons."""
    if reply.contact_button:
        button = KeyboardButton(text=reply.contact_button, request_contact=True)
        return ReplyKeyboardMarkup(
            keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True
        )
    if reply.buttons:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text=b.text, callback_data=b.data) for b in row]
                for row in reply.buttons
            ]
        )
    if reply.remove_keyboard:
        return ReplyKeyboardRemove()
    return None
