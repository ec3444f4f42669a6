"""The whole conversation as plain function calls: no network, no database."""

from __future__ import annotations

from datetime import date

import pytest

from dialogs import callbacks, engine
from dialogs.model import Contact, Draft, Press, Unsupported
from dialogs.texts import t
from testkit.fakes import fake_id_number
from tests.dialog_driver import DialogChat

VILLAGE = "222401100201"  # 延吉市 小营镇 光进村委会
FAKE_ID = fake_id_number(date(1956, 3, 12), "男", region="222401", seq=12)


def screen(chat: DialogChat, who: str = "本人填写", category: str = "农民") -> None:
    chat.start()
    assert "同意吗" in chat.question
    chat.press("同意")
    chat.press(who)
    if who != "本人填写":  # someone filling in for themselves is alive: not asked
        chat.press("健在")
    chat.press(category)


def national_award(chat: DialogChat, date_text: str = "2015年4月") -> None:
    chat.press("全国劳动模范")
    chat.press("中共中央 国务院")
    chat.say(date_text)


def finish_award_n1(chat: DialogChat) -> None:
    national_award(chat)
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    assert "符合登记条件" in chat.text
    chat.say("中发[2015]10号")
    chat.photo()
    assert "收到 1 张" in chat.question
    chat.press("完成")
    chat.press("暂时没有，以后再补")


def at_id_number() -> DialogChat:
    """A chat with one N1 award and a name, asking the ID number."""
    chat = DialogChat()
    screen(chat)
    finish_award_n1(chat)
    chat.press("没有了")
    chat.say("金明浩")
    assert chat.step == "id_number"
    return chat


def person(chat: DialogChat) -> None:
    chat.say("金 明 浩")
    chat.say(FAKE_ID)  # gender and birth date are read from it, not asked
    chat.press("朝鲜族")
    chat.press("群众")
    chat.press("初中")
    chat.say("光进村")
    chat.press("小营镇 光进村")
    chat.say("3组15号")
    chat.press("和户籍地址相同")
    chat.send(Contact("+86 139 1234 5678", own=True))
    chat.press("有")
    chat.press("否")


def test_full_registration_two_awards_edit_and_submit():
    chat = DialogChat()
    screen(chat)
    finish_award_n1(chat)
    chat.press("还有其他表彰")
    chat.press("吉林省劳动模范")
    chat.press("吉林省委、省政府")
    chat.say("二〇二〇年四月")
    chat.press("省级劳模待遇")
    chat.press("是，荣誉保持着")
    assert "省部级表彰" in chat.text
    chat.say("吉发（2020）12号")
    chat.photo()
    chat.photo()
    chat.press("完成")
    chat.photo()
    chat.press("完成")
    chat.press("没有了")
    person(chat)
    assert chat.step == "summary"
    card = chat.question
    for expected in ("金明浩", "朝鲜族", "表彰级别：国家级表彰", "表彰级别：省部级表彰",
                     "中发〔2015〕10号", "吉发〔2020〕12号", "光进村", "13912345678", FAKE_ID,
                     "现在的住址：延吉市 小营镇 光进村 3组15号", "是否保持荣誉：是",
                     "谁在填写：本人填写", "性别：男", "出生年月：1956年3月"):
        assert expected in card
    # change one answer from the summary card, then come back to it
    chat.press("✏️ 修改")
    chat.press("基本信息")
    chat.press("文化程度")
    assert "原来填的是：初中" in chat.question
    chat.press("高中")
    assert chat.step == "summary"
    assert "文化程度：高中" in chat.question
    chat.press("✅ 确认提交")
    assert chat.submitted
    assert chat.draft.awards[0]["category"] == "N1"
    assert chat.draft.awards[1]["category"] == "P1"
    assert chat.draft.person["hukou_code"] == VILLAGE


def test_answers_survive_a_restart_and_resume_at_the_same_question():
    chat = DialogChat()
    screen(chat)
    national_award(chat)
    state, secrets = chat.draft.to_storage()
    again = DialogChat()
    again.draft = Draft.from_storage(state, secrets)
    again.start()
    assert t("resume.award", title="全国劳动模范") in again.text
    assert again.question.startswith(t("q.treatment"))


def test_personal_numbers_are_split_out_for_encryption():
    chat = DialogChat()
    screen(chat)
    finish_award_n1(chat)
    chat.press("没有了")
    person(chat)
    state, secrets = chat.draft.to_storage()
    assert secrets == {"id_number": FAKE_ID, "phone": "+8613912345678"}
    assert FAKE_ID not in str(state) and "13912345678" not in str(state)


@pytest.mark.parametrize(
    ("when", "treatment", "category"),
    [("2017年12月", "全国劳模待遇", "N1"),
     ("2018年1月", "国家级表彰待遇", "N2")],
)
def test_national_boundary(when, treatment, category):
    chat = DialogChat()
    screen(chat)
    national_award(chat, when)
    chat.press(treatment)
    chat.press("是，荣誉保持着")
    assert chat.draft.awards[0]["category"] == category


