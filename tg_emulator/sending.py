"""What every sending method shares: the call context, text rules and storing a bot message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .entities import format_text, utf16_len
from .errors import CAPTION_TOO_LONG, TEXT_EMPTY, TEXT_TOO_LONG, bad_request
from .markup import check_markup, inline_part
from .params import Params
from .state import Chat, StoredMessage, World

MAX_TEXT = 4096
MAX_CAPTION = 1024


@dataclass
class Call:
    """One API request as a handler sees it."""

    world: World
    params: Params
    bot: dict


def text_content(call: Call) -> dict:
    """`text`/`entities` of sendMessage and editMessageText, checked like Telegram does."""
    raw = call.params.get_str("text") or ""
    text, entities = format_text(
        raw, call.params.get_str("parse_mode"), call.params.get_json("entities")
    )
    if not text.strip():
        raise bad_request(TEXT_EMPTY)
    if utf16_len(text) > MAX_TEXT:
        raise bad_request(TEXT_TOO_LONG)
    return _with_entities({"text": text}, "entities", entities)


def caption_content(call: Call, item: dict | None = None) -> dict:
    """Caption of a media message; `item` is an InputMedia of an album, else the call itself."""
    if item is None:
        raw, mode = call.params.get_str("caption"), call.params.get_str("parse_mode")
        given_entities = call.params.get_json("caption_entities")
    else:
        raw, mode, given_entities = (
            item.get("caption"),
            item.get("parse_mode"),
            item.get("caption_entities"),
        )
    if not raw:
        return {}
    caption, entities = format_text(raw, mode, given_entities)
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request(CAPTION_TOO_LONG)
    return _with_entities({"caption": caption}, "caption_entities", entities)


def _with_entities(content: dict, key: str, entities: list[dict]) -> dict:
    if entities:
        content[key] = entities
    return content


def read_markup(call: Call) -> dict | None:
    return check_markup(
        call.params.get_json("reply_markup", "can't parse reply keyboard markup JSON object")
    )


def reply_reference(call: Call, chat: Chat) -> dict:
    """`reply_to_message` for reply_parameters / reply_to_message_id, if the bot gave one."""
    parameters = call.params.get_json("reply_parameters") or {}
    message_id = parameters.get("message_id") or call.params.get_int("reply_to_message_id")
    if not message_id:
        return {}
    target = chat.messages.get(int(message_id))
    if target is None or target.deleted:
        if parameters.get("allow_sending_without_reply") or call.params.get_bool(
            "allow_sending_without_reply"
        ):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": target.data}


def deliver(call: Call, chat: Chat, content: dict[str, Any], markup: dict | None) -> dict:
    """Store a new bot message in `chat`, tell the user's side, return the Message object."""
    inline = inline_part(markup)
    data = chat.new_message(call.bot, {**reply_reference(call, chat), **content})
    if inline:
        data["reply_markup"] = inline
    stored = StoredMessage(data, from_bot=True, markup=markup)
    chat.messages[data["message_id"]] = stored
    chat.record_bot_event(stored, is_edit=False)
    return data
