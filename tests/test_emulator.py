"""The Telegram emulator, driven by the real aiogram client as the bot would use it."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    MenuButtonCommands,
    Message,
    ReplyParameters,
)
from PIL import Image

from bot.session import LeanSession
from tg_emulator import TelegramEmulator

TOKEN = "123456789:TEST-token_for_the_emulator"
USER_ID = 1001


def jpeg(width: int = 1000, height: int = 700, color: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


def confirm_keyboard(data: str = "ok") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="确认", callback_data=data)]]
    )


def echo_router() -> Router:
    """A tiny bot: greets with a button, echoes text and contacts, hashes photos back."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("你好", reply_markup=confirm_keyboard())

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    @router.message(F.contact)
    async def contact(message: Message) -> None:
        await message.answer(f"phone: {message.contact.phone_number}")

    @router.message(F.photo)
    async def photo(message: Message, bot: Bot) -> None:
        downloaded = await bot.download(message.photo[-1].file_id)
        await message.answer(f"sha256:{hashlib.sha256(downloaded.read()).hexdigest()}")
        await message.answer_media_group(
            [
                InputMediaPhoto(media=message.photo[-1].file_id, caption="原图"),
                InputMediaPhoto(media=BufferedInputFile(jpeg(64, 48, "red"), "small.jpg")),
            ]
        )

    @router.callback_query(F.data == "ok")
    async def confirmed(callback: CallbackQuery) -> None:
        await callback.answer("已确认")
        await callback.message.edit_text("已确认")

    return router


@pytest.fixture
async def emu() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emulator:
        yield emulator


@pytest.fixture(params=[AiohttpSession, LeanSession], ids=["aiogram-session", "lean-session"])
async def bot(emu: TelegramEmulator, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    """Every contract holds for aiogram's own session and for the bot's JSON one."""
    session = request.param(api=TelegramAPIServer.from_base(emu.base_url))
    bot = Bot(TOKEN, session=session)
    yield bot
    await bot.session.close()


@contextlib.asynccontextmanager
async def polling(bot: Bot, router: Router, **kwargs: object) -> AsyncIterator[asyncio.Task]:
    """Run a Dispatcher in this loop; leaving stops it, cancelling any handler mid-way."""
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    task = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False, **kwargs)
    )
    try:
        yield task
    finally:
        await dispatcher.stop_polling()
        await task


async def test_text_round_trip(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID, first_name="老张")
    async with polling(bot, echo_router()):
        await user.send_text("/start")
        [greeting] = await user.replies()
        assert greeting.text == "你好"
        assert greeting.buttons == [["确认"]]
        assert user.inline_buttons() == [["确认"]]

        await user.send_text("我叫张三")
        reply = await user.wait_for(lambda m: m.text.startswith("echo"))
        assert reply.text == "echo: 我叫张三"
        assert user.last_message == reply

    me = next(c for c in emu.calls if c.method == "getMe")
    assert me.params == {}
    assert any(
        c.method == "sendMessage" and str(c.params["chat_id"]) == str(USER_ID)
        for c in emu.calls
    )


async def test_inline_button_press_is_answered(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID)
    async with polling(bot, echo_router()):
        await user.send_text("/start")
        await user.replies()
        await user.press("确认")
        assert await user.callback_answer() == "已确认"
        [edit] = await user.replies()
    assert edit.is_edit
    assert edit.text == "已确认"
    assert edit.buttons == []
    assert user.callback_answers == ["已确认"]
    with pytest.raises(LookupError):
        await user.press("确认")


