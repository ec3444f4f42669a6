"""Text messages, edits, deletion, callback answers, chat actions and copies."""

from __future__ import annotations

import time

from .errors import DELETE_NOT_FOUND, EDIT_NOT_FOUND, NOT_MODIFIED, QUERY_INVALID, bad_request
from .markup import inline_part
from .sending import Call, caption_content, deliver, read_markup, text_content
from .state import CallbackAnswer, Chat, StoredMessage

CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
_COPYABLE = (
    "text",
    "entities",
    "photo",
    "document",
    "sticker",
    "voice",
    "contact",
    "caption",
    "caption_entities",
)


async def send_message(call: Call) -> dict:
    content = text_content(call)
    markup = read_markup(call)
    chat = call.world.chat(call.params.chat_id())
    return deliver(call, chat, content, markup)


def _message_to_edit(call: Call) -> tuple[Chat, StoredMessage]:
    if call.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = call.world.chat(call.params.chat_id())
    message_id = call.params.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    stored = chat.messages.get(message_id)
    if stored is None or stored.deleted:
        raise bad_request(EDIT_NOT_FOUND)
    if not stored.from_bot:
        raise bad_request("message can't be edited")
    return chat, stored


def _edit(
    chat: Chat, stored: StoredMessage, content: dict, replaced: tuple[str, ...], markup: dict | None
) -> dict:
    """Replace `replaced` keys by `content` and the keyboard by `markup` (absent = removed)."""
    if markup is not None and inline_part(markup) is None:
        raise bad_request("inline keyboard expected")
    old = stored.data
    new = {k: v for k, v in old.items() if k not in (*replaced, "reply_markup", "edit_date")}
    new.update(content)
    if markup:
        new["reply_markup"] = markup
    if new == {k: v for k, v in old.items() if k != "edit_date"}:
        raise bad_request(NOT_MODIFIED)
    new["edit_date"] = int(time.time())
    stored.data, stored.markup = new, markup
    chat.record_bot_event(stored, is_edit=True)
    return new


async def edit_message_text(call: Call) -> dict:
    content = text_content(call)
    markup = read_markup(call)
    chat, stored = _message_to_edit(call)
    if "text" not in stored.data:
        raise bad_request("there is no text in the message to edit")
    return _edit(chat, stored, content, ("text", "entities"), markup)


async def edit_message_caption(call: Call) -> dict:
    content = caption_content(call)
    markup = read_markup(call)
    chat, stored = _message_to_edit(call)
    if "text" in stored.data:
        raise bad_request("there is no caption in the message to edit")
    return _edit(chat, stored, content, ("caption", "caption_entities"), markup)


async def edit_message_reply_markup(call: Call) -> dict:
    markup = read_markup(call)
    chat, stored = _message_to_edit(call)
    return _edit(chat, stored, {}, (), markup)


async def delete_message(call: Call) -> bool:
    chat = call.world.chat(call.params.chat_id())
    stored = chat.messages.get(call.params.get_int("message_id") or 0)
    if stored is None or stored.deleted:
        raise bad_request(DELETE_NOT_FOUND)
    stored.deleted = True
    chat.touch()
    return True


async def answer_callback_query(call: Call) -> bool:
    query_id = call.params.get_str("callback_query_id") or ""
    pending = call.world.callbacks.get(query_id)
    if pending is None or pending.answered:
        raise bad_request(QUERY_INVALID)
    text = call.params.get_str("text")
    if text and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    chat = call.world.chats[pending.chat_id]
    answer = CallbackAnswer(query_id, text, call.params.get_bool("show_alert"))
    chat.callback_answers.append(answer)
    chat.pulse.fire()
    return True


async def send_chat_action(call: Call) -> bool:
    chat_id = call.params.chat_id()
    if call.params.get_str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    call.world.chat(chat_id)
    return True


async def copy_message(call: Call) -> dict:
    source_chat = call.world.chat(call.params.chat_id("from_chat_id"))
    source = source_chat.messages.get(call.params.get_int("message_id") or 0)
    if source is None or source.deleted:
        raise bad_request("message to copy not found")
    content = {k: v for k, v in source.data.items() if k in _COPYABLE}
    if call.params.has("caption") and "text" not in content:
        content = {k: v for k, v in content.items() if k not in ("caption", "caption_entities")}
        content.update(caption_content(call))
    markup = read_markup(call)
    chat = call.world.chat(call.params.chat_id())
    return {"message_id": deliver(call, chat, content, markup)["message_id"]}


METHODS = {
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
    "sendChatAction": send_chat_action,
    "copyMessage": copy_message,
}
