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
    assert len(chat.replies) == 1 and chat.question == t("q.month_of", year=2005)
    assert chat.buttons() == [f"{n}月" for n in range(1, 13)]
    chat.press("4月")
    assert chat.draft.awards[0]["award_date"] == "2005-04"
    assert chat.step == "treatment"


def test_the_month_of_a_year_alone_can_be_typed_and_a_whole_date_still_counts():
    chat = DialogChat()
    screen(chat)
    national_award(chat, "2005")
    chat.say("四月")
    assert chat.draft.awards[0]["award_date"] == "2005-04"
    chat = DialogChat()
    screen(chat)
    national_award(chat, "05年")
    chat.say("2006年5月")
    assert chat.draft.awards[0]["award_date"] == "2006-05"
