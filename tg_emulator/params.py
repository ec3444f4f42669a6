"""Request parameters read the way the Bot API reads them: query string, JSON, form or multipart.

Form values are always strings (aiogram JSON-encodes objects and numbers), so getters coerce.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .errors import ApiError, bad_request

ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.data)} bytes)"


class Params:
    """Typed access to one call's parameters; missing or unreadable values raise ApiError."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def get_str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, Upload):
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"wrong parameter {name} specified") from None

    def get_bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def get_json(self, name: str, error: str | None = None) -> Any:
        """Objects arrive as JSON text in forms and as objects in JSON bodies."""
        value = self.values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(error or f"can't parse {name} JSON object") from None

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.values.get(name)
        if value in (None, ""):
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def file(self, name: str) -> Upload | str | None:
        """A file given directly as a part, by `attach://part`, or as a file_id string."""
        return self.resolve_file(self.values.get(name))

    def resolve_file(self, value: Any) -> Upload | str | None:
        if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
            part = self.values.get(value.removeprefix(ATTACH_PREFIX))
            if not isinstance(part, Upload):
                raise bad_request("can't parse InputMedia: media not found")
            return part
        return value or None


async def read_params(request: web.Request, max_size: int) -> Params:
    values: dict[str, Any] = dict(request.query)
    if request.method != "POST" or not request.can_read_body:
        return Params(values)
    if request.content_length is not None and request.content_length > max_size:
        raise ApiError(413)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON") from None
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        values.update(body)
        return Params(values)
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413) from None
    for key, value in form.items():
        if isinstance(value, web.FileField):
            values[key] = Upload(value.filename, value.content_type, value.file.read())
        else:
            values[key] = value
    return Params(values)
