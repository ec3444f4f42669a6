"""Bad input of any kind at any question: the dialog never raises, always answers, and either
accepts a valid answer or asks the same question again. Forged button data changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs import engine
from dialogs.form import in_scope
from dialogs.model import Contact, Draft, Event, Outcome, Press, Reply, Text, Unsupported
from testkit.fakes import fake_id_number
from tests.dialog_driver import DialogChat, directory

FAKE_ID = fake_id_number(date(1956, 3, 12), "男", region="222401", seq=12)
VILLAGE = "222401100201"  # 延吉市 小营镇 光进村委会
VILLAGE_BUTTON = "小营镇 光进村"

# What a careful honoree answers at each question (key -> (how, what)).
DEFAULT: dict[str, tuple[str, str]] = {
    "consent": ("press", "同意"),
    "filled_by": ("press", "本人填写"),
    "alive": ("press", "健在"),
    "person_category": ("press", "农民"),
    "title": ("press", "全国劳动模范"),
    "awarding_body": ("press", "中共中央 国务院"),
    "award_date": ("say", "2015年4月"),
    "treatment": ("first", ""),
    "military_honour": ("first", ""),
    "veteran": ("press", "已经退役"),
    "ministry_confirmed_by_mop": ("press", "是"),
    "hrss_approved": ("press", "是"),
    "honour_kept": ("press", "是，荣誉保持着"),
    "document_number": ("say", "中发[2015]10号"),
    "document_title": ("press", "跳过"),
    "certificate_photos": ("photo", ""),
    "document_photos": ("photo", ""),
    "mop_photos": ("photo", ""),
    "discharge_photos": ("photo", ""),
    "more_awards": ("press", "没有了"),
    "name": ("say", "金明浩"),
    "gender": ("press", "男"),
    "id_number": ("say", FAKE_ID),
    "birth_date": ("press", "对"),
    "ethnicity": ("press", "朝鲜族"),
    "political_status": ("press", "群众"),
    "education": ("press", "初中"),
    "work_unit": ("say", "延吉市某某商贸有限公司 经理"),
    "hukou_code": ("division", ""),
    "hukou_address": ("say", "3组15号"),
    "residence": ("press", "和户籍地址相同"),
    "phone": ("say", "13912345678"),
    "portrait_photos": ("press", "跳过"),
    "personnel_file": ("press", "有"),
    "hardship": ("press", "是"),
    "hardship_note": ("say", "腿脚不便，一个人住"),
    "remarks": ("press", "跳过"),
    "proxy_name": ("say", "金小明"),
    "proxy_relation": ("press", "子女"),
    "proxy_phone": ("say", "13812345678"),
}

# Award variants that open the follow-up questions of other bodies and eras.
MILITARY = {"title": ("say", "一等功"), "awarding_body": ("say", "沈阳军区"),
            "award_date": ("say", "1985年8月"), "document_number": ("press", "跳过")}
MINISTRY_OLD = {"title": ("say", "全国铁路劳动模范"), "awarding_body": ("say", "铁道部"),
                "award_date": ("say", "1990年5月"), "document_number": ("press", "跳过")}
MINISTRY_NEW = {**MINISTRY_OLD, "award_date": ("say", "2000年5月")}
PROXY = {"filled_by": ("press", "家属或他人代为填写"),
         "person_category": ("press", "民营企业或社会组织")}


class RecordingChat(DialogChat):
    """A DialogChat that keeps every draft it was in before an event, i.e. every open question."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Draft] = []

    def send(self, event: Event) -> list[Reply]:
        self.seen.append(self.draft.model_copy(deep=True))
        return super().send(event)


def walk(chat: RecordingChat, overrides: dict | None = None, more: int = 0) -> None:
    """Answer every question until the summary card (or a stop), like a person would."""
    answers = {**DEFAULT, **(overrides or {})}
    chat.start()
    for _ in range(200):
        if chat.draft.stopped or chat.step == engine.SUMMARY:
            chat.seen.append(chat.draft.model_copy(deep=True))
            return
        key = chat.step
        if key == "more_awards" and more:
            more -= 1
            chat.press("还有其他表彰")
            continue
        how, what = answers[key]
        if how == "press":
            chat.press(what)
        elif how == "say":
            chat.say(what)
        elif how == "first":
            chat.press(chat.buttons()[0])
        elif how == "photo":
            chat.photo()
            chat.press("完成")
        elif how == "division":  # browse one level, then search, then pick
            chat.press("延边朝鲜族自治州")
            chat.say("光进")
            chat.press(VILLAGE_BUTTON)
    raise AssertionError(f"the walk did not reach the summary: {chat.step}")


