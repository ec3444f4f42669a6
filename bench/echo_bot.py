"""A bare aiogram 3 echo bot: the baseline of bench/load.py.

Every message and every button press gets exactly one sendMessage, carrying one inline button
so the load driver has something to press next. No database, no middleware, no downloads.
Reads HONOREE_BOT_TOKEN and HONOREE_TELEGRAM_API like the real bot.
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

BUTTON = "好"
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text=BUTTON, callback_data="echo")]]
)


def make_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message()
    async def on_message(message: Message, bot: Bot) -> None:
        await bot.send_message(message.chat.id, message.text or "收到", reply_markup=KEYBOARD)

    @dp.callback_query()
    async def on_press(query: CallbackQuery, bot: Bot) -> None:
        await bot.send_message(query.from_user.id, query.data or "收到", reply_markup=KEYBOARD)

    return dp


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["HONOREE_TELEGRAM_API"].rstrip("/"))
    bot = Bot(os.environ["HONOREE_BOT_TOKEN"], session=AiohttpSession(api=api))
    try:
        await make_dispatcher().start_polling(bot, polling_timeout=10, handle_signals=True)
    finally:
        await bot.session.close()


if __name__ == "__main__":
    asyncio.run(main())
