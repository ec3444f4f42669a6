"""BotMessage: what a test sees of one message the bot sent or edited."""

from __future__ import annotations

from dataclasses import dataclass

from .markup import inline_buttons
from .state import BotEvent, shown_text


@dataclass(frozen=True)
class BotMessage:
    message_id: int
    text: str
    """Text, or the caption of a media message; "" when there is neither."""
    reply_markup: dict | None
    """As the bot sent it: inline keyboard, reply keyboard, removal or force reply."""
    buttons: list[list[str]]
    """Inline keyboard button texts, row by row."""
    photos: list[dict]
    """PhotoSize list, smallest first; empty unless a photo."""
    document: dict | None
    media_group_id: str | None
    is_edit: bool
    raw: dict
    """The Message object exactly as the bot received it."""
    buttons_taken_away: bool = False
    """An edit that only took the buttons off (an answered question), not a new text."""

    @classmethod
    def from_event(cls, event: BotEvent) -> BotMessage:
        data = event.data
        return cls(
            message_id=data["message_id"],
            text=shown_text(data),
            reply_markup=event.markup,
            buttons=[[b["text"] for b in row] for row in inline_buttons(event.markup)],
            photos=data.get("photo", []),
            document=data.get("document"),
            media_group_id=data.get("media_group_id"),
            is_edit=event.is_edit,
            raw=data,
            buttons_taken_away=event.is_edit and event.same_text and not event.markup,
        )

    @property
    def file_id(self) -> str | None:
        """The largest photo's or the document's file_id, to fetch with `emu.file_bytes`."""
        if self.photos:
            return self.photos[-1]["file_id"]
        return self.document["file_id"] if self.document else None
