"""The forgiving date parser inside the real conversation (pure dialog, no network)."""

from __future__ import annotations

from dialogs.texts import t
from tests.dialog_driver import DialogChat
from tests.test_dialog_flow import national_award, screen


def test_a_two_digit_year_answers_the_award_date():
    chat = DialogChat()
    screen(chat)
    national_award(chat, "05.4.30")
    assert chat.draft.awards[0]["award_date"] == "2005-04-30"
    assert chat.step != "award_date"


def test_a_year_alone_gets_one_message_asking_for_the_month():
    chat = DialogChat()
    screen(chat)
    national_award(chat, "2005年")
    assert chat.step == "award_date"
    assert chat.replies[0].text == t("err.date.need_month", year=2005)
    chat.say("2005年4月")
    assert chat.draft.awards[0]["award_date"] == "2005-04"
