"""The Telegram adapter. aiogram is first imported here, with its types built on first use
(`bot.lazy_aiogram`): the bot process needs about 100 MB less memory."""

from bot.lazy_aiogram import import_lazily

import_lazily()
