"""A crowd of honorees who answer whatever question is open, so each can go on from anywhere.

A `Filler` reads the bot's newest question, looks it up in `QUESTIONS` (question text -> what
to do) and acts. When no answer comes (the bot was killed), it sends /start and goes on from
the question the bot shows, after checking that this is the open question of the stored draft.
It remembers every answer whose reply arrived (`acked`), to be checked in the database later.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dialogs import engine
from dialogs.model import Draft
from dialogs.texts import t
from storage.uow import Database
from testkit.fakes import fake_id_number, tg
from testkit.photos import photo_bytes
from tests.e2e.honoree import closed
from tg_emulator import server
from tg_emulator.bot_message import BotMessage

VILLAGE = "222401100201"  # 延吉市 小营镇 光进村委会
VILLAGE_BUTTON = "小营镇 光进村"
ANY = object()  # an acknowledged answer whose exact stored form is not predicted
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "明华建国志强秀英玉兰春梅海军文"


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    gender: str
    id_number: str
    phone: str  # as shared from the phone: +86…

    @property
    def local_phone(self) -> str:
        return self.phone.removeprefix("+86")


def people(count: int, first_user_id: int) -> list[Person]:
    """Synthetic honorees with distinct names, ID numbers (seq 0–99) and mobile numbers."""
    assert count <= 100
    found = []
    for n in range(count):
        gender = "男" if n % 2 else "女"
        born = date(1940, 1, 1) + timedelta(days=173 * n)
        number = fake_id_number(born, gender, region="222401", seq=n, rng=random.Random(n))
        name = SURNAMES[n % 20] + GIVEN[n // 20 % 15] + GIVEN[(n + 7) % 15]
        phone = f"+86138{44_000_000 + n * 37:08d}"
        found.append(Person(first_user_id + n, name, gender, number, phone))
    return found


@dataclass(frozen=True)
class Question:
    """One question as the bot shows it: recognised by `marker`, answered by (`how`, `what`)."""

    marker: str
    key: str  # engine.next_step(...).key of the open question; "done" once submitted
    how: str  # press | say | contact | photo | none
    what: str = ""  # button text or typed text; "{name}"… are filled from the Person
    stores: Any = ANY  # what the answer is stored as (None: skipped), for `acked`
    answer: bool = True  # False: only browsing (no answer is stored)


# Order matters: the summary card and the status come first, as they quote other labels.
QUESTIONS: tuple[Question, ...] = (
    Question("提交成功", "done", "none", answer=False),
    Question(t("finished.hint"), "done", "none", answer=False),
    Question("请核对填写的内容", engine.SUMMARY, "press", "✅ 确认提交"),
    Question("您同意吗", "consent", "press", "同意", "agree"),
    Question("是谁在填写", "filled_by", "press", "本人填写", "self"),
    Question("现在属于哪一类", "person_category", "press", "农民", "farmer"),
    Question("获得的荣誉称号是什么", "title", "press", "全国劳动模范", "全国劳动模范"),
    Question("是哪个机关表彰的", "awarding_body", "press", "中共中央 国务院", "中共中央 国务院"),
    Question("是哪年哪月表彰的", "award_date", "say", "2015年4月", "2015-04"),
    Question("享受哪种待遇", "treatment", "press", "全国劳模待遇", "national_model"),
    Question("现在还保持着吗", "honour_kept", "press", "是，荣誉保持着", "kept"),
    Question("文件的文号是多少", "document_number", "say", "中发[2015]10号"),
    Question("可以发几张", "certificate_photos", "photo"),
    Question("还有就继续发", "certificate_photos", "press", "完成"),
    Question("请拍表彰文件", "document_photos", "press", "暂时没有，以后再补", None),
    Question("还有别的表彰要登记吗", "more_awards", "press", "没有了", True),
    Question("获奖人的姓名是", "name", "say", "{name}", "{name}"),
    Question("身份证号码（18位）", "id_number", "say", "{id_number}", "{id_number}"),
    Question("获奖人的民族", "ethnicity", "press", "汉族", "汉族"),
    Question("获奖人的政治面貌", "political_status", "press", "群众", "masses"),
    Question("获奖人的文化程度", "education", "press", "初中", "junior_high"),
    Question("户口在哪里", "hukou_code", "say", "光进", answer=False),
    Question("找到这些地方", "hukou_code", "press", VILLAGE_BUTTON, VILLAGE),
    Question("户籍的详细地址", "hukou_address", "say", "3组15号", "3组15号"),
    Question("现在住在哪里", "residence", "press", "和户籍地址相同"),  # stored as the address
    Question("获奖人的联系电话", "phone", "contact", "{phone}", "{phone}"),
    Question("在个人档案里有记载吗", "personnel_file", "press", "有", "yes"),
    Question("目前生活有困难吗", "hardship", "press", "否", "no"),
)
AWARD_KEYS = {"title", "awarding_body", "award_date", "treatment", "honour_kept",
              "document_number", "certificate_photos", "document_photos"}
NO_PHOTO = Question("可以发几张", "certificate_photos", "press", "暂时没有，以后再补", None)


def recognise(messages: list[BotMessage]) -> Question | None:
    """The question the newest shown message asks (closing answered ones does not count)."""
    shown = [m for m in messages if not closed(m)]
    if not shown:
        return None
    text = shown[-1].text
    return next((q for q in QUESTIONS if q.marker in text), None)


@dataclass
class Filler:
    """One honoree filling in the whole form, whatever happens to the bot."""

    user: Any  # tg_emulator UserDriver
    person: Person
    db: Database
    photo: bool = True
    typed_phone: bool = False  # type the phone number instead of sharing the contact
    timeout: float = 4.0
    resume_timeout: float = 40.0
    quiet: float = 0.15
    acked: list[tuple[str, Any]] = field(default_factory=list)
    resumes: list[tuple[str, str]] = field(default_factory=list)  # (shown, stored) question
    errors: list[str] = field(default_factory=list)

    async def run(self) -> None:
        question = await self.resume()
        for _ in range(400):
            if question.key == "done":
                return
            if question.key == "certificate_photos" and question.how == "photo" and not self.photo:
                question = NO_PHOTO
            replied = await self.act(question)
            following = recognise(replied) if replied else None
            if replied and question.answer and await self.accepted(question, replied, following):
                self.acked.append((question.key, self.fill(question.stores)))
            question = following or await self.resume()
        raise AssertionError(f"{self.person.user_id} never finished")

    def fill(self, value: Any) -> Any:
        if isinstance(value, str):
            p = self.person
            gender_code = {"男": "male", "女": "female"}[p.gender]
            return value.format(name=p.name, gender=p.gender, gender_code=gender_code,
                                id_number=p.id_number, phone=p.phone)
        return value

    async def act(self, q: Question) -> list[BotMessage] | None:
        what = self.fill(q.what)
        if q.how == "press":
            try:
                await self.user.press(what)
            except LookupError:  # the button is not in the chat: ask where we are
                return None
        elif q.how == "say":
            await self.user.send_text(what)
        elif q.how == "contact" and self.typed_phone:
            await self.user.send_text(self.person.local_phone)
        elif q.how == "contact":
            await self.user.send_contact(what)
        elif q.how == "photo":
            await self.user.send_photo(photo_bytes(f"certificate of {self.person.user_id}"))
        return await self.replies(self.timeout)

    async def accepted(self, q: Question, replied: list[BotMessage], following) -> bool:
        """The answer was applied: the reply moved on, was not an error, nor a stale press."""
        texts = [m.text for m in replied]
        if any(t("error.generic") in x for x in texts):
            self.errors.append(t("error.generic"))
            return False
        if q.how == "press" and last_callback_answer(self.user) == t("stale"):
            return False
        return following is None or following.marker != q.marker

    async def replies(self, timeout: float) -> list[BotMessage] | None:
        """New messages once the bot is quiet; None if nothing came (the bot was killed)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        got: list[BotMessage] = []
        while (left := deadline - loop.time()) > 0:
            try:
                got += await self.user.replies(timeout=left, quiet=self.quiet)
            except TimeoutError:
                break
            if recognise(got) is not None or any(not closed(m) for m in got):
                return got
        return got or None

    async def resume(self) -> Question:
        """/start until the bot shows a question; check it is the stored draft's open one."""
        for _ in range(10):
            await self.user.send_text("/start")
            replied = await self.start_reply(self.resume_timeout)
            question = recognise(replied) if replied else None
            if question is not None:
                self.resumes.append((question.key, await self.stored_step()))
                return question
        raise AssertionError(f"{self.person.user_id}: /start never showed a question")

    async def start_reply(self, timeout: float) -> list[BotMessage] | None:
        """The bot's reply to /start, from its greeting on; None if it never came.

        Answers sent before /start whose replies had not come yet (the bot was slow, or killed
        and delivered them again) are handled before it, and their replies come first: each
        asks what was open then, and the next of them moved the draft on. Only what /start
        itself shows is the stored draft's open question."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        got: list[BotMessage] = []
        while (left := deadline - loop.time()) > 0:
            replied = await self.replies(left)
            if replied is None:
                return None
            got += replied
            greetings = [n for n, m in enumerate(got) if greets(m)]
            if greetings and recognise(got[greetings[-1]:]) is not None:
                return got[greetings[-1]:]
        return None

    async def stored_step(self) -> str:
        async with self.db.uow(read_only=True) as uow:
            record = await uow.registrations.get_active(tg(self.person.user_id))
            history = await uow.registrations.list_for_owner(tg(self.person.user_id))
        if record is None:
            return "done" if history and all(r.status != "draft" for r in history) else "none"
        return engine.next_step(Draft.from_storage(record.state, record.secrets)).key


def _opening(key: str, **fields: str) -> str:
    """The words a text starts with, up to its first blank to fill or line break."""
    return t(key, **{name: "\0" for name in fields}).split("\0")[0].split("\n")[0]


# What the reply to /start begins with: a greeting, or where the finished entries stand.
START_OPENINGS = (
    _opening("welcome"), _opening("resume"), _opening("resume.award", title=""),
    _opening("returned.intro", reason=""),
)


def greets(message: BotMessage) -> bool:
    """The message opens the bot's reply to /start."""
    if message.is_edit:
        return False
    return message.text.startswith(START_OPENINGS) or t("finished.hint") in message.text


