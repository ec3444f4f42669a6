"""Formatting: turns HTML text into plain text + MessageEntity list, failing like Telegram.

Bots that forget to escape `<` in user input break in production with
"can't parse entities"; the emulator reproduces that instead of hiding it.
Markdown parse modes are accepted but the text is kept as sent.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from .errors import bad_request

PARSE_MODES = {"html", "markdown", "markdownv2"}

_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")


def utf16_len(text: str) -> int:
    """Entity offsets and lengths count UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def format_text(text: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict]]:
    """Return (plain text, entities) as Telegram would store them."""
    if parse_mode:
        mode = parse_mode.lower()
        if mode not in PARSE_MODES:
            raise bad_request("unsupported parse_mode")
        if mode == "html":
            return parse_html(text)
    return text, list(entities or [])


def command_entities(text: str) -> list[dict]:
    """A user's `/command` at the start gets a bot_command entity, as clients send it."""
    match = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


@dataclass
class _Open:
    tag: str
    offset: int
    attrs: dict[str, str]
    inner_code_language: str | None = None


def _error(reason: str) -> Exception:
    return bad_request(f"can't parse entities: {reason}")


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode())


def _decode_entity(source: str, index: int) -> tuple[str, int]:
    match = _ENTITY_RE.match(source, index)
    if not match:
        return "&", index + 1
    name = match.group(1)
    if name.startswith("#"):
        code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
        return chr(code), match.end()
    if name in _NAMED_ENTITIES:
        return _NAMED_ENTITIES[name], match.end()
    return "&", index + 1


def _read_attributes(source: str, index: int, begin: int) -> tuple[dict[str, str], int]:
    """Read `name="value"` pairs up to the closing `>`; return them and the index after it."""
    attrs: dict[str, str] = {}
    while True:
        while index < len(source) and source[index].isspace():
            index += 1
        if index >= len(source):
            raise _error(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
        if source[index] == ">":
            return attrs, index + 1
        match = _ATTR_RE.match(source, index)
        if not match or match.end() == index:
            raise _error(
                f"Empty attribute name in the tag at byte offset {_byte_offset(source, begin)}"
            )
        raw = match.group(2) or ""
        if raw[:1] in ("'", '"'):
            raw = raw[1:-1]
        attrs[match.group(1).lower()] = html.unescape(raw)
        index = match.end()


def parse_html(source: str) -> tuple[str, list[dict]]:
    out: list[str] = []
    length = 0
    stack: list[_Open] = []
    entities: list[dict] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char == "&":
            decoded, index = _decode_entity(source, index)
            out.append(decoded)
            length += utf16_len(decoded)
            continue
        if char != "<":
            out.append(char)
            length += utf16_len(char)
            index += 1
            continue
        begin = index
        if source.startswith("</", index):
            end = source.find(">", index)
            if end < 0:
                raise _error(f"Unclosed end tag at byte offset {_byte_offset(source, begin)}")
            if not stack:
                raise _error(f"Unexpected end tag at byte offset {_byte_offset(source, begin)}")
            name = source[index + 2 : end].strip().lower()
            opened = stack.pop()
            if name and name != opened.tag:
                raise _error(
                    f"Unmatched end tag at byte offset {_byte_offset(source, begin)}, "
                    f'expected "</{opened.tag}>", found "</{name}>"'
                )
            _close(opened, length, stack, entities)
            index = end + 1
            continue
        end = index + 1
        while end < len(source) and not source[end].isspace() and source[end] != ">":
            end += 1
        if end >= len(source):
            raise _error(f"Unclosed start tag at byte offset {_byte_offset(source, begin)}")
        name = source[index + 1 : end].lower()
        if name not in _TAG_TYPES:
            raise _error(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, begin)}'
            )
        attrs, index = _read_attributes(source, end, begin)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _error('Tag "span" must have class "tg-spoiler"')
        stack.append(_Open(name, length, attrs))
    if stack:
        raise _error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(opened: _Open, end: int, stack: list[_Open], entities: list[dict]) -> None:
    kind = _TAG_TYPES[opened.tag]
    parent = stack[-1] if stack else None
    language = opened.attrs.get("class", "").removeprefix("language-")
    if kind == "code" and parent is not None and parent.tag == "pre":
        # <pre><code class="language-x"> is one pre entity with a language.
        parent.inner_code_language = language or None
        return
    if end == opened.offset:
        return
    entity: dict[str, Any] = {"type": kind, "offset": opened.offset, "length": end - opened.offset}
    if kind == "text_link":
        href = opened.attrs.get("href")
        if not href:
            return
        entity["url"] = href
    elif kind == "pre" and opened.inner_code_language:
        entity["language"] = opened.inner_code_language
    elif kind == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = opened.attrs.get("emoji-id", "")
    entities.append(entity)
