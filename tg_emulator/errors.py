"""Telegram-shaped API errors, so aiogram maps them to the same exceptions as in production."""

from __future__ import annotations

from typing import Any

FLOOD_DESCRIPTION = "Too Many Requests: retry after {}"

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """Raised by method handlers; the server turns it into `{"ok": false, ...}`."""

    def __init__(
        self, error_code: int, description: str | None = None, retry_after: int | None = None
    ) -> None:
        if description is None:
            description = default_description(error_code, retry_after)
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def default_description(error_code: int, retry_after: int | None = None) -> str:
    if error_code == 429:
        return FLOOD_DESCRIPTION.format(retry_after if retry_after is not None else 1)
    return _DEFAULT_DESCRIPTIONS.get(error_code, "Error")


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


CHAT_NOT_FOUND = "chat not found"
TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "message to edit not found"
DELETE_NOT_FOUND = "message to delete not found"
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
FILE_TOO_BIG = "file is too big"
WRONG_FILE_ID = "wrong file identifier/HTTP URL specified"
BLOCKED = "Forbidden: bot was blocked by the user"
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