def edit_states(summary: Draft) -> list[Draft]:
    """From the summary card: the edit menu, and editing each kind of answer."""
    found = []
    awards = "第1项表彰" if sum(in_scope(a) for a in summary.awards) > 1 else "表彰"
    basic, other = "基本信息", "其他"
    for section, label in ((basic, "姓名"), (basic, "身份证号码"), (basic, "性别"),
                           (basic, "出生年月"), (basic, "户口所在地"), (basic, "联系电话"),
                           (basic, "民族"), (other, "备注"), (basic, "免冠照片"),
                           (awards, "荣誉称号"), (awards, "表彰时间"), (awards, "荣誉证书照片"),
                           (awards, "文件文号"), (awards, "文件名称")):
        chat = RecordingChat()
        chat.draft = summary.model_copy(deep=True)
        chat.start()
        chat.press("✏️ 修改")
        chat.press(section)
        chat.press(label)
        assert chat.draft.editing, label
        found.append(chat.draft.model_copy(deep=True))
    return found


def collect() -> list[Draft]:
    drafts: list[Draft] = []
    for overrides, more in ((None, 1), (PROXY, 0), (MILITARY, 0), (MINISTRY_OLD, 0),
                            (MINISTRY_NEW, 0)):
        chat = RecordingChat()
        walk(chat, overrides, more)
        drafts += chat.seen
        if chat.step == engine.SUMMARY and overrides is None:
            drafts += edit_states(chat.draft)
    stopped = RecordingChat()
    stopped.start()
    stopped.press("不同意")
    drafts.append(stopped.draft)
    at_hukou = next(d for d in drafts if engine.next_step(d).key == "hukou_code")
    drafts.append(at_hukou.model_copy(update={"nav": {"suggested": VILLAGE}}, deep=True))
    # one per distinct situation: open question, award, editing, browsing, pending photos, stop
    unique: dict[str, Draft] = {}
    for d in drafts:
        step = engine.next_step(d)
        pending = sorted(k for a in (d.person, *d.awards) for k in a if k.startswith("_"))
        key = repr((step, bool(d.editing), sorted(d.nav), pending, d.stopped, len(d.awards)))
        unique.setdefault(key, d)
    return list(unique.values())


DRAFTS = collect()
CTX = DialogChat().ctx
STEPS = {engine.next_step(d).key for d in DRAFTS}


def test_the_walk_reaches_every_kind_of_question():
    """The drafts under test cover every question of the form, the summary and edit mode."""
    from dialogs.form import FIELDS

    wanted = set(FIELDS) | {"more_awards", engine.SUMMARY}
    assert wanted - STEPS == set(), "questions never reached by the walk"
    assert any(d.editing for d in DRAFTS) and any(d.nav.get("query") for d in DRAFTS)
    assert any(d.nav.get("suggested") for d in DRAFTS)  # a poster's link named the village
    assert any(d.nav.get("code") for d in DRAFTS) and any(d.stopped for d in DRAFTS)


def _shown(reply: Reply) -> tuple:
    return reply.text, reply.buttons, reply.contact_button


def _asks(reply: Reply, question: Reply) -> bool:
    """The reply is the open question, maybe with the error in front of it (one message)."""
    same = (reply.buttons, reply.contact_button) == (question.buttons, question.contact_button)
    return same and reply.text.endswith(question.text)


def _answers(d: Draft) -> tuple:
    return d.person, d.awards


def _has_chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def check(draft: Draft, event: Event) -> Outcome:
    """The invariants of one bad (or lucky) input at one question."""
    before = draft.model_copy(deep=True)
    out = engine.handle(draft, event, CTX)
    assert draft == before, "handle must not change the draft it was given"
    owned = engine.apply(before.model_copy(deep=True), event, CTX)  # the bot's way: no copy
    assert (owned.draft, owned.replies, owned.alert) == (out.draft, out.replies, out.alert)
    assert out.replies, f"no reply to {event!r} at {engine.next_step(draft)}"
    for reply in out.replies:
        assert isinstance(reply.text, str) and reply.text.strip()
        assert _has_chinese(reply.text), reply.text
    step_before, step_after = engine.next_step(draft), engine.next_step(out.draft)
    if out.delete or out.submit:
        return out
    if out.draft.stopped:  # a kind answer with the stop's way on, not the form again
        way_on = engine.ask(out.draft, CTX)[-1].buttons
        assert out.replies[-1].buttons[-len(way_on):] == way_on
        return out
    if step_after == step_before and out.draft.editing == draft.editing:
        # not accepted: the same question is open again, and nothing answered has changed
        assert _answers(out.draft) == _answers(draft), f"{event!r} changed answers"
        assert _asks(out.replies[-1], engine.ask(out.draft, CTX)[-1])
    else:
        # accepted: the next open question is what the person sees last
        assert _shown(out.replies[-1]) == _shown(engine.ask(out.draft, CTX)[-1])
    return out


