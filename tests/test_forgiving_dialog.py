"""The forgiving date parser inside the real conversation (pure dialog, no network)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.review import flag_text
from dialogs.texts import t
from dialogs.validators import YearMonth
from testkit.fakes import fake_id_number
from tests.dialog_driver import DialogChat
from tests.test_dialog_flow import FAKE_ID, finish_award_n1, national_award, person, screen
from tests.test_validators import BRACKETS, written_forms


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


# --- a wrong tap cannot trap anybody --------------------------------------------------------

WOMAN_ID = fake_id_number(date(1958, 7, 9), "女", region="220802", seq=3)


def to_person(chat: DialogChat, who: str = "本人填写") -> None:
    screen(chat, who)
    finish_award_n1(chat)
    chat.press("没有了")
    chat.say("金明浩")


def test_gender_and_birth_date_come_from_the_id_number_and_are_not_asked():
    chat = DialogChat()
    to_person(chat)
    assert chat.step == "id_number"
    chat.say(FAKE_ID)
    assert chat.draft.person["gender"] == "male" and chat.draft.person["birth_date"] == "1956-03"
    assert chat.step == "ethnicity"


def test_a_gender_tapped_before_the_id_number_is_fixed_with_a_button_not_a_loop():
    chat = DialogChat()
    to_person(chat)
    chat.draft.person["gender"] = "female"  # a draft from before, with the mistaken tap
    chat.say(FAKE_ID)
    assert "对不上" in chat.question and chat.buttons() == ["改身份证号", "改性别"]
    chat.start()  # /start shows the same choice, never the ID question in a loop
    assert t("resume.award", title="全国劳动模范") in chat.text
    assert chat.buttons() == ["改身份证号", "改性别"]
    chat.press("改性别")
    assert chat.draft.person["gender"] == "male" and chat.draft.person["id_number"] == FAKE_ID
    assert "男" in chat.text and chat.step == "ethnicity"


def test_the_id_number_can_be_the_answer_to_fix_instead():
    chat = DialogChat()
    to_person(chat)
    chat.draft.person["gender"] = "female"
    chat.say(FAKE_ID)
    chat.press("改身份证号")
    assert chat.step == "id_number" and chat.question.startswith(t("q.id_number"))
    chat.say(WOMAN_ID)
    assert chat.draft.person["id_number"] == WOMAN_ID and chat.step == "ethnicity"


def test_typing_a_new_id_number_at_the_choice_is_read_as_the_answer():
    chat = DialogChat()
    to_person(chat)
    chat.draft.person["gender"] = "female"
    chat.say(FAKE_ID)
    chat.say(WOMAN_ID)
    assert chat.draft.person["gender"] == "female" and chat.step == "ethnicity"


def summary_chat() -> DialogChat:
    chat = DialogChat()
    screen(chat)
    finish_award_n1(chat)
    chat.press("没有了")
    person(chat)
    assert chat.step == "summary"
    return chat


def test_the_summary_shows_the_derived_answers_and_a_changed_gender_offers_both_fixes():
    chat = summary_chat()
    assert "性别：男" in chat.question and "出生年月：1956年3月" in chat.question
    chat.press("✏️ 修改")
    chat.press("基本信息")
    chat.press("性别")
    chat.press("女")
    assert "对不上" in chat.question
    chat.press("改身份证号")
    assert chat.step == "id_number" and chat.draft.person["gender"] == "female"
    chat.say(WOMAN_ID)
    assert chat.step == "summary" and "性别：女" in chat.question


def test_an_award_before_the_person_could_have_earned_it_offers_both_fixes():
    chat = DialogChat()
    screen(chat)
    national_award(chat, "1960年5月")  # a slip: 1990 meant
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    chat.say("中发[1960]10号")
    for _ in range(2):  # no photos now
        chat.press(chat.buttons()[-1])
    chat.press("没有了")
    chat.say("金明浩")
    chat.say(FAKE_ID)  # born 1956: 4 years old in 1960
    assert "1960年5月" in chat.question and "1956年3月" in chat.question
    assert chat.buttons() == ["改身份证号", "改表彰时间"]
    chat.press("改表彰时间")
    assert chat.step == "award_date" and chat.draft.person["id_number"] == FAKE_ID
    chat.say("1990年5月")
    assert chat.draft.awards[0]["award_date"] == "1990-05"
    assert chat.draft.awards[0]["category"] == "N1" and chat.step == "ethnicity"


def test_editing_the_award_date_to_before_birth_offers_both_fixes():
    chat = summary_chat()
    chat.press("✏️ 修改")
    chat.press("表彰")
    chat.press("表彰时间")
    chat.say("1958年1月")
    assert chat.buttons() == ["改表彰时间", "改身份证号"]
    chat.press("改表彰时间")
    chat.say("2015年4月")
    assert chat.step == "summary"


# --- "later", and one message per bad input --------------------------------------------------


def test_no_id_card_at_hand_is_fine_by_button_or_in_words():
    chat = DialogChat()
    to_person(chat)
    chat.press("证件不在手边，稍后再填")
    assert chat.question.startswith(t("later")) and chat.step == "id_number"
    for words in ("等会再填", "明天再填", "身份证不在手边"):
        chat.say(words)
        assert chat.question.startswith(t("later")) and len(chat.replies) == 1, words
    assert chat.draft.person["name"] == "金明浩"


def test_saying_later_at_the_name_question_is_not_taken_as_a_name():
    chat = DialogChat()
    screen(chat)
    finish_award_n1(chat)
    chat.press("没有了")
    chat.say("等会再填")
    assert chat.question.startswith(t("later")) and "name" not in chat.draft.person
    chat.say("王明天")  # a name with a time word in it is still a name
    assert chat.draft.person["name"] == "王明天"
    chat.start()
    assert chat.question.startswith(t("q.id_number"))


def test_every_bad_input_is_one_message_with_the_question():
    chat = DialogChat()
    screen(chat)
    chat.press("全国劳动模范")
    chat.press("中共中央 国务院")
    chat.say("2030年1月")
    assert len(chat.replies) == 1
    assert "还没到" in chat.question and chat.question.endswith(t("q.award_date"))


# --- typed answers to choice questions --------------------------------------------------------


def test_plain_words_answer_choice_questions():
    chat = DialogChat()
    chat.start()
    chat.say("同意")
    chat.say("我自己")
    assert chat.draft.person["filled_by"] == "self"
    chat.say("农民")
    assert chat.step == "title"
    relative = DialogChat()
    relative.start()
    relative.say("是")
    relative.say("家属")
    assert relative.draft.person["filled_by"] == "proxy"
    relative.say("在")
    assert relative.draft.person["alive"] == "alive"


def test_a_typed_gender_is_matched_when_changed_at_the_summary():
    chat = summary_chat()
    chat.press("✏️ 修改")
    chat.press("基本信息")
    chat.press("性别")
    chat.say("男的")
    assert chat.step == "summary"


# --- smaller things -----------------------------------------------------------------------


def test_the_summary_says_what_the_button_said():
    chat = DialogChat()
    screen(chat, "家属或他人代为填写")
    finish_award_n1(chat)
    chat.press("没有了")
    person(chat)
    chat.say("金小明")
    chat.press("子女")
    chat.say("13812345678")
    assert "谁在填写：家属或他人代为填写" in chat.question and "委托他人" not in chat.question


def test_a_relative_is_not_promised_a_share_button_for_the_honorees_phone():
    chat = DialogChat()
    screen(chat, "家属或他人代为填写")
    finish_award_n1(chat)
    chat.press("没有了")
    for answer in ("金明浩", FAKE_ID):
        chat.say(answer)
    for label in ("朝鲜族", "群众", "初中"):
        chat.press(label)
    chat.say("光进村")
    chat.press("小营镇 光进村")
    chat.say("3组15号")
    chat.press("和户籍地址相同")
    assert chat.step == "phone"
    assert chat.replies[-1].contact_button is None and "按钮" not in chat.question
    chat.say("13912345678")
    assert "记下了" not in chat.text
    for label in ("有", "否"):
        chat.press(label)
    chat.say("金小明")
    chat.press("子女")
    assert chat.step == "proxy_phone"
    assert chat.replies[-1].contact_button == t("btn.share_phone")
    assert "按钮" in chat.question


def test_without_ocr_the_title_question_asks_for_no_photo_and_photo_steps_say_which():
    chat = DialogChat()
    screen(chat)
    assert "拍照" not in chat.question
    chat.photo()
    national_award(chat)
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    chat.press("跳过")
    assert chat.step == "certificate_photos"
    assert "荣誉证书照片" in chat.question


# --- typing after a stop ------------------------------------------------------------------

EMPLOYER = "机关、事业单位、国企"


def test_typing_after_no_consent_gets_a_kind_answer_and_a_way_back():
    chat = DialogChat()
    chat.start()
    chat.press("不同意")
    chat.say("我就是想问问怎么回事")
    assert t("after.no_consent") in chat.text and "请点下面的按钮选择" not in chat.text
    assert t("q.consent") not in chat.text
    chat.press("重新开始")
    assert chat.draft.stopped is None and chat.question == t("q.consent")


def test_typing_after_the_employer_redirect_offers_the_village_committee_route():
    chat = DialogChat()
    screen(chat, category=EMPLOYER)
    assert "原单位已不在了" in chat.buttons()
    chat.say("原来的农场早就黄了，找不到单位了")
    assert t("after.employer_gone") in chat.text and "请点下面的按钮选择" not in chat.text
    chat.press("原单位已不在了")
    assert chat.draft.stopped is None and chat.step == "title"
    assert chat.draft.person["person_category"] == "no_fixed_unit"
    assert {"kind": "employer_gone"} in chat.draft.flags
    assert "撤销、破产或改制" in flag_text({"kind": "employer_gone"})  # the reviewer is told


def test_typing_after_the_employer_redirect_without_saying_why_is_answered_too():
    chat = DialogChat()
    screen(chat, category=EMPLOYER)
    chat.say("那我该怎么办")
    assert t("after.employer") in chat.text and "原单位已不在了" in chat.buttons()


def test_the_committees_contact_is_given_when_known():
    chat = DialogChat()
    screen(chat, category=EMPLOYER)
    chat.ctx = replace(chat.ctx, contact="光进村委会 0433-1234567")
    chat.say("怎么办")
    assert "0433-1234567" in chat.text


def test_a_deceased_or_serving_person_gets_a_kind_answer_after_the_stop():
    for tap, key in (("已去世", "after.deceased"), ("现役军人", "after.serving")):
        chat = DialogChat()
        chat.start()
        chat.press("同意")
        chat.press("家属或他人代为填写")
        if tap == "现役军人":
            chat.press("健在")
        chat.press(tap)
        chat.say("好的")
        assert t(key) in chat.text, tap


def test_start_after_a_stop_begins_again():
    chat = DialogChat()
    chat.start()
    chat.press("不同意")
    chat.start()
    assert t("welcome") in chat.text and chat.question == t("q.consent")


# --- every accepted spelling, typed in the conversation ---------------------------------------

AT_DATE = DialogChat()
screen(AT_DATE)
AT_DATE.press("全国劳动模范")
AT_DATE.press("中共中央 国务院")
AT_DOCNO = DialogChat()
screen(AT_DOCNO)
national_award(AT_DOCNO)
AT_DOCNO.press("全国劳模待遇")
AT_DOCNO.press("是，荣誉保持着")


def typed_at(chat: DialogChat, text: str) -> DialogChat:
    again = DialogChat()
    again.draft = chat.draft.fresh_copy()
    again.say(text)
    return again


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(1949, 1, 1), max_value=date(2026, 11, 26)), st.booleans())
def test_every_written_date_answers_the_award_date_the_same(day, with_day):
    ym = YearMonth(day.year, day.month, day.day if with_day else None)
    for form in written_forms(ym):
        chat = typed_at(AT_DATE, form)
        assert chat.draft.awards[0].get("award_date") == ym.iso, form


@settings(max_examples=60, deadline=None)
@given(st.integers(1949, 2026), st.integers(1, 999), st.sampled_from([*BRACKETS, ("［", "］")]))
def test_every_bracket_style_of_a_document_number_is_stored_with_the_official_ones(
    year, serial, brackets
):
    left, right = brackets
    chat = typed_at(AT_DOCNO, f"国发{left}{year}{right}{serial}号")
    assert chat.draft.awards[0]["document_number"] == f"国发〔{year}〕{serial}号"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_no_text_at_the_date_or_the_document_number_question_breaks_the_conversation(text):
    for chat in (AT_DATE, AT_DOCNO):
        replies = typed_at(chat, text).replies
        assert replies and all(r.text.strip() for r in replies)


def test_a_village_named_after_a_stop_gets_its_committees_contact():
    chat = DialogChat()
    screen(chat, category=EMPLOYER)
    chat.say("光进村")  # as the hint asks: the village name
    assert t("stop.which_village") in chat.text and "原单位已不在了" in chat.buttons()
    chat.ctx = replace(chat.ctx, contact="光进村委会 0433-1234567")  # what services look up
    chat.press("小营镇 光进村")
    assert "0433-1234567" in chat.text and chat.draft.person["hukou_code"] == "222401100201"
