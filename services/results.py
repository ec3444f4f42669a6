"""What use cases hand back to a channel: plain data, rendered by bot/ or web/ as they can."""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogs.model import Reply
from storage.records import CommitteeRecord, EvidenceRecord


@dataclass(frozen=True)
class Attachment:
    """An evidence file to show, with what a channel needs to pick how (photo or file)."""

    evidence_id: int
    path: str  # in the EvidenceStore
    size: int
    width: int | None
    height: int | None
    channel_ref: str | None = None  # the channel's id of an earlier upload (Telegram file_id)

    @classmethod
    def of(cls, e: EvidenceRecord) -> Attachment:
        return cls(e.id, e.path, e.size, e.width, e.height, e.telegram_file_id)


@dataclass(frozen=True)
class Album:
    caption: str
    files: list[Attachment]
    shown_before: bool = False  # a chat that keeps its history has these photos above already


@dataclass
class Answer:
    """What a reviewer's action says. A `refusal` replaces everything else: the action was not
    theirs (or not any more), nothing happened, and it was audited."""

    replies: list[Reply] = field(default_factory=list)
    refusal: str | None = None
    secret: str | None = None  # shown so that it does not stay in the chat (the full ID number)
    album: Album | None = None  # shown before the replies
    edit: bool = False  # the first reply takes the pressed message's place
    clear_pressed: bool = False  # the pressed message's buttons go: its question is answered
    quote_pressed: bool = False  # the replies are about the pressed message (a menu for a card)
    card: Reply | None = None  # the entry's card as it now is: replaces the card pressed on
    card_ref: str | None = None  # the channel's id of that card when nothing was pressed on it
    enrolled: CommitteeRecord | None = None  # they just became a reviewer of this committee