NASTY = [
    "", " ", "\n", "\t\r\n", "\x00", "\x00" * 50, "\u200b", "\u202e反转", "\ufeff",
    "①", "²", "٣", "１", "-1", "0", "99999999999999999999", "1e9", "NaN", "None", "null",
    "😀", "👍🏻" * 20, "👨‍👩‍👧‍👦", "🇨🇳", "\U0010ffff", "\ud7ff", "ℌ𝔢𝔩𝔩𝔬", "Ａ" * 100,
    "x" * 10_000, "汉" * 10_000, "😀" * 10_000, "\x07\x1b[31m red", "<b>粗体</b>", "' OR 1=1 --",
    "/start", "/cancel", "x|cancel!", "同意 ", " 男", "不对", "光", "吉林", "村",
    "２０１５年４月", "2015年13月", "0000年0月", "9999年12月", "中发〔〕号",
    "11010519491231002X", "11010519491231002x", "+86 139 1234 5678", "0433-1234567",
]


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda d: engine.next_step(d).key)
def test_every_nasty_string_at_every_question(draft):
    for text in NASTY:
        check(draft, Text(text))
    for what in ("sticker", "voice", "document", "photo", "location", "", "💥"):
        check(draft, Unsupported(what))
    for phone in ("", "abc", "+8613912345678", "①②③", "1" * 500, "\x00"):
        check(draft, Contact(phone, own=True))
        check(draft, Contact(phone, own=False))


FUZZ = settings(max_examples=1000, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
texts = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"])),
    st.text(alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)),
    st.text(alphabet=st.characters(categories=["Nd", "No", "Nl"]), max_size=5),
    st.builds(lambda ch, n: ch * n, st.characters(), st.integers(1_000, 10_000)),
)
drafts = st.sampled_from(DRAFTS)


@FUZZ
@given(draft=drafts, text=texts)
def test_any_text_at_any_question(draft, text):
    check(draft, Text(text))


def _legit(draft: Draft) -> set[str]:
    """Button data this person could really send now (shown buttons, valid indexes)."""
    shown = {b.data for r in engine.ask(draft, CTX) for row in r.buttons for b in row}
    token = engine.next_step(draft).token
    return shown | {f"{token}|~skip", f"{token}|~done", "x|cancel!", "x|submit"}


def _real_button(draft: Draft, data: str) -> bool:
    """Data a real button of the open question has, or means the same (\"01\" is \"1\")."""
    token = engine.next_step(draft).token + "|"
    if data in _legit(draft):
        return True
    if not data.startswith(token):
        return False
    payload = data[len(token):]
    digits = payload.removeprefix("q")
    if payload.startswith("q") and digits.isascii() and digits.isdigit():
        return True  # a quick answer ("q01" is "q1"); options are pressed by their code
    return payload.startswith("h") and directory().get(payload[1:]) is not None


def _forged(draft: Draft, payload: str, kind: int) -> str:
    step = engine.next_step(draft)
    prefixes = (step.token + "|", "x|", "x|edit:", "x|ocr:", "", "r|", "consent#|", "title#0|")
    return prefixes[kind] + payload


payloads = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"(h|p|q|~)?[0-9²①٣]{0,14}", fullmatch=True),
    st.sampled_from(["~done", "~skip", "up", "h220000000000", "p-1", "p99999999", "q99",
                     "name#", "title#1", "title#²", "title#-1", "hukou_code#", "nope#0",
                     "0:yes", "9:yes", "new", "keep", "edit", "cancel?", "cancel-", "1" * 70,
                     "@A", "@B0", "@B9", "@B²", "@Z", "@C1", "back"]),
)


@FUZZ
@given(draft=drafts, payload=payloads, kind=st.integers(0, 7))
def test_forged_button_data_never_raises_nor_changes_answers(draft, payload, kind):
    data = _forged(draft, payload, kind)
    if _real_button(draft, data):
        return  # a real button (or a real village): not a forgery
    out = engine.handle(draft, Press(data), CTX)
    assert out.replies, data
    assert not out.submit and not out.delete, data
    assert _answers(out.draft) == _answers(draft), f"forged {data!r} changed answers"
