"""Honorees read plain words: no category code (N1…P4), no official jargon, and buttons short
enough for a phone (≤ 12 characters, an emoji counts 1). Codes stay for reviewers and exports.

Two views: every reply the dialog gives on walks through the form and all its branches (stops,
other bodies and eras, a relative or a clerk filling in, the edit menu and each edit, pages of
places), and every catalogue text an honoree can be shown.
"""

from __future__ import annotations

import pytest

from dialogs import engine
from dialogs.form import FIELDS, quick_label
from dialogs.model import Draft, Event, Press, Reply, Text
from dialogs.summary import summary_text
from dialogs.texts import ZH_CN, t
from tests.dialog_driver import DialogChat
from tests.plain_words import BUTTON_LIMIT, CODE, JARGON, width
from tests.test_dialog_fuzz import MILITARY, MINISTRY_NEW, MINISTRY_OLD, PROXY, walk
from tests.test_dialog_fuzz import RecordingChat as _Recording

# Catalogue texts an honoree can be shown (the rest: reviewers, paper and the 汇总表).
HONOREE_KEYS = (
    "err.", "unsupported.", "photo.", "photos.", "welcome", "resume", "returned.", "stale",
    "consent.", "phone.", "award.", "person.", "birth.", "verdict.", "stop.", "cancel.", "edit.",
    "hukou.", "q.", "submitted", "status.", "help", "cmd.", "finished.", "btn.", "error.",
    "summary.", "opt.", "card.", "detail.", "level.", "question.", "quick.", "why.", "ocr.",
    "web.", "poster.", "review.tell.", "review.remind.draft", "review.remind.returned",
    "review.ret.", "review.rej.",
)  # fmt: skip
STAFF_KEYS = ("summary.category", "summary.uncertain", "web.join.", "web.evidence", "web.secret")
BUTTON_KEYS = ("btn.", "opt.", "quick.", "web.start", "web.send", "web.photo.take",
               "web.photo.pick", "web.photo.send", "web.status.fix", "web.resume.go")

# Walks beyond the fuzz test's: the stops, a clerk, bodies whose rules ask other questions.
STAFF = {"filled_by": ("press", "村（社区）工作人员代填")}
STOPS = {
    "decline": {"consent": ("press", "不同意")},
    "deceased": {**PROXY, "alive": ("press", "已去世")},
    "serving": {"person_category": ("press", "现役军人")},
    "employer": {"person_category": ("press", "机关、事业单位、国企")},
    "city": {"title": ("say", "延吉市劳动模范"), "awarding_body": ("say", "延吉市人民政府"),
             "award_date": ("say", "2016年5月")},
}  # fmt: skip
PROVINCIAL = {"title": ("press", "吉林省劳动模范"), "awarding_body": ("press", "吉林省委、省政府")}
UNCLEAR_BODY = {"title": ("say", "吉林省五一劳动奖章"), "awarding_body": ("say", "吉林省总工会")}
UNSURE = {"treatment": ("press", "不清楚"), "hardship": ("press", "是")}
MILITARY_TITLE = {**MILITARY, "military_honour": ("press", "部队授的荣誉称号")}
WALKS = {
    "two_awards": (None, 1), "proxy": (PROXY, 0), "staff": (STAFF, 0), "military": (MILITARY, 0),
    "military_title": (MILITARY_TITLE, 0), "ministry_old": (MINISTRY_OLD, 0),
    "ministry_new": (MINISTRY_NEW, 0), "provincial": (PROVINCIAL, 0),
    "unclear_body": (UNCLEAR_BODY, 0), "unsure": (UNSURE, 0),
    **{name: (stop, 0) for name, stop in STOPS.items()},
}  # fmt: skip