async def test_photo_download_and_media_group(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID)
    original = jpeg()
    async with polling(bot, echo_router()):
        update = await user.send_photo(original)
        digest = await user.wait_for(lambda m: m.text.startswith("sha"))
        first, second = await user.replies()
    sizes = update["message"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [
        (90, 63),
        (320, 224),
        (800, 560),
        (1000, 700),
    ]
    assert digest.text == f"sha256:{hashlib.sha256(original).hexdigest()}"
    assert first.media_group_id == second.media_group_id is not None
    assert first.text == "原图"
    assert emu.file_bytes(first.file_id) == original
    assert (second.photos[-1]["width"], second.photos[-1]["height"]) == (64, 48)


async def test_bad_requests_match_telegram(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(user_id=USER_ID)
    cases = [
        (bot.send_message(chat_id=42, text="hi"), "Bad Request: chat not found"),
        (bot.send_message(chat_id=USER_ID, text=" "), "Bad Request: message text is empty"),
        (bot.send_message(chat_id=USER_ID, text="字" * 4097), "Bad Request: message is too long"),
        (
            bot.send_message(chat_id=USER_ID, text="x", reply_markup=confirm_keyboard("d" * 65)),
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            bot.send_message(chat_id=USER_ID, text="a < b", parse_mode="HTML"),
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
        ),
        (
            bot.edit_message_text(chat_id=USER_ID, message_id=999, text="x"),
            "Bad Request: message to edit not found",
        ),
        (
            bot.answer_callback_query("12345"),
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        ),
    ]
    for request, description in cases:
        with pytest.raises(TelegramBadRequest) as error:
            await request
        assert error.value.message == description

    sent = await bot.send_message(
        chat_id=USER_ID, text="<b>姓名</b>", parse_mode="HTML", reply_markup=confirm_keyboard()
    )
    assert sent.text == "姓名"
    assert sent.entities[0].type == "bold"
    with pytest.raises(TelegramBadRequest, match="message is not modified: specified new"):
        await bot.edit_message_text(
            chat_id=USER_ID,
            message_id=sent.message_id,
            text="<b>姓名</b>",
            parse_mode="HTML",
            reply_markup=confirm_keyboard(),
        )


async def test_edits_replies_commands_and_copies(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID)
    asked = await bot.send_message(USER_ID, "选一个", reply_markup=confirm_keyboard())
    await user.send_text("回复", reply_to=asked.message_id)
    answer = await bot.send_message(
        USER_ID, "收到", reply_parameters=ReplyParameters(message_id=asked.message_id)
    )
    assert answer.reply_to_message.message_id == asked.message_id

    edited = await bot.edit_message_reply_markup(chat_id=USER_ID, message_id=asked.message_id)
    assert edited.reply_markup is None
    assert user.inline_buttons() == []
    copy = await bot.copy_message(USER_ID, USER_ID, answer.message_id)
    assert user.last_message.message_id == copy.message_id
    assert user.last_message.text == "收到"

    assert await bot.delete_message(USER_ID, copy.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER_ID, copy.message_id)
    assert user.last_message.message_id == answer.message_id

    document = await bot.send_document(USER_ID, BufferedInputFile(b"a,b\n", "名单.csv"))
    assert document.document.mime_type == "text/csv"
    with pytest.raises(TelegramBadRequest, match="can't use file of type Document as Photo"):
        await bot.send_photo(USER_ID, document.document.file_id)

    await bot.set_my_commands([BotCommand(command="start", description="开始登记")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start", description="x")])
    assert await bot.send_chat_action(USER_ID, "typing")
    assert await bot.set_chat_menu_button(chat_id=USER_ID, menu_button=MenuButtonCommands())


async def test_descriptions_and_a_user_editing_a_message(emu: TelegramEmulator, bot: Bot) -> None:
    assert await bot.set_my_description("登记助手")
    assert await bot.set_my_short_description("帮您登记")
    assert (await bot.get_my_description()).description == "登记助手"
    assert (await bot.get_my_short_description()).short_description == "帮您登记"
    with pytest.raises(TelegramBadRequest, match="SHORT_DESCRIPTION_INVALID"):
        await bot.set_my_short_description("长" * 121)

    user = emu.user(user_id=USER_ID)
    sent = await user.send_text("1960年")
    update = await user.edit_text(sent["message"]["message_id"], "1961年")
    edited = update["edited_message"]
    assert edited["text"] == "1961年" and "edit_date" in edited
    assert edited["message_id"] == sent["message"]["message_id"]


async def test_faults(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID)
    emu.fail_next("sendMessage", retry_after=7)
    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(chat_id=USER_ID, text="1")
    assert flood.value.retry_after == 7
    await bot.send_message(chat_id=USER_ID, text="2")

    emu.drop_next("sendMessage", after_processing=True)
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(chat_id=USER_ID, text="3")
    assert [m.text for m in await user.replies()] == ["2", "3"]

    emu.block_user(USER_ID)
    with pytest.raises(TelegramForbiddenError, match="Forbidden: bot was blocked by the user"):
        await bot.send_message(chat_id=USER_ID, text="4")
    assert [c.method for c in emu.calls].count("sendMessage") == 4


async def test_unconfirmed_updates_go_to_the_next_poller(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID)
    entered = asyncio.Event()
    stuck = Router()

    @stuck.message()
    async def hang(message: Message) -> None:
        entered.set()
        await asyncio.Event().wait()

    stale = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)
    stale.cancel()  # a poller killed mid long poll: its request lingers on the server
    await user.send_text("/start")
    async with polling(bot, stuck, handle_as_tasks=False):
        await asyncio.wait_for(entered.wait(), 5)
    async with polling(bot, echo_router()):
        [greeting] = await user.replies()
        assert greeting.text == "你好"
        assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_user_side_updates_parse_in_aiogram(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID, phone_number="+8613912345678")
    await user.send_text("/start")
    await user.send_document(b"%PDF-1.4", file_name="证书.pdf", mime_type="application/pdf")
    await user.send_contact()
    await user.send_sticker()
    await user.send_voice()
    await user.send_media_group([jpeg(), jpeg(color="green")])
    sent = await bot.send_message(chat_id=USER_ID, text="x")
    await user.press_callback_data("forged:data", message_id=sent.message_id)

    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates if u.message]
    assert messages[0].entities[0].type == "bot_command"
    assert messages[1].document.file_name == "证书.pdf"
    assert messages[2].contact.user_id == USER_ID
    assert messages[2].contact.phone_number == "+8613912345678"
    assert messages[3].sticker.width == 512
    assert messages[4].voice.duration == 2
    assert messages[5].media_group_id == messages[6].media_group_id is not None
    assert updates[-1].callback_query.data == "forged:data"
    assert updates[-1].callback_query.message.message_id == sent.message_id

    file = await bot.get_file(messages[1].document.file_id)
    assert (await bot.download_file(file.file_path)).read() == b"%PDF-1.4"
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [u.update_id for u in updates]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == []


async def test_file_over_20_mb_is_too_big(emu: TelegramEmulator, bot: Bot) -> None:
    user = emu.user(user_id=USER_ID)
    update = await user.send_document(bytes(20 * 1024 * 1024 + 1), file_name="scan.zip")
    with pytest.raises(TelegramBadRequest) as error:
        await bot.get_file(update["message"]["document"]["file_id"])
    assert error.value.message == "Bad Request: file is too big"


async def test_raw_http_forms_and_reply_keyboards(emu: TelegramEmulator) -> None:
    user = emu.user(user_id=USER_ID, phone_number="+8613900001111")
    keyboard = {"keyboard": [[{"text": "分享手机号", "request_contact": True}]]}
    api = f"{emu.base_url}/bot{TOKEN}"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{api}/sendMessage",
            json={"chat_id": USER_ID, "text": "请分享", "reply_markup": keyboard},
        ) as response:
            body = await response.json()
        assert body["ok"] and "reply_markup" not in body["result"]
        assert user.reply_keyboard() == [["分享手机号"]]
        shared = await user.press("分享手机号")
        assert shared["message"]["contact"] == {
            "phone_number": "+8613900001111",
            "first_name": "测试用户",
            "user_id": USER_ID,
        }

        remove = '{"remove_keyboard": true}'
        form = {"chat_id": str(USER_ID), "text": "好", "reply_markup": remove}
        async with http.post(f"{api}/sendMessage", data=form) as response:
            assert (await response.json())["ok"]
        assert user.reply_keyboard() is None

        async with http.post(f"{api}/sendPigeon") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with http.post(f"{emu.base_url}/botnot-a-token/getMe") as response:
            assert response.status == 401

    with pytest.raises(LookupError):
        await user.press("分享手机号")
