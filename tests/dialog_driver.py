"""Drive the pure dialog like a person would: type, press buttons by their text, send photos."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from dialogs import engine
from dialogs.divisions import Division, DivisionDirectory
from dialogs.model import Context, Draft, Event, PhotoSaved, Press, Reply, Start, Text

CSV = Path(__file__).resolve().parents[1] / "storage" / "data" / "jilin_divisions.csv"


@lru_cache(maxsize=1)
def directory() -> DivisionDirectory:
    with CSV.open(encoding="utf-8") as fh:
        rows = [Division(r["code"], r["name"], r["level"], r["parent_code"] or None)
                for r in csv.DictReader(fh)]
    return DivisionDirectory(rows)


def button_data(replies: list[Reply], label: str) -> str:
    """The data of the newest button with this label."""
    for reply in reversed(replies):
        for row in reply.buttons:
            for b in row:
                if b.text == label:
                    return b.data
    labels = [b.text for r in replies for row in r.buttons for b in row]
    raise AssertionError(f"no button {label!r} in {labels}")


class SeenReplies:
    """What a chat shows after its latest action: every reply's text, and the last one."""

    replies: list[Reply]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def question(self) -> str:
        return self.replies[-1].text


class DialogChat(SeenReplies):
    def __init__(self, today: date = date(2026, 11, 26)) -> None:
        self.ctx = Context(today=today, now=datetime(2026, 11, 26, 2, tzinfo=UTC),
                           divisions=directory())
        self.draft = Draft()
        self.replies: list[Reply] = []
        self.submitted = False
        self.deleted = False
        self.alert: str | None = None
        self._photo_ids = 0

    def send(self, event: Event) -> list[Reply]:
        out = engine.handle(self.draft, event, self.ctx)
        self.draft, self.replies, self.alert = out.draft, out.replies, out.alert
        self.submitted |= out.submit
        self.deleted |= out.delete
        return self.replies

    def start(self) -> list[Reply]:
        return self.send(Start())

    def say(self, text: str) -> list[Reply]:
        return self.send(Text(text))

    def press(self, label: str) -> list[Reply]:
        return self.send(Press(button_data(self.replies, label)))

    def photo(self) -> list[Reply]:
        self._photo_ids += 1
        return self.send(PhotoSaved(self._photo_ids))

    def buttons(self) -> list[str]:
        return [b.text for r in self.replies for row in r.buttons for b in row]

    @property
    def step(self) -> str:
        return engine.next_step(self.draft).key