class SeenChat(_Recording):
    """Keeps every reply the person was shown."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[Reply] = []

    def send(self, event: Event) -> list[Reply]:
        replies = super().send(event)
        self.shown += replies
        return replies


def place(button_data: str) -> bool:
    """A village or county picked from the directory: its name is data, not our wording."""
    return "|h" in button_data


def walked() -> list[Reply]:
    shown: list[Reply] = []
    for overrides, more in WALKS.values():
        chat = SeenChat()
        walk(chat, overrides, more)
        shown += chat.shown
        if chat.step == engine.SUMMARY:
            shown += edits(chat.draft)
    shown += browsing()
    return shown


def edits(summary: Draft) -> list[Reply]:
    """The edit menu and every answer it can change, opened from the summary card."""
    menu = SeenChat()
    menu.draft = summary.model_copy(deep=True)
    menu.start()
    shown = [*menu.shown, *menu.press("✏️ 修改")]
    back = t("btn.back")
    for section in [b for b in menu.buttons() if b != back]:
        opened = SeenChat()
        opened.draft = summary.model_copy(deep=True)
        opened.start()
        opened.press("✏️ 修改")
        shown += opened.press(section)
        for label in [b for b in opened.buttons() if b != back]:
            chat = SeenChat()
            chat.draft = summary.model_copy(deep=True)
            chat.start()
            chat.press("✏️ 修改")
            chat.press(section)
            shown += chat.press(label)
    return shown


def browsing() -> list[Reply]:
    """The household question browsed level by level, with pages, and a search."""
    chat = SeenChat()
    chat.draft = Draft(person={"more_awards": True, "consent": "agree", "filled_by": "self",
                               "person_category": "farmer", "name": "金明浩", "gender": "male",
                               "id_number": "x", "birth_date": "1956-03", "ethnicity": "汉族",
                               "political_status": "masses", "education": "junior_high"})
    chat.start()
    for label in ("延边朝鲜族自治州", "延吉市", "下一页 ▶", "◀ 上一页", "返回上一级"):
        chat.press(label)
    chat.send(Text("光进"))
    return chat.shown


SHOWN = walked()


def test_the_walks_show_every_question_of_the_form():
    asked = {text for reply in SHOWN for text in [reply.text]}
    for f in FIELDS.values():
        if f.key == "birth_date":
            continue  # its question carries the date: checked by the words it starts with
        wordings = [t(f"q.{f.key}")] + ([t("q.title.typed")] if f.key == "title" else [])
        assert any(w in text for text in asked for w in wordings), f.key  # OCR off: typed


def test_no_button_an_honoree_sees_is_longer_than_a_phone_shows():
    too_long = {
        b.text
        for reply in SHOWN
        for row in reply.buttons
        for b in row
        if width(b.text) > BUTTON_LIMIT and not place(b.data)
    }
    too_long |= {r.contact_button for r in SHOWN if r.contact_button and
                 width(r.contact_button) > BUTTON_LIMIT}
    assert too_long == set()


@pytest.mark.parametrize("word", JARGON)
def test_no_message_an_honoree_sees_has_official_jargon(word):
    assert [r.text for r in SHOWN if word in r.text] == []


def test_no_message_an_honoree_sees_has_a_category_code():
    assert [r.text for r in SHOWN if CODE.search(r.text)] == []


def honoree_texts() -> dict[str, str]:
    return {
        key: text
        for key, text in ZH_CN.items()
        if key.startswith(HONOREE_KEYS) and not key.startswith(STAFF_KEYS)
    }


def test_no_catalogue_text_for_honorees_has_a_code_or_jargon():
    found = {key: text for key, text in honoree_texts().items()
             if CODE.search(text) or any(word in text for word in JARGON)}
    assert found == {}


def test_every_button_text_of_the_catalogue_fits_a_phone():
    buttons = {key: text for key, text in honoree_texts().items() if key.startswith(BUTTON_KEYS)}
    buttons |= {f"quick:{q}": quick_label(q) for f in FIELDS.values() for q in f.quick}
    assert {key: text for key, text in buttons.items() if width(text) > BUTTON_LIMIT} == {}


def test_the_reviewers_copy_of_the_card_keeps_the_codes():
    chat = SeenChat()
    walk(chat, None, 1)
    staff = summary_text(chat.draft, chat.ctx, staff=True)
    assert "统计类别：N1（国家级）" in staff and "公民身份号码" in staff
    card = chat.replies[-1].text
    assert "表彰级别：国家级表彰" in card and "N1" not in card


def test_a_short_button_is_explained_in_full_under_its_question():
    chat = DialogChat()
    chat.start()
    for label in ("同意", "本人填写"):
        chat.press(label)
    question = chat.question
    assert "· 机关、事业单位、国企：在机关、事业单位、国企或有主管部门的单位工作" in question
    assert chat.buttons() == ["农民", "没有固定工作", "民营企业或社会组织", "机关、事业单位、国企",
                              "现役军人"]
    chat.send(Press(chat.replies[-1].buttons[-1][-1].data))
    assert chat.draft.stopped == "stop.serving"


def test_an_edit_recalls_the_answer_in_the_buttons_words():
    chat = SeenChat()
    walk(chat, {**PROXY, "personnel_file": ("press", "没有")})
    for label in ("✏️ 修改", "其他", "档案里有记载"):
        chat.press(label)
    assert "原来填的是：没有" in chat.question  # the printed form says 无
    for label in ("不改了", "✏️ 修改", "其他", "谁在填写"):
        chat.press(label)
    assert "原来填的是：家属或他人代为填写" in chat.question


def test_the_forms_full_words_typed_pick_the_short_button():
    chat = DialogChat()
    chat.start()
    for label in ("同意", "本人填写"):
        chat.press(label)
    chat.say("无固定单位或稳定工作人员")
    assert chat.draft.person["person_category"] == "no_fixed_unit"
