"""Evidence photos to a reviewer as albums (sendMediaGroup), straight from the evidence store."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import FSInputFile, InputMediaDocument, InputMediaPhoto

from storage.files import EvidenceStore

ALBUM_MAX = 10  # Telegram's limit per media group


async def send_album(
    bot: Bot, chat_id: int, store: EvidenceStore, files: list[tuple[str, bool]], caption: str
) -> None:
    """Photos first, then anything too big for a photo as files; one caption on the first."""
    photos = [path for path, as_photo in files if as_photo]
    documents = [path for path, as_photo in files if not as_photo]
    for kind, paths in ((InputMediaPhoto, photos), (InputMediaDocument, documents)):
        for start in range(0, len(paths), ALBUM_MAX):
            chunk = [FSInputFile(store.absolute(p)) for p in paths[start : start + ALBUM_MAX]]
            text, caption = caption, None
            if len(chunk) == 1 and kind is InputMediaPhoto:
                await bot.send_photo(chat_id, chunk[0], caption=text)
            elif len(chunk) == 1:
                await bot.send_document(chat_id, chunk[0], caption=text)
            else:
                captions = [text] + [None] * (len(chunk) - 1)
                media = [kind(media=f, caption=c) for f, c in zip(chunk, captions, strict=True)]
                await bot.send_media_group(chat_id, media)
