"""The record an answered question leaves in the chat: its first sentence, ✔ and the answer as
the person gave it, personal numbers masked; nothing when the question is still open."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs import record
from dialogs.model import Event, Text
from tests.dialog_driver import DialogChat
from tests.test_dialog_flow import FAKE_ID, at_id_number


def closing_of(chat: DialogChat, event: Event) -> record.Closing | None:
    before = record.asked(chat.draft, event, chat.ctx)
    chat.send(event)
    return record.closing(before, event, chat.draft, chat.ctx)


def test_a_typed_id_number_is_masked_in_the_record():
    chat = at_id_number()
    closing = closing_of(chat, Text(FAKE_ID))
    assert closing is not None and closing.question.startswith("请输入获奖人的身份证号码")
    assert FAKE_ID not in closing.record and closing.record.endswith(FAKE_ID[-4:])
    assert closing.record.startswith(closing.question)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(typed=st.text(max_size=40))
def test_a_refused_answer_leaves_no_record_and_an_accepted_one_reads_back(typed):
    chat = at_id_number()
    closing = closing_of(chat, Text(typed))
    if chat.step == "id_number":
        assert closing is None  # refused: the question is still open
    else:
        assert closing is not None and f"\n{record.MARK} " in closing.record
