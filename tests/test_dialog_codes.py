"""Options are stored and matched by code: rewording every text of the catalogue changes
neither a stored answer, nor a button's data, nor a decision."""

from __future__ import annotations

import pytest

from dialogs.form import FIELDS, MORE_AWARDS, Kind
from dialogs.model import Event
from dialogs.texts import ZH_CN, t
from tests.dialog_driver import DialogChat
from tests.test_dialog_flow import FAKE_ID, at_id_number, finish_award_n1, screen
from tests.test_dialog_fuzz import MILITARY, MINISTRY_NEW, MINISTRY_OLD, PROXY, RecordingChat, walk

STOPS = {
    "no_consent": {"consent": ("press", "不同意")},
    "deceased": {"filled_by": ("press", "家属或他人代为填写"), "alive": ("press", "已去世")},
    "serving": {"person_category": ("press", t("opt.person_category.serving"))},
    "employer": {"person_category": ("press", t("opt.person_category.employer"))},
}
HARDSHIP = {"hardship": ("press", "是"), "gender": ("press", "男")}
WALKS = {
    "two_awards": (None, 1), "proxy": (PROXY, 0), "military": (MILITARY, 0),
    "ministry_old": (MINISTRY_OLD, 0), "ministry_new": (MINISTRY_NEW, 0),
    "hardship": (HARDSHIP, 0), **{name: (stop, 0) for name, stop in STOPS.items()},
}  # fmt: skip
EXPLANATIONS = ("rule", "reason")  # catalogue sentences kept with a verdict for the reviewer


def reworded(text: str) -> str:
    return f"新说法：{text}"


class EventLog(RecordingChat):
    """Presses buttons by their words as the catalogue has them now, and keeps every event."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []

    def send(self, event: Event):
        self.events.append(event)
        return super().send(event)

    def press(self, label: str):
        return super().press(label if label in self.buttons() else reworded(label))


def run(name: str) -> EventLog:
    overrides, more = WALKS[name]
    chat = EventLog()
    walk(chat, overrides, more)
    return chat


def answers(chat: EventLog) -> tuple:
    awards = [{k: v for k, v in a.items() if k not in EXPLANATIONS} for a in chat.draft.awards]
    return chat.draft.person, awards, chat.draft.stopped, chat.step


@pytest.mark.parametrize("name", WALKS)
def test_rewording_every_text_changes_no_answer_no_button_data_and_no_decision(name, monkeypatch):
    before = run(name)
    assert (before.draft.stopped or before.step) == (f"stop.{name}" if name in STOPS else "summary")
    for key, text in list(ZH_CN.items()):
        monkeypatch.setitem(ZH_CN, key, reworded(text))
    after = run(name)
    assert after.replies[-1].text.startswith(reworded("")), "the catalogue was not reworded"
    assert after.events == before.events  # the same buttons carry the same data
    assert answers(after) == answers(before)
    verdicts = [(a.get("outcome"), a.get("category"), a.get("level")) for a in after.draft.awards]
    assert verdicts == [(a.get("outcome"), a.get("category"), a.get("level"))
                        for a in before.draft.awards]


def test_stored_answers_are_codes_and_printed_with_their_labels():
    chat = run("two_awards")
    person, award = chat.draft.person, chat.draft.awards[0]
    assert (person["consent"], person["filled_by"], person["person_category"]) == (
        "agree", "self", "farmer")
    assert (award["treatment"], award["honour_kept"], award["category"]) == (
        "national_model", "kept", "N1")
    for key, value in (*person.items(), *award.items()):
        f = FIELDS.get(key)
        if f is not None and f.kind is Kind.CHOICE:
            assert f.option(value) is not None, (key, value)  # a code of the form, never words
    card = chat.replies[-1].text
    assert "谁在填写：本人填写" in card and "是否保持荣誉：是" in card  # the buttons' words


def test_every_option_has_a_label_and_codes_are_unique_per_field():
    for f in FIELDS.values():
        codes = [o.code for o in f.options]
        assert len(codes) == len(set(codes)), f.key
        for o in f.options:
            assert o.code.isascii() and o.label and o.printed, (f.key, o.code)
    assert [o.label for o in MORE_AWARDS] == [t("opt.more_awards.more"), t("opt.more_awards.done")]


def test_a_wrong_birth_date_goes_back_to_the_id_number_by_its_code(monkeypatch):
    monkeypatch.setitem(ZH_CN, "opt.birth_date.wrong", "错了")
    chat = at_id_number()
    chat.say(FAKE_ID)
    chat.draft.editing = {"key": "birth_date", "award": None}  # as the edit menu opens it
    chat.start()
    chat.press("错了")
    assert chat.step == "id_number" and t("birth.retry") in chat.text
    assert "id_number" not in chat.draft.person


def test_a_text_questions_shortcut_works_typed_as_well_as_pressed():
    for send in ("press", "say"):
        chat = DialogChat()
        walk_until_residence(chat)
        getattr(chat, send)(t("opt.residence.same_as_hukou"))
        assert chat.draft.person["residence"] == "延吉市 小营镇 光进村 3组15号", send


def walk_until_residence(chat: DialogChat) -> None:
    screen(chat)
    finish_award_n1(chat)
    chat.press("没有了")
    for step in (("say", "金明浩"), ("say", FAKE_ID), ("press", "朝鲜族"), ("press", "群众"),
                 ("press", "初中"), ("say", "光进村"),
                 ("press", "小营镇 光进村"), ("say", "3组15号")):
        getattr(chat, step[0])(step[1])
    assert chat.step == "residence"
