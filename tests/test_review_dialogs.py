"""dialogs/review.py (with its button data and masking): the entry card, queue pages (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialogs.callbacks import REVIEW_ARITY as ARITY
from dialogs.callbacks import ReviewAction as Action
from dialogs.callbacks import review as data
from dialogs.callbacks import review_action
from dialogs.masking import mask_id, mask_phone
from dialogs.model import Context, Draft
from dialogs.review import (
    PAGE_SIZE,
    Duplicate,
    EntryFacts,
    QueueItem,
    QueuePage,
    answers_shown,
    changes,
    entry_buttons,
    entry_card,
    flag_text,
    may_review,
    parse_reason,
    queue_reply,
    reason_menu,
)
from tests.dialog_driver import DialogChat
from tests.test_dialog_flow import FAKE_ID, finish_award_n1, person, screen


def complete_draft() -> tuple[Draft, Context]:
    """A whole registration (one N1 award, one photo) as the honoree submits it."""
    chat = DialogChat()
    screen(chat)
    finish_award_n1(chat)
    chat.press("没有了")
    person(chat)
    return chat.draft, chat.ctx


MAX_DATA_BYTES = 64  # Telegram's limit, the smallest of our channels


def parse(raw: str | None) -> Action | None:
    return review_action(raw, MAX_DATA_BYTES)


def facts(**changes) -> EntryFacts:
    base = dict(
        reg_id=12,
        version=3,
        reg_no="222401100-0007",
        status="submitted",
        committee="光进村委会",
        submitted_at=datetime(2026, 11, 26, 2, 5, tzinfo=UTC),
        photos=1,
    )
    return EntryFacts(**{**base, **changes})


# --- button data -------------------------------------------------------------------------


def test_every_verb_round_trips_within_telegrams_64_bytes():
    big = 999_999_999
    for verb, arity in ARITY.items():
        raw = data(verb, *[big] * arity)
        assert len(raw.encode()) <= MAX_DATA_BYTES
        assert parse(raw) == Action(verb, (big,) * arity)


GARBAGE = [
    None, "", "r", "r|", "r|open", "r|open|", "r|open|x", "r|open|-1", "r|open|1|2", "r|ok|1",
    "r|nope|1", "x|open|1", "R|open|1", "r|open| 1", "r|open|１", "r|open|1.0", "r|open|01",
    "r|open|1000000000", "r|queue|1|2|", "r|open|1;DROP TABLE", "r|" + "9" * 70, "r|open|0x10",
    "r||open|1",
]  # fmt: skip


@pytest.mark.parametrize("raw", GARBAGE)
def test_garbage_is_rejected(raw):
    assert parse(raw) is None


@given(st.text(max_size=80))
def test_parse_never_raises_and_only_accepts_well_formed_data(raw):
    action = parse(raw)
    if action is not None:
        assert data(action.verb, *action.args) == raw


def test_decision_data_carries_the_version_seen():
    assert parse("r|ok|12|3") == Action("ok", (12, 3))
    assert parse("r|retr|12|3|0") == Action("retr", (12, 3, 0))


# --- who may act -------------------------------------------------------------------------


def test_a_reviewer_acts_on_their_own_committees_entries_only():
    assert may_review(5, "222401100000", committee_id=5, desk_of_township=None)
    assert not may_review(6, "222401100000", committee_id=5, desk_of_township=None)
    assert not may_review(None, "222401100000", committee_id=5, desk_of_township=None)


def test_the_township_desk_acts_anywhere_in_its_township():
    desk = "222401100000"
    assert may_review(None, desk, committee_id=9, desk_of_township=desk)
    assert may_review(6, desk, committee_id=9, desk_of_township=desk)
    assert not may_review(6, "222401101000", committee_id=9, desk_of_township=desk)


# --- reasons ---------------------------------------------------------------------------------


def test_typed_reasons_are_tidied_and_bounded():
    assert parse_reason("  请补拍\n 首页  ") == "请补拍 首页"
    assert parse_reason("好") is None
    assert parse_reason("长" * 201) is None
    assert parse_reason(None) is None


def test_reason_menu_offers_common_reasons_and_typing():
    menu = reason_menu("ret", 12, 3)
    datas = [b.data for row in menu.buttons for b in row]
    assert datas[0] == "r|retr|12|3|0" and datas[-1] == "r|rett|12|3"
    assert "退回修改" in menu.text


# --- the entry card ----------------------------------------------------------------------


def test_card_shows_the_form_with_the_id_masked_and_the_rule_behind_the_category():
    draft, ctx = complete_draft()
    card = entry_card(draft, facts(), ctx)
    assert card.startswith("📄 登记编号 222401100-0007（待审核）")
    assert "审核单位：光进村委会" in card and "2026年11月26日 10:05" in card
    assert "姓名：金明浩" in card and "延吉市 小营镇 光进村" in card
    assert FAKE_ID not in card and mask_id(FAKE_ID) in card
    assert "请核对" not in card  # the honoree's heading is not the reviewer's
    assert "【统计类别依据】" in card and "第1项：2018年以前党中央" in card
    assert "【请注意】" not in card  # nothing to warn about


def test_card_warns_of_duplicates_uncertain_awards_flags_and_missing_photos():
    draft, ctx = complete_draft()
    draft.awards[0].update(outcome="uncertain", reason="需要核实文件")
    draft.flags.append({"kind": "ocr_mismatch", "text": "照片上的表彰时间是 2016年4月"})
    draft.flags.append({"kind": "ocr_mismatch", "award": 0, "field": "award_date",
                        "read": "2016-04", "typed": "2015-04"})
    dup = Duplicate("222401101-0002", "吉兴村委会", "confirmed")
    card = entry_card(draft, facts(photos=0, duplicates=(dup,)), ctx)
    assert "【请注意】" in card
    assert "同一身份证号码还有一条登记：222401101-0002（吉兴村委会，已确认）" in card
    assert "第1项表彰需要核实：需要核实文件" in card
    assert "照片上的表彰时间是 2016年4月" in card
    assert "award_date" not in card
    assert "第1项表彰：照片上的表彰时间是“2016年4月”，填写的是“2015年4月”" in card
    assert "没有上传任何证明材料照片" in card


def test_flag_text_without_text_lists_its_facts():
    assert flag_text({"kind": "x", "a": 1, "b": None}) == "x: a=1"


def test_decision_buttons_only_while_the_entry_waits():
    waiting = [b.data for row in entry_buttons(facts()) for b in row]
    assert waiting == ["r|ok|12|3", "r|ret|12|3", "r|rej|12|3", "r|fwd|12|3", "r|id|12", "r|list"]
    decided = [b.data for row in entry_buttons(facts(status="confirmed")) for b in row]
    assert decided == ["r|id|12", "r|list"]


# --- the queue ---------------------------------------------------------------------------


def test_queue_pages_list_names_and_masked_ids_only():
    items = [QueueItem(i, f"人{i}", FAKE_ID) for i in range(1, PAGE_SIZE + 3)]
    counts = {"returned": 1, "confirmed": 4}
    first = queue_reply(QueuePage("queue", 5, "光进村委会", items, 0, counts, free=2))
    assert "光进村委会：待审核 10 条" in first.text and "已确认 4" in first.text
    assert "第 1/2 页" in first.text
    labels = [b.text for row in first.buttons for b in row]
    assert labels[0] == f"人1 · {mask_id(FAKE_ID)}" and FAKE_ID not in first.text + str(labels)
    assert "下一页 ▶" in labels and "还没分到村（社区）的（2）" in labels
    last = queue_reply(QueuePage("queue", 5, "光进村委会", items, 7))
    assert "第 2/2 页" in last.text and "◀ 上一页" in [b.text for row in last.buttons for b in row]


def test_an_empty_queue_says_so():
    reply = queue_reply(QueuePage("free", 5, "小营镇", []))
    assert "还没有分到村（社区）的登记 0 条" in reply.text and "没有待审核" in reply.text
    assert reply.buttons == ()


def test_changes_since_a_return_come_first_on_the_card_with_numbers_masked():
    draft, ctx = complete_draft()
    assert changes(draft, ctx.divisions) == []  # never returned
    draft.reviewed = answers_shown(draft, ctx.divisions)
    assert changes(draft, ctx.divisions) == []  # returned, nothing changed yet
    old_phone = draft.person["phone"]
    draft.person.update(phone="+8613800001111", residence="延吉市河南街道 8 号")
    said = changes(draft, ctx.divisions)
    assert len(said) == 2 and said[-1].endswith(f"{mask_phone(old_phone)} → 138****1111")
    assert "→ 延吉市河南街道 8 号" in said[0]
    assert "13800001111" not in "".join(said) and old_phone[3:] not in "".join(said)
    card = entry_card(draft, facts(), ctx)
    assert card.index("【这次改动的地方】") < card.index("【基本信息】")
    assert "【这次改动的地方】" not in entry_card(draft, facts(status="confirmed"), ctx)


def test_a_card_refers_to_photos_already_sent_instead_of_a_new_album():
    draft, ctx = complete_draft()
    assert "见上面的相册" in entry_card(draft, facts(), ctx)
    assert "照片在上面" in entry_card(draft, facts(album_shown=True), ctx)
