"""The front desk's one rule (services.front_desk) on a real SQLite file: who gets what when a
message or press arrives, the same for a reviewer in Telegram and on the web page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dialogs.model import Press, Start, Text
from dialogs.texts import t
from services.front_desk import Arrival, Route, arriving, pressing
from services.invites import create_invite
from services.registration import NEW_REGISTRATION, Registration
from services.results import Answer
from services.review.desk import ReviewDesk
from storage.files import EvidenceStore
from storage.models import ReasonPrompt
from storage.records import Address
from tests.services_scenario import MemoryChat, button, drive
from tests.test_dialog_flow import VILLAGE, finish_award_n1, person, screen
from tests.web.test_web_writes import statements

CHANNELS = ("tg", "web")
HONOREE = Address("memory", "honoree-1")


@pytest.fixture
async def desk(db, settings) -> ReviewDesk:
    registration = await Registration.create(db, EvidenceStore(settings.data_dir / "evidence"))
    desk = ReviewDesk(registration)
    yield desk
    await registration.close()


async def enrolled(desk: ReviewDesk, channel: str) -> Address:
    who = Address(channel, f"reviewer-{channel}")
    made = await create_invite(desk.db, VILLAGE, role=None, lifetime=timedelta(days=7), uses=1,
                               actor="cli:test")
    assert (await desk.enrol(who, "张主任", made.token, update_id=None)).enrolled is not None
    return who


async def submitted(desk: ReviewDesk) -> None:
    honoree = MemoryChat(desk.registration, HONOREE)
    await drive(honoree, screen)
    await drive(honoree, finish_award_n1)
    await honoree.press("没有了")
    await drive(honoree, person)
    await honoree.press(t("btn.submit"))
    assert "编号" in honoree.text


async def routes(desk: ReviewDesk, who: Address, *texts: str | None) -> list[Route]:
    return [(await arriving(desk, who, text)).route for text in texts]


async def typed_reason(desk: ReviewDesk, who: Address, text: str) -> Answer:
    """A reason typed as a channel takes it: the front desk's rule, then the desk; the question
    asked is read once."""
    def looks(sql: str) -> bool:
        return sql.startswith("SELECT") and ReasonPrompt.__tablename__ in sql

    with statements(looks) as reads:
        arrival = await arriving(desk, who, text)
        assert arrival.route is Route.REASON
        answer = await desk.reason(who, text, arrival.asked)
    assert len(reads) == 1, reads
    return answer


async def test_a_reviewer_at_rest_gets_the_menu_the_same_in_both_channels(desk):
    said = ("你好", "/start", "/START@honoree_bot", "/foo", None, "/status", "/help", "/queue",
            "/cancel", "/language")
    answers = []
    for channel in CHANNELS:
        who = await enrolled(desk, channel)
        answers.append(await routes(desk, who, *said))
        assert await pressing(desk, who, "a|old") == Arrival(Route.STRAY)
        assert await pressing(desk, who, NEW_REGISTRATION) == Arrival(Route.ANSWER)
    menu, rest = [Route.MENU] * 5, [Route.STATUS, Route.HELP, Route.QUEUE,
                                    Route.NOTHING_TO_CANCEL, Route.LANGUAGE]
    assert answers == [menu + rest, menu + rest]
    assert await routes(desk, HONOREE, "你好", None, "/queue") == [
        Route.ANSWER, Route.ANSWER, Route.QUEUE]
    assert await arriving(desk, HONOREE, "/start v222401100201") == Arrival(
        Route.START, "v222401100201")
    token = (await create_invite(desk.db, VILLAGE, role=None, lifetime=timedelta(days=7),
                                 uses=1, actor="cli:test")).token
    assert await arriving(desk, HONOREE, f"/start {token}") == Arrival(Route.INVITE, token)


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_reason_typed_after_return_is_recorded_and_its_card_named(desk, channel):
    who = await enrolled(desk, channel)
    await submitted(desk)
    queue = (await desk.queue(who)).replies[0]
    entry = next(b.data for row in queue.buttons for b in row if "金明浩" in b.text)
    card = (await desk.press(who, entry, None, "41")).replies[0]
    reasons = (await desk.press(who, button(card, t("review.btn.return")), None, "41")).replies[0]
    await desk.press(who, button(reasons, t("review.btn.typed")), None, "41")
    assert await routes(desk, who, "/status") == [Route.STATUS]
    answer = await typed_reason(desk, who, "户口本照片看不清，请重拍")
    assert answer.card is not None and "退回修改" in answer.card.text and not answer.card.buttons
    assert answer.card_ref == "41"  # the card in the chat is brought up to date
    assert await routes(desk, who, "你好") == [Route.MENU]  # the reason was taken once
    assert "退回修改" in await desk.registration.status(HONOREE)
    resumed = await desk.registration.handle(HONOREE, Start(), 999)
    assert any("户口本照片看不清" in r.text for r in resumed.replies)  # the honoree reads why


@pytest.mark.parametrize("channel", CHANNELS)
async def test_a_reviewer_filling_in_for_someone_gets_the_forms_next_question(desk, channel):
    who = await enrolled(desk, channel)
    menu = ReviewDesk.menu().replies[0]
    started = await desk.press(who, button(menu, t("review.btn.assist")), None)
    consent = started.replies[-1]
    assert await pressing(desk, who, button(consent, "同意")) == Arrival(Route.ANSWER)
    asked = await desk.registration.handle(who, Press(button(consent, "同意")), 1)
    assert asked.replies[-1].text != consent.text
    assert await routes(desk, who, "你好", "/start", None) == [Route.ANSWER, Route.START,
                                                              Route.ANSWER]
    again = await desk.registration.handle(who, Text("你好"), 2)
    question = asked.replies[-1].text
    assert again.replies[-1].text.endswith(question)  # the question again, not the menu
    assert t("review.menu") not in again.replies[-1].text


async def test_a_reason_asked_on_one_worker_is_taken_on_another(desk):
    """Two processes (two desks on one database): the press on one, the typed reason on the
    other; a restarted bot is the same case."""
    who = await enrolled(desk, "tg")
    await submitted(desk)
    other = ReviewDesk(desk.registration)
    queue = (await desk.queue(who)).replies[0]
    entry = next(b.data for row in queue.buttons for b in row if "金明浩" in b.text)
    card = (await desk.press(who, entry, None)).replies[0]
    reasons = (await desk.press(who, button(card, t("review.btn.return")), None)).replies[0]
    await desk.press(who, button(reasons, t("review.btn.typed")), None)
    answer = await typed_reason(other, who, "户口本照片看不清，请重拍")
    assert answer.card is not None and "退回修改" in answer.card.text
    assert await routes(desk, who, "你好") == [Route.MENU]  # taken once, for both