def test_city_level_honour_is_refused_with_an_explanation_and_nothing_kept():
    chat = DialogChat()
    screen(chat)
    chat.say("延吉市劳动模范")
    chat.say("延吉市人民政府")  # the body decides: neither the date nor 保持荣誉 is asked
    assert "这次不用登记" in chat.text and chat.text.count("不在") == 1
    assert chat.step == "more_awards"
    chat.press("没有了")
    assert chat.draft.stopped == "stop.out_of_scope"
    assert "没有保存您的个人信息" in chat.text and "范围内" not in chat.text
    chat.say("张三")  # anything after that gets a kind answer, not the form again
    assert chat.draft.person.get("name") is None
    assert t("after.out_of_scope") in chat.text and "重新开始" in chat.buttons()


def test_person_with_an_employer_is_sent_to_the_employer():
    chat = DialogChat()
    screen(chat, category="机关、事业单位、国企")
    assert chat.draft.stopped == "stop.employer"
    assert "由本单位统一统计登记" in chat.text


def test_bad_answers_get_a_clear_message_and_the_same_question():
    chat = DialogChat()
    screen(chat)
    chat.press("全国劳动模范")
    chat.press("中共中央 国务院")
    chat.say("2030年1月")
    assert "还没到" in chat.text and chat.question.endswith(t("q.award_date"))
    chat.send(Unsupported("sticker"))
    assert "贴纸" in chat.text and chat.step == "award_date"
    chat.say("2015年4月")
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    chat.press("跳过")
    chat.press("暂时没有，以后再补")
    chat.press("暂时没有，以后再补")
    chat.press("没有了")
    chat.say("金明浩")
    wrong = FAKE_ID[:-1] + ("0" if FAKE_ID[-1] != "0" else "1")
    chat.say(wrong)
    assert "有一位输错了" in chat.text and chat.step == "id_number"
    assert len(chat.replies) == 1 and chat.question.endswith(t("q.id_number"))  # one message
    chat.say(FAKE_ID)
    assert chat.draft.person["name"] == "金明浩"  # nothing typed earlier is lost
    assert chat.draft.person["gender"] == "male" and chat.step == "ethnicity"


def test_a_press_on_an_old_question_is_stale():
    chat = DialogChat()
    screen(chat)
    old = Press("consent#|agree")
    chat.send(old)
    assert chat.alert == t("stale")
    assert chat.question.endswith(t("q.title.typed"))  # OCR is off here


def test_cancel_asks_before_deleting():
    chat = DialogChat()
    screen(chat)
    old_question = chat.send(Press("x|cancel?"))
    chat.press("继续填写")
    assert not chat.deleted and chat.step == "title"
    chat.replies = old_question  # a 确定删除 from that /cancel no longer deletes
    chat.press("确定删除")
    assert not chat.deleted and chat.alert == t("stale")
    chat.send(Press("x|cancel?"))
    chat.press("确定删除")
    assert chat.deleted


def test_hukou_can_be_browsed_level_by_level_with_pages():
    chat = DialogChat()
    chat.draft = Draft(person={"more_awards": True, "consent": "agree", "filled_by": "self",
                               "alive": "alive", "serving": "civilian",
                               "person_category": "farmer", "name": "金明浩", "gender": "male",
                               "id_number": FAKE_ID, "birth_date": "1956-03",
                               "ethnicity": "汉族", "political_status": "masses",
                               "education": "junior_high"})
    chat.start()
    assert chat.step == "hukou_code"
    chat.press("延边朝鲜族自治州")
    chat.press("延吉市")
    assert "下一页 ▶" in chat.buttons()
    chat.press("下一页 ▶")
    assert chat.replies[-1].edit and "延边原种场" in chat.buttons()
    chat.press("◀ 上一页")
    chat.press("小营镇")
    chat.press("光进村")
    assert chat.draft.person["hukou_code"] == VILLAGE


def test_photo_at_a_text_question_is_explained():
    chat = DialogChat()
    screen(chat)
    national_award(chat, "2015年4月")
    assert engine.photo_slot(chat.draft) is None
    chat.send(Unsupported("photo"))
    assert "不需要照片" in chat.text and chat.step == "treatment"


@pytest.mark.parametrize(
    ("data", "ok"),
    [("title#0|q1", True), ("consent#|agree", True), ("x|edit:name#", True),
     ("x|ocr:0:yes", True), ("more_awards#|done", True), ("r|open|5", False),
     ("title#²|0", False), ("x|drop_tables", False),
     ("nosuchfield#|0", False), ("title#zero|1", False), ("x|submit" + "0" * 60, False),
     ("", False)],
)
def test_button_data_is_recognised_or_refused(data, ok):
    assert callbacks.well_formed(data, limit=64) is ok
