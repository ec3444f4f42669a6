"""Evidence photos to a reviewer as albums (sendMediaGroup), straight from the evidence store.

Each file is uploaded at most once: the file_id Telegram gives back is stored with the evidence
and later views send that id instead of the bytes. A stored id Telegram refuses (another bot
token, a photo id where a document is sent, …) costs one retry that uploads that album part,
and the new ids replace the refused ones.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, InputMediaDocument, InputMediaPhoto, Message

from services.results import Album, Attachment
from storage.files import EvidenceStore

ALBUM_MAX = 10  # Telegram's limit per media group
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # Telegram's limit for a photo; bigger ones go as files
log = logging.getLogger(__name__)


def as_photo(f: Attachment) -> bool:
    """Telegram takes photos up to 10 MB with width + height <= 10000; bigger go as files."""
    return f.size <= PHOTO_MAX_BYTES and (f.width or 0) + (f.height or 0) <= 10_000


async def send_album(
    bot: Bot,
    chat_id: int,
    store: EvidenceStore,
    album: Album,
    *,
    remember: Callable[[dict[int, str]], Awaitable[None]] | None = None,
) -> None:
    """Photos first, then anything too big for a photo as files; one caption on the first.

    `remember` keeps the file_ids of what had to be uploaded, for the next view.
    """
    caption: str | None = album.caption
    photos = [f for f in album.files if as_photo(f)]
    documents = [f for f in album.files if not as_photo(f)]
    learned: dict[int, str] = {}
    try:
        for kind, group in ((InputMediaPhoto, photos), (InputMediaDocument, documents)):
            for start in range(0, len(group), ALBUM_MAX):
                chunk = group[start : start + ALBUM_MAX]
                text, caption = caption, None
                try:
                    sent = await _send(bot, chat_id, store, kind, chunk, text, reuse=True)
                    uploaded = [f.channel_ref is None for f in chunk]
                except TelegramBadRequest as err:
                    if all(f.channel_ref is None for f in chunk):
                        raise
                    log.info("stored file_id refused (%s): uploading the files", err.message)
                    sent = await _send(bot, chat_id, store, kind, chunk, text, reuse=False)
                    uploaded = [True] * len(chunk)
                for f, message, fresh in zip(chunk, sent, uploaded, strict=False):
                    if fresh and (file_id := _file_id(message)):
                        learned[f.evidence_id] = file_id
    finally:
        if remember is not None and learned:
            await remember(learned)


async def _send(
    bot: Bot,
    chat_id: int,
    store: EvidenceStore,
    kind: type[InputMediaPhoto] | type[InputMediaDocument],
    chunk: list[Attachment],
    text: str | None,
    *,
    reuse: bool,
) -> list[Message]:
    sources: list[str | FSInputFile] = [
        f.channel_ref if reuse and f.channel_ref else FSInputFile(store.absolute(f.path))
        for f in chunk
    ]
    if len(chunk) == 1 and kind is InputMediaPhoto:
        return [await bot.send_photo(chat_id, sources[0], caption=text)]
    if len(chunk) == 1:
        return [await bot.send_document(chat_id, sources[0], caption=text)]
    captions = [text] + [None] * (len(chunk) - 1)
    media = [kind(media=s, caption=c) for s, c in zip(sources, captions, strict=True)]
    return await bot.send_media_group(chat_id, media)


def _file_id(message: Message) -> str | None:
    if message.photo:
        return message.photo[-1].file_id  # the largest size: what was uploaded
    return message.document.file_id if message.document else None
