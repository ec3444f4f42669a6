"""aiogram imported through `bot` builds its Telegram types on first use (bot/lazy_aiogram.py):
the same results as aiogram's own eager import, without validators for types never used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USER = {"id": 7, "is_bot": False, "first_name": "张", "language_code": "zh-hans"}
CHAT = {"id": 7, "type": "private", "first_name": "张"}
MESSAGE = {"message_id": 3, "date": 1_700_000_000, "chat": CHAT, "from": USER}
UPDATES = [
    {"update_id": 1, "message": {**MESSAGE, "text": "/start", "entities": [
        {"type": "bot_command", "offset": 0, "length": 6}]}},
    {"update_id": 2, "message": {**MESSAGE, "photo": [
        {"file_id": "a", "file_unique_id": "b", "width": 90, "height": 60, "file_size": 900}]}},
    {"update_id": 3, "message": {**MESSAGE, "document": {
        "file_id": "c", "file_unique_id": "d", "file_name": "证书.pdf",
        "mime_type": "application/pdf", "file_size": 12}}},
    {"update_id": 4, "message": {**MESSAGE, "contact": {
        "phone_number": "+8613800000000", "first_name": "张", "user_id": 7}}},
    {"update_id": 5, "message": {**MESSAGE, "sticker": {
        "file_id": "e", "file_unique_id": "f", "type": "regular", "width": 512,
        "height": 512, "is_animated": False, "is_video": False}}},
    {"update_id": 6, "message": {**MESSAGE, "voice": {
        "file_id": "g", "file_unique_id": "h", "duration": 2}}},
    {"update_id": 7, "callback_query": {
        "id": "9", "from": USER, "chat_instance": "x", "data": "a|yes",
        "message": {**MESSAGE, "text": "是否同意？", "reply_markup": {"inline_keyboard": [[
            {"text": "同意", "callback_data": "a|yes"}]]}}}},
]

PROBE = textwrap.dedent("""
    import json, sys
    import {first}
    import aiogram
    from aiogram import methods, types
    from pydantic import BaseModel

    updates = [types.Update.model_validate(u).model_dump(mode="json")
               for u in json.loads(sys.argv[1])]
    inline = types.InlineKeyboardMarkup(inline_keyboard=[[
        types.InlineKeyboardButton(text="同意", callback_data="a|yes")]])
    calls = [
        methods.SendMessage(chat_id=7, text="请问您的姓名？", reply_markup=inline),
        methods.SendMessage(chat_id=7, text="好", reply_markup=types.ReplyKeyboardRemove()),
        methods.SendMessage(chat_id=7, text="电话", reply_markup=types.ReplyKeyboardMarkup(
            keyboard=[[types.KeyboardButton(text="发送手机号", request_contact=True)]])),
        methods.EditMessageText(chat_id=7, message_id=3, text="改", reply_markup=inline),
        methods.AnswerCallbackQuery(callback_query_id="9", text="已过期"),
    ]
    dumped = [json.loads(json.dumps(call.model_dump(warnings=False), default=repr))
              for call in calls]  # repr: aiogram's Default("parse_mode") markers
    response = methods.base.Response[list[types.Update]].model_validate(
        {{"ok": True, "result": json.loads(sys.argv[1])}})

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    models = [m for m in subclasses(BaseModel) if m.__module__.startswith("aiogram.")]
    built_before = sorted(m.__name__ for m in models if m.__pydantic_complete__)
    unbuildable = []
    for model in models:  # every one of them can still be built when it is needed
        try:
            model.model_rebuild(raise_errors=True)
        except Exception as err:
            unbuildable.append(f"{{model.__name__}}: {{err}}")
    print(json.dumps({{"updates": updates, "calls": dumped, "built": built_before,
                      "response": len(response.result), "unbuildable": unbuildable}}))
""")


def probe(first: str) -> dict:
    code = PROBE.format(first=first)
    done = subprocess.run([sys.executable, "-c", code, json.dumps(UPDATES)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_lazily_built_types_read_and_write_like_aiograms_own():
    lazy, eager = probe("bot"), probe("aiogram")
    assert lazy["updates"] == eager["updates"]
    assert lazy["updates"][4]["message"]["sticker"]["file_id"] == "e"
    assert lazy["calls"] == eager["calls"]
    assert lazy["calls"][0]["reply_markup"]["inline_keyboard"][0][0]["text"] == "同意"
    assert lazy["response"] == eager["response"] == len(UPDATES)
    assert lazy["unbuildable"] == eager["unbuildable"] == []


def test_types_the_bot_never_meets_are_not_built():
    lazy, eager = probe("bot"), probe("aiogram")
    for never_used in ("Gift", "ChatBoost", "BusinessConnection", "ShippingQuery", "Poll"):
        assert never_used in eager["built"]
        assert never_used not in lazy["built"]
    assert len(lazy["built"]) < len(eager["built"]) / 2


def warnings_of(code: str, extra_path: Path | None = None) -> list[str]:
    """The log lines a fresh interpreter prints while it runs `code`."""
    path = [str(extra_path)] if extra_path else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if line.strip()]


def test_it_says_once_when_it_cannot_apply(tmp_path: Path):
    """Silently doing nothing would cost 100 MB unnoticed: an aiogram that builds its types
    another way, or one imported before `bot`, leaves one warning and a working import."""
    changed = tmp_path / "aiogram"
    changed.mkdir()
    (changed / "__init__.py").write_text(
        "from pydantic import BaseModel\n\nclass Update(BaseModel):\n    update_id: int\n"
    )
    lines = warnings_of("import bot, aiogram; aiogram.Update(update_id=1)", tmp_path)
    assert len(lines) == 1 and "no longer rebuilds" in lines[0] and "100 MB" in lines[0]
    lines = warnings_of("import aiogram, bot, bot.app")
    assert len(lines) == 1 and "imported before bot" in lines[0]
    assert warnings_of("import bot, bot.app") == []  # applied: nothing to say


def test_our_own_methods_build_on_first_use_too():
    """SendReply and its kin subclass aiogram's methods outside aiogram: they must resolve
    aiogram's references (User, markups) although aiogram's types were built lazily."""
    code = textwrap.dedent("""
        from bot.session import EditButtons, EditReply, SendReply
        from aiogram import types
        inline = types.InlineKeyboardMarkup(inline_keyboard=[[
            types.InlineKeyboardButton(text="同意", callback_data="a|yes")]])
        SendReply(chat_id=7, text="请问您的姓名？", reply_markup=inline)
        EditReply(chat_id=7, message_id=3, text="改", reply_markup=inline)
        EditButtons(chat_id=7, message_id=3, reply_markup=inline)
    """)
    assert warnings_of(code) == []
