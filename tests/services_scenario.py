"""A whole registration and a whole review through services/ alone, on an in-memory channel:
`python -m tests.services_scenario DATABASE_URL EVIDENCE_DIR`. It exits non-zero on the first
thing a person would notice going wrong, and if any channel library was imported on the way.

Run in a fresh interpreter by tests/test_services.py, so that "no aiogram" is about this
process alone.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
from datetime import timedelta
from pathlib import Path

from PIL import Image

from dialogs.model import Event, Press, Reply, Start, Text
from dialogs.texts import KOREAN, speaking, t
from services.invites import create_invite
from services.outbox import Outbox
from services.reachability import Unreachable
from services.registration import Registration, Upload
from services.results import Answer
from services.review.desk import ReviewDesk
from services.review.intake import BATCH_WINDOW
from storage.crypto import FieldCipher
from storage.files import EvidenceStore
from storage.records import Address
from storage.uow import Database
from tests.dialog_driver import SeenReplies, button_data
from tests.test_dialog_flow import FAKE_ID, VILLAGE, finish_award_n1, person, screen

CHANNEL = "memory"
HONOREE = Address(CHANNEL, "honoree-1")
REVIEWER = Address(CHANNEL, "reviewer-1")


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (236, 228, 210)).save(out, "JPEG")
    return out.getvalue()


class MemoryChat(SeenReplies):
    """A honoree on the in-memory channel: the same calls as tests.dialog_driver.DialogChat,
    so the dialog flows written for it drive the real services here."""

    def __init__(self, registration: Registration, who: Address) -> None:
        self.registration = registration
        self.who = who
        self.replies: list[Reply] = []
        self.updates = 1000

    async def _send(self, event: Event) -> list[Reply]:
        self.updates += 1
        result = await self.registration.handle(self.who, event, self.updates)
        self.replies = result.replies
        return self.replies

    async def start(self) -> list[Reply]:
        return await self._send(Start())

    async def say(self, text: str) -> list[Reply]:
        return await self._send(Text(text))

    async def send(self, event: Event) -> list[Reply]:
        return await self._send(event)

    async def press(self, label: str) -> list[Reply]:
        return await self._send(Press(button_data(self.replies, label)))

    async def photo(self) -> list[Reply]:
        self.updates += 1
        data = photo_bytes()

        async def download() -> bytes:
            return data

        upload = Upload(len(data), download, None, "photo")
        self.replies = (await self.registration.photo(self.who, self.updates, upload)).replies
        return self.replies


class SyncChat:
    """The chat as the synchronous dialog flows of test_dialog_flow see it: they run in a
    worker thread, and each call waits for the real services on the event loop."""

    def __init__(self, chat: MemoryChat, loop: asyncio.AbstractEventLoop) -> None:
        self._chat, self._loop = chat, loop

    def __getattr__(self, name: str):
        target = getattr(self._chat, name)
        if not callable(target):
            return target

        def call(*args):
            return asyncio.run_coroutine_threadsafe(target(*args), self._loop).result()

        return call


async def drive(chat: MemoryChat, flow) -> None:
    await asyncio.to_thread(flow, SyncChat(chat, asyncio.get_running_loop()))


def button(reply: Reply, label: str) -> str:
    return button_data([reply], label)


async def delivered(outbox: Outbox, to: Address) -> list[str]:
    """What the channel's sender delivers to `to` (and marks sent), once new-entry notices
    have waited their batching window."""
    await asyncio.sleep(BATCH_WINDOW.total_seconds())
    said = []
    for message in await outbox.due():
        if message.to == to:
            said.append(message.text)
        await outbox.sent(message)
    return said


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")


async def main(url: str, evidence: Path) -> None:
    db = Database(url, FieldCipher(os.urandom(32)))
    registration = await Registration.create(db, EvidenceStore(evidence))
    desk = ReviewDesk(registration)
    outbox = Outbox(db, CHANNEL, Unreachable(db))

    made = await create_invite(
        db, VILLAGE, role=None, lifetime=timedelta(days=7), uses=1, actor="cli:scenario"
    )
    enrolled = await desk.enrol(REVIEWER, "张主任", made.token, update_id=1)
    check(enrolled.enrolled is not None, "the invite enrols the reviewer")
    again = await desk.enrol(Address(CHANNEL, "stranger"), "某人", made.token, update_id=2)
    check(again.enrolled is None, "a used invite is refused")

    honoree = MemoryChat(registration, HONOREE)
    await drive(honoree, screen)
    await drive(honoree, finish_award_n1)
    await honoree.press("没有了")
    await drive(honoree, person)
    check(FAKE_ID[-4:] in honoree.question, "the summary card shows the answers")
    await honoree.press(t("btn.submit"))
    check("编号" in honoree.text, f"the honoree is told the number: {honoree.text}")

    told = await delivered(outbox, REVIEWER)
    check(len(told) == 1 and "金明浩" in told[0], f"the reviewer hears of the entry: {told}")

    queue = (await desk.queue(REVIEWER)).replies[0]
    entry_data = next(b.data for row in queue.buttons for b in row if "金明浩" in b.text)
    opened = await desk.press(REVIEWER, entry_data, None)
    card = opened.replies[0]
    check("金明浩" in card.text and opened.album is not None, "the card and its photos open")
    menu = (await desk.press(REVIEWER, button(card, t("review.btn.return")), None)).replies[0]
    returned = await desk.press(REVIEWER, button(menu, t("review.ret.0")), None)
    check(returned.clear_pressed and returned.refusal is None, "the return is decided")
    stale = await desk.press(REVIEWER, button(card, t("review.btn.confirm")), None)
    check(not stale.clear_pressed and "您已经处理过" in stale.replies[0].text,
          "the old card's 确认 changes nothing after the return, and says so to its reviewer")
    check(stale.card is not None and "退回修改" in stale.card.text and not stale.card.buttons,
          "the old card becomes the entry's current card, without buttons")

    told = await delivered(outbox, HONOREE)
    check(any(t("review.ret.0") in m for m in told), f"the honoree hears why: {told}")

    await honoree.start()
    check(t("review.ret.0") in honoree.text, "resuming shows the reason")
    await honoree.press(t("btn.submit"))
    told = await delivered(outbox, REVIEWER)
    check(len(told) == 1, f"the reviewer hears of the resubmission: {told}")

    section = t("summary.section.A")
    with speaking(KOREAN):  # a reviewer whose phone prefers Korean
        check(t("summary.section.A") != section, "the card's words have a Korean version")
        queue = (await desk.queue(REVIEWER)).replies[0]
        entry_data = next(b.data for row in queue.buttons for b in row if "金明浩" in b.text)
        card = (await desk.press(REVIEWER, entry_data, None)).replies[0]
    check(section in card.text, f"the review card stays Chinese for staff: {card.text[:80]}")
    confirmed: Answer = await desk.press(REVIEWER, button(card, t("review.btn.confirm")), None)
    check(confirmed.clear_pressed, "the confirmation is decided")
    told = await delivered(outbox, HONOREE)
    check(any("确认" in m for m in told), f"the honoree hears it is confirmed: {told}")
    status = await registration.status(HONOREE)
    check("确认" in status, f"/status says confirmed: {status}")

    await registration.close()
    await db.dispose()
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"aiogram", "aiohttp"})
    check(not loaded, f"channel libraries were imported: {loaded[:5]}")
    print("scenario passed")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
