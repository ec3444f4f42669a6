"""The household question as a person meets it: typed village names, pages of results, and a
village named by a poster's link."""

from __future__ import annotations

import pytest

from dialogs.model import Draft, Start
from tests.dialog_driver import DialogChat
from tests.test_dialog_flow import FAKE_ID, VILLAGE

SHUANGBAODAI = "220821101208"  # 白城市 镇赉县 坦途镇 双宝岱村委会
QINGSHAN_XINXING = "220802101212"  # 白城市 洮北区 青山镇 新兴村委会
BEFORE_HUKOU = {"more_awards": True, "consent": "agree", "filled_by": "self", "alive": "alive",
                "serving": "civilian", "person_category": "farmer", "name": "金明浩",
                "gender": "male", "id_number": FAKE_ID, "birth_date": "1956-03",
                "ethnicity": "汉族", "political_status": "masses", "education": "junior_high"}


def at_hukou(village: str | None = None) -> DialogChat:
    chat = DialogChat()
    chat.draft = Draft(person=dict(BEFORE_HUKOU))
    chat.send(Start(village))
    assert chat.step == "hukou_code"
    return chat


def result_buttons(chat: DialogChat) -> list[str]:
    """The villages offered: the buttons that answer with a place."""
    return [b.text for row in chat.replies[-1].buttons for b in row if "|h" in b.data]


@pytest.mark.parametrize(
    ("typed", "button", "code"),
    [("洮北新兴", "青山镇 新兴村", QINGSHAN_XINXING), ("双保", "坦途镇 双宝岱村", SHUANGBAODAI),
     ("坦途双宝", "坦途镇 双宝岱村", SHUANGBAODAI), ("坦土双宝", "坦途镇 双宝岱村", SHUANGBAODAI),
     ("新兴村 洮北区", "青山镇 新兴村", QINGSHAN_XINXING)],
)  # fmt: skip
def test_sloppy_village_names_find_the_village(typed, button, code):
    chat = at_hukou()
    chat.say(typed)
    assert button in chat.buttons()
    chat.press(button)
    assert chat.draft.person["hukou_code"] == code and chat.step == "hukou_address"


def test_a_common_name_asks_for_the_township_and_pages_with_more():
    chat = at_hukou()
    chat.say("新兴")
    assert chat.question.startswith("同名的村很多，请加上乡镇名")
    first = result_buttons(chat)
    assert len(first) == 8 and "更多" in chat.buttons() and "重新输入村名" in chat.buttons()
    chat.press("更多")
    second = result_buttons(chat)
    assert chat.replies[-1].edit and "第 2 页" in chat.question
    assert "同名的村很多" not in chat.question
    assert len(second) == 8 and not set(first) & set(second)
    seen = first + second
    while "更多" in chat.buttons():
        chat.press("更多")
        seen += result_buttons(chat)
    assert len(seen) == len(set(seen)) > 20  # every label tells its village apart
    assert all(label.endswith(("新兴村", "新兴社区")) for label in first)


def test_search_again_and_the_township_added():
    chat = at_hukou()
    chat.say("新兴")
    chat.press("重新输入村名")
    assert "直接打村名" in chat.question and "更多" not in chat.buttons()
    chat.say("青山镇新兴")
    assert result_buttons(chat) == ["青山镇 新兴村"]
    assert "同名的村很多" not in chat.question


def test_a_label_names_the_county_only_where_township_and_village_repeat():
    directory = DialogChat().ctx.divisions
    assert directory.distinct_name(VILLAGE, sep=" ") == "小营镇 光进村"
    labels = {directory.distinct_name(c, sep=" ") for c in directory._pool("village").codes}
    assert len(labels) == len(directory._pool("village").codes)
    assert any(label.count(" ") == 2 for label in labels)  # county, township, village


def test_every_result_button_fits_telegram_callback_data():
    chat = at_hukou()
    for typed in ("新兴", "太平村", "长春净月高新技术产业开发区新湖镇新兴村"):
        chat.say(typed)
        while True:
            data = [b.data for row in chat.replies[-1].buttons for b in row]
            assert all(len(x.encode()) <= 64 for x in data)
            if "更多" not in chat.buttons():
                break
            chat.press("更多")
        chat.press("重新输入村名")


def test_linked_village_is_confirmed_with_yes():
    chat = at_hukou(SHUANGBAODAI)
    assert chat.question == "户口是在“镇赉县 坦途镇 双宝岱村”吗？"
    assert chat.buttons() == ["是", "不是，换一个"]
    chat.press("是")
    assert chat.draft.person["hukou_code"] == SHUANGBAODAI


@pytest.mark.parametrize("typed", ["是", "对", "是的"])
def test_linked_village_is_confirmed_by_typing_yes(typed):
    chat = at_hukou(SHUANGBAODAI)
    chat.say(typed)
    assert chat.draft.person["hukou_code"] == SHUANGBAODAI


def test_linked_village_can_be_changed():
    chat = at_hukou(SHUANGBAODAI)
    chat.press("不是，换一个")
    assert "直接打村名" in chat.question and "是" not in chat.buttons()
    chat.say("光进村")
    chat.press("小营镇 光进村")
    assert chat.draft.person["hukou_code"] == VILLAGE


def test_typing_another_village_at_the_linked_one_searches_it():
    chat = at_hukou(SHUANGBAODAI)
    chat.say("洮北新兴")
    assert "青山镇 新兴村" in chat.buttons()


def test_a_link_from_the_start_waits_for_the_household_question():
    chat = DialogChat()
    chat.send(Start(SHUANGBAODAI))
    assert "同意吗" in chat.question
    assert chat.draft.nav == {"suggested": SHUANGBAODAI}


@pytest.mark.parametrize("code", ["220821101000", "000000000000", "", "x" * 200])
def test_a_link_naming_no_village_starts_as_usual(code):
    chat = at_hukou(code)
    assert "直接打村名" in chat.question and chat.draft.nav == {}


def test_a_link_does_not_change_a_household_already_given():
    chat = DialogChat()
    chat.draft = Draft(person={**BEFORE_HUKOU, "hukou_code": VILLAGE})
    chat.send(Start(SHUANGBAODAI))
    assert chat.draft.person["hukou_code"] == VILLAGE and not chat.draft.nav
