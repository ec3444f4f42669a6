"""OCR in the conversation: photo-first offers, typed-first comparisons, never silent answers."""

from __future__ import annotations

import pytest

from dialogs.model import OcrRead, PhotoSaved, Press
from tests.dialog_driver import DialogChat
from tests.test_dialog_flow import screen

READ = {"name": "金明浩", "title": "全国劳动模范", "awarding_body": "中共中央国务院",
        "date": "2015-04"}


def ocr_chat() -> DialogChat:
    chat = DialogChat()
    chat.ctx = chat.ctx.__class__(**{**chat.ctx.__dict__, "ocr": True})
    screen(chat)
    return chat


def test_certificate_photo_first_offers_what_was_read_and_asks_only_the_rest():
    chat = ocr_chat()
    chat.send(PhotoSaved(7))
    assert "正在识别" in chat.text
    chat.send(OcrRead(7, 0, READ))
    assert chat.question == "照片上写着：全国劳动模范，中共中央国务院，2015年4月。对吗？"
    assert "title" not in chat.draft.awards[0]  # nothing stored before the person confirms
    chat.press("对")
    award = chat.draft.awards[0]
    assert (award["title"], award["awarding_body"], award["award_date"]) == (
        "全国劳动模范", "中共中央国务院", "2015-04")
    assert chat.step == "treatment"  # title, body and date are not asked again
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    chat.press("跳过")
    assert "收到 1 张" in chat.question  # the certificate photo already counts
    chat.press("完成")
    assert chat.draft.awards[0]["certificate_photos"] == [7]


def test_declining_the_offer_asks_the_question_normally():
    chat = ocr_chat()
    chat.send(PhotoSaved(7))
    chat.send(OcrRead(7, 0, READ))
    chat.press("改一下")
    assert chat.step == "title" and "title" not in chat.draft.awards[0]
    assert "荣誉称号" in chat.question


@pytest.mark.parametrize("error", ["no_text", "unavailable", "engine_failed", "timeout"])
def test_a_failed_read_keeps_the_photo_and_asks_to_type(error):
    """No engine, a crashed or hung one, or nothing legible: one sentence, then the question."""
    chat = ocr_chat()
    chat.send(PhotoSaved(7))
    replies = chat.send(OcrRead(7, 0, {}, error=error))
    assert "照片已经保存好了" in replies[0].text and "打字" in replies[0].text
    assert replies[0].text.count("。") == 1  # one sentence
    assert chat.step == "title" and "荣誉称号" in chat.question  # the form goes on at once
    assert chat.draft.awards[0]["_certificate_photos"] == [7]


def test_typed_answers_that_disagree_with_the_photo_are_shown_once_and_flagged():
    chat = ocr_chat()
    chat.press("全国劳动模范")
    chat.press("中共中央 国务院")
    chat.say("2016年4月")
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    chat.press("跳过")
    chat.send(PhotoSaved(8))
    chat.send(OcrRead(8, 0, READ))
    assert "照片上的表彰时间是“2015年4月”，您填的是“2016年4月”" in chat.text
    assert chat.draft.awards[0]["award_date"] == "2016-04"  # never a block, never overwritten
    chat.send(OcrRead(8, 0, READ))
    assert chat.replies == []  # said once
    flags = [f for f in chat.draft.flags if f["kind"] == "ocr_mismatch"]
    assert [(f["field"], f["typed"], f["read"]) for f in flags] == [
        ("award_date", "2016-04", "2015-04")]


def test_a_typed_name_is_compared_with_the_name_on_the_certificate():
    chat = ocr_chat()
    chat.send(PhotoSaved(7))
    chat.send(OcrRead(7, 0, READ))
    chat.press("对")
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    for label in ("跳过", "完成", "暂时没有，以后再补", "没有了"):
        chat.press(label)
    chat.say("金明洁")
    assert "照片上的姓名是“金明浩”" in chat.text
    assert chat.draft.person["name"] == "金明洁"
    assert {"kind": "ocr_mismatch", "award": None, "field": "name", "typed": "金明洁",
            "read": "金明浩"} in chat.draft.flags


def test_the_name_is_checked_against_the_award_documents_name_list():
    chat = ocr_chat()
    chat.press("全国劳动模范")
    chat.press("中共中央 国务院")
    chat.say("2015年4月")
    chat.press("全国劳模待遇")
    chat.press("是，荣誉保持着")
    chat.press("跳过")
    chat.press("暂时没有，以后再补")
    chat.send(PhotoSaved(9))  # the first page of the award document
    chat.send(OcrRead(9, 0, {"names_listed": "张三、李四"}))
    assert chat.replies == []  # the name is not known yet: nothing to say
    chat.send(Press("document_photos#0|~done"))
    chat.press("没有了")
    chat.say("金明浩")
    assert "名单里没有找到“金明浩”" in chat.text
    assert {"kind": "name_not_listed", "award": 0, "typed": "金明浩"} in chat.draft.flags
    # the page with the person's name arrives later (e.g. sent while fixing a returned entry)
    chat.send(OcrRead(10, 0, {"names_listed": "金明浩、王五"}))
    assert not [f for f in chat.draft.flags if f["kind"] == "name_not_listed"]


def test_flags_read_as_plain_chinese_for_the_reviewer():
    from dialogs.review import flag_text

    mismatch = {"kind": "ocr_mismatch", "award": 0, "field": "award_date",
                "typed": "2016-04", "read": "2015-04"}
    assert flag_text(mismatch) == "第1项表彰：照片上的表彰时间是“2015年4月”，填写的是“2016年4月”"
    missing = {"kind": "name_not_listed", "award": 1, "typed": "金明浩"}
    assert flag_text(missing) == "第2项表彰：表彰文件的名单里没有找到“金明浩”"