def last_callback_answer(user) -> str | None:
    """The bot's answer to the user's latest press (None: not answered, or no text)."""
    query_id = user._pressed[-1] if user._pressed else None
    return next((a.text for a in user.chat.callback_answers if a.query_id == query_id), None)


def missing_answers(draft: Draft, acked: list[tuple[str, Any]]) -> list[str]:
    """Acknowledged answers that are not in the stored draft (as they were given)."""
    missing = []
    for key, expected in acked:
        if key == engine.SUMMARY:
            continue  # checked as the registration's status
        target = (draft.awards[0] if draft.awards else {}) if key in AWARD_KEYS else draft.person
        if key == "more_awards":
            key = engine.MORE_AWARDS_KEY
        if key not in target and not (key == "certificate_photos" and target.get("_" + key)):
            missing.append(f"{key}: not stored")
        elif expected is not ANY and target.get(key) != expected:
            missing.append(f"{key}: stored {target.get(key)!r}, answered {expected!r}")
    return missing


async def stored_entry(uow, filler: Filler, who: str) -> tuple[list[str], Any, Draft | None]:
    """The honoree's one submitted entry and its draft, with what is wrong with them (no entry,
    two, not submitted, an acknowledged answer missing)."""
    problems = [f"{who}: bot said {e!r}" for e in filler.errors]
    entries = await uow.registrations.list_for_owner(tg(filler.person.user_id))
    if len(entries) != 1:
        return [*problems, f"{who}: {len(entries)} registrations"], None, None
    entry = entries[0]
    if entry.status != "submitted" or not entry.reg_no:
        problems.append(f"{who}: entry is {entry.status}")
    draft = Draft.from_storage(entry.state, entry.secrets)
    problems += [f"{who}: acknowledged {m}" for m in missing_answers(draft, filler.acked)]
    return problems, entry, draft


