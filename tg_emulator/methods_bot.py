"""Bot-level methods: identity, long polling, webhook settings, commands, descriptions and
menu button."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from .errors import POLL_CONFLICT, WEBHOOK_CONFLICT, ApiError, bad_request
from .sending import Call
from .state import DEFAULT_UPDATE_TYPES

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


async def get_me(call: Call) -> dict:
    return {
        **call.bot,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(call: Call) -> list[dict]:
    """Long polling: wait up to `timeout` s; a newer getUpdates ends this one with 409."""
    world, params = call.world, call.params
    if world.webhook:
        raise ApiError(409, WEBHOOK_CONFLICT)
    queue = world.updates
    allowed = params.get_json("allowed_updates")
    if isinstance(allowed, list):
        queue.allowed = frozenset(allowed) or DEFAULT_UPDATE_TYPES
    queue.confirm(params.get_int("offset", 0))
    limit = min(max(params.get_int("limit", 100), 1), 100)
    generation = queue.start_poll()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(params.get_int("timeout", 0), 0)
    while True:
        if generation != queue.poll_generation:
            raise ApiError(409, POLL_CONFLICT)
        ready = queue.ready(limit)
        remaining = deadline - loop.time()
        if ready or world.closing or remaining <= 0:
            return ready
        await queue.pulse.wait(remaining)


async def set_webhook(call: Call) -> bool:
    url = call.params.get_str("url")
    if call.params.get_bool("drop_pending_updates"):
        call.world.updates.pending.clear()
    call.world.webhook = {"url": url, **_webhook_options(call)} if url else None
    return True


def _webhook_options(call: Call) -> dict[str, Any]:
    options: dict[str, Any] = {"max_connections": call.params.get_int("max_connections", 40)}
    allowed = call.params.get_json("allowed_updates")
    if allowed:
        options["allowed_updates"] = allowed
    return options


async def delete_webhook(call: Call) -> bool:
    if call.params.get_bool("drop_pending_updates"):
        call.world.updates.pending.clear()
    call.world.webhook = None
    return True


async def get_webhook_info(call: Call) -> dict:
    info = {
        "url": "",
        "has_custom_certificate": False,
        "pending_update_count": len(call.world.updates.pending),
    }
    return {**info, **(call.world.webhook or {})}


async def log_out(call: Call) -> bool:
    return True


def _commands_key(call: Call) -> tuple[str, str]:
    scope = call.params.get_json("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), call.params.get_str("language_code") or ""


async def set_my_commands(call: Call) -> bool:
    commands = call.params.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not _COMMAND_RE.fullmatch(str(command.get("command", "")).removeprefix("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not command.get("description"):
            raise bad_request("command description is empty")
    call.world.commands[_commands_key(call)] = [
        {"command": c["command"].removeprefix("/"), "description": c["description"]}
        for c in commands
    ]
    return True


async def get_my_commands(call: Call) -> list[dict]:
    return call.world.commands.get(_commands_key(call), [])


async def delete_my_commands(call: Call) -> bool:
    call.world.commands.pop(_commands_key(call), None)
    return True


def _describe(field: str, limit: int):
    """setMyDescription / setMyShortDescription: kept per language, empty text clears it."""

    async def set_text(call: Call) -> bool:
        text = call.params.get_str(field) or ""
        if len(text) > limit:
            raise bad_request(f"{field.upper()}_INVALID")
        language = call.params.get_str("language_code") or ""
        call.world.descriptions[(field, language)] = text
        return True

    async def get_text(call: Call) -> dict:
        language = call.params.get_str("language_code") or ""
        return {field: call.world.descriptions.get((field, language), "")}

    return set_text, get_text


set_my_description, get_my_description = _describe("description", 512)
set_my_short_description, get_my_short_description = _describe("short_description", 120)


async def set_chat_menu_button(call: Call) -> bool:
    button = call.params.get_json("menu_button") or {"type": "default"}
    call.world.menu_buttons[call.params.get_int("chat_id")] = button
    return True


async def get_chat_menu_button(call: Call) -> dict:
    buttons = call.world.menu_buttons
    chat_id = call.params.get_int("chat_id")
    return buttons.get(chat_id) or buttons.get(None) or {"type": "commands"}


METHODS = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "logOut": log_out,
    "close": log_out,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": set_my_description,
    "getMyDescription": get_my_description,
    "setMyShortDescription": set_my_short_description,
    "getMyShortDescription": get_my_short_description,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
}
