"""Photos, documents, albums and getFile; uploads are stored so their file_id can be re-sent."""

from __future__ import annotations

from .errors import FILE_TOO_BIG, bad_request
from .files import MAX_DOWNLOAD_SIZE, FileStore
from .params import Upload
from .sending import Call, caption_content, deliver, read_markup

MAX_ALBUM = 10


def _photo(files: FileStore, source: Upload | str | None) -> list[dict]:
    if source is None:
        raise bad_request("there is no photo in the request")
    if isinstance(source, Upload):
        return files.add_photo(source.data)
    return files.get(source, "photo").media


def _document(files: FileStore, source: Upload | str | None) -> dict:
    if source is None:
        raise bad_request("there is no document in the request")
    if isinstance(source, Upload):
        # Telegram derives the type from the name; multipart types are unreliable.
        return files.add_document(source.data, source.filename or "document")
    return files.get(source, "document").media


async def send_photo(call: Call) -> dict:
    content = caption_content(call)
    markup = read_markup(call)
    chat = call.world.chat(call.params.chat_id())
    photo = _photo(call.world.files, call.params.file("photo"))
    return deliver(call, chat, {"photo": photo, **content}, markup)


async def send_document(call: Call) -> dict:
    content = caption_content(call)
    markup = read_markup(call)
    chat = call.world.chat(call.params.chat_id())
    document = _document(call.world.files, call.params.file("document"))
    return deliver(call, chat, {"document": document, **content}, markup)


async def send_media_group(call: Call) -> list[dict]:
    """Every item is stored first, so a refused album sends nothing; one item is no album."""
    media = call.params.get_json("media", "can't parse media JSON object")
    if media is None:
        raise bad_request('parameter "media" is required')
    if not isinstance(media, list) or not all(isinstance(item, dict) for item in media):
        raise bad_request("can't parse media JSON object")
    if not media:
        raise bad_request("there are no messages to send")
    if len(media) > MAX_ALBUM:
        raise bad_request("too many messages to send as an album")
    kinds = {item.get("type") for item in media}
    unsupported = sorted(str(kind) for kind in kinds - {"photo", "document"})
    if unsupported:
        raise bad_request(f'can\'t parse InputMedia: type "{unsupported[0]}" is not supported')
    if "document" in kinds and len(kinds) > 1:
        raise bad_request("document can't be mixed with other media types")
    chat = call.world.chat(call.params.chat_id())
    files = call.world.files
    contents = []
    for item in media:
        source = call.params.resolve_file(item.get("media"))
        body = (
            {"photo": _photo(files, source)}
            if item["type"] == "photo"
            else {"document": _document(files, source)}
        )
        contents.append({**body, **caption_content(call, item)})
    if len(contents) > 1:
        group_id = call.world.new_media_group_id()
        contents = [{"media_group_id": group_id, **content} for content in contents]
    return [deliver(call, chat, content, None) for content in contents]


async def get_file(call: Call) -> dict:
    stored = call.world.files.by_id.get(call.params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD_SIZE:
        raise bad_request(FILE_TOO_BIG)
    return stored.as_file()


METHODS = {
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "sendMediaGroup": send_media_group,
    "getFile": get_file,
}