async def submitted_twice(uow, seed: int) -> list[str]:
    submitted = await uow.audit.list(action="submitted", limit=1000)
    per_entry = [e.registration_id for e in submitted]
    return [f"seed {seed}: entry {r} submitted {per_entry.count(r)} times"
            for r in set(per_entry) if per_entry.count(r) != 1]


def photo_ids(draft: Draft) -> set[int]:
    """Evidence ids the draft refers to (kept photos and photos of an open question)."""
    ids: set[int] = set()
    for answers in (draft.person, *draft.awards):
        for key, value in answers.items():
            if key.endswith("_photos") and isinstance(value, list):
                ids.update(value)
    return ids


class ConfirmationHold:
    """Let the bot receive the first update matching `wanted`, then never confirm it: later
    polls get nothing, as if each confirming getUpdates was lost. Kill the bot, `release()`,
    and the next bot gets the update again (Telegram redelivers unconfirmed updates)."""

    def __init__(self, monkeypatch, wanted) -> None:
        self.wanted = wanted
        self.held: dict | None = None
        original = server.HANDLERS["getupdates"]

        async def get_updates(call):
            if self.held is not None:
                await asyncio.sleep(0.2)
                return []
            result = await original(call)
            self.held = next((u for u in result if self.wanted(u)), None)
            return result

        monkeypatch.setitem(server.HANDLERS, "getupdates", get_updates)
        self._undo = lambda: monkeypatch.setitem(server.HANDLERS, "getupdates", original)

    def release(self) -> None:
        self._undo()


def redeliver(emulator, *updates: dict) -> None:
    """Put already confirmed updates back in the queue (same update_id): a duplicate."""
    emulator.world.updates.pending[:0] = [dict(u) for u in updates]
    emulator.world.updates.pulse.fire()


def find_button(user, label: str) -> tuple[int, str]:
    """(message id, callback data) of the newest bot message with button `label`, so a test
    can press it again later, after the bot took the buttons off."""
    for stored in user.chat.bot_messages():
        for row in (stored.data.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return stored.data["message_id"], button["callback_data"]
    raise LookupError(f"no button {label!r}")
