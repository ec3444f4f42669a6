"""reply_markup validation with Telegram's error texts, and helpers to read keyboards."""

from __future__ import annotations

from typing import Any

from .errors import BUTTON_DATA_INVALID, bad_request

MAX_CALLBACK_DATA_BYTES = 64
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def check_markup(markup: Any) -> dict | None:
    """Validate any of the four markup kinds; return it unchanged (None when absent)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in markup:
        _check_inline(markup["inline_keyboard"])
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], "can't parse reply keyboard markup JSON object")
        for row in markup["keyboard"]:
            for button in row:
                if not (isinstance(button, str) or (isinstance(button, dict) and "text" in button)):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _check_rows(rows: Any, error: str) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(error)


def _check_inline(rows: Any) -> None:
    _check_rows(rows, "can't parse inline keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not any(key in button for key in _INLINE_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are "
                    "unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request(BUTTON_DATA_INVALID)


def inline_part(markup: dict | None) -> dict | None:
    """Message objects only carry inline keyboards; reply keyboards live in the client."""
    return markup if markup and "inline_keyboard" in markup else None


def inline_buttons(markup: dict | None) -> list[list[dict]]:
    return (inline_part(markup) or {}).get("inline_keyboard", [])


def reply_buttons(markup: dict | None) -> list[list[dict]]:
    """Reply keyboard rows with plain-string buttons normalised to {"text": ...}."""
    rows = (markup or {}).get("keyboard", [])
    return [[{"text": b} if isinstance(b, str) else b for b in row] for row in rows]
