"""Evidence photos to a reviewer as albums (sendMediaGroup), straight from the evidence store.

Each file is uploaded at most once: the file_id Telegram gives back is stored with the evidence
and later views send that id instead of the bytes. A stored id Telegram refuses (another bot
token, a photo id where a document is sent, …) costs one retry that uploads that album part,
and the new ids replace the refused ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile, InputMediaDocument, InputMediaPhoto, Message
from sqlalchemy.exc import SQLAlchemyError

from storage.files import EvidenceStore
from storage.uow import Database

ALBUM_MAX = 10  # Telegram's limit per media group
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlbumFile:
    evidence_id: int
    path: str  # in the EvidenceStore
    as_photo: bool  # else sent as a file (too big for a photo)
    file_id: str | None = None  # Telegram's id of an earlier upload: re-sent, not uploaded


async def send_album(
    bot: Bot,
    chat_id: int,
    store: EvidenceStore,
    files: list[AlbumFile],
    caption: str,
    *,
    db: Database | None = None,
) -> None:
    """Photos first, then anything too big for a photo as files; one caption on the first.

    With `db`, the file_ids of what had to be uploaded are stored for the next view.
    """
    photos = [f for f in files if f.as_photo]
    documents = [f for f in files if not f.as_photo]
    learned: dict[int, str] = {}
    try:
        for kind, group in ((InputMediaPhoto, photos), (InputMediaDocument, documents)):
            for start in range(0, len(group), ALBUM_MAX):
                chunk = group[start : start + ALBUM_MAX]
                text, caption = caption, None
                try:
                    sent = await _send(bot, chat_id, store, kind, chunk, text, reuse=True)
                    uploaded = [f.file_id is None for f in chunk]
                except TelegramBadRequest as err:
                    if all(f.file_id is None for f in chunk):
                        raise
                    log.info("stored file_id refused (%s): uploading the files", err.message)
                    sent = await _send(bot, chat_id, store, kind, chunk, text, reuse=False)
                    uploaded = [True] * len(chunk)
                for f, message, fresh in zip(chunk, sent, uploaded, strict=False):
                    if fresh and (file_id := _file_id(message)):
                        learned[f.evidence_id] = file_id
    finally:
        if db is not None and learned:
            await _remember(db, learned)


async def _send(
    bot: Bot,
    chat_id: int,
    store: EvidenceStore,
    kind: type[InputMediaPhoto] | type[InputMediaDocument],
    chunk: list[AlbumFile],
    text: str | None,
    *,
    reuse: bool,
) -> list[Message]:
    sources: list[str | FSInputFile] = [
        f.file_id if reuse and f.file_id else FSInputFile(store.absolute(f.path)) for f in chunk
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


async def _remember(db: Database, file_ids: dict[int, str]) -> None:
    """Store the new file_ids; a failure only means the next view uploads again."""
    try:
        async with db.uow() as uow:
            for evidence_id, file_id in file_ids.items():
                await uow.evidence.set_telegram_file_id(evidence_id, file_id)
            await uow.commit()
    except SQLAlchemyError:
        log.warning("could not store %d file_ids", len(file_ids), exc_info=True)
