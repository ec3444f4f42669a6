"""A local Telegram Bot API emulator for end-to-end tests and the local playground."""

from .bot_message import BotMessage
from .driver import UserDriver
from .errors import ApiError
from .server import ApiCall, TelegramEmulator

__all__ = ["ApiCall", "ApiError", "BotMessage", "TelegramEmulator", "UserDriver"]
