"""Bad files at a photo question: each gets a clear Chinese message and the same question again,
and nothing is stored half-way (no evidence row, no file)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from dialogs.texts import t
from testkit.fakes import tg
from testkit.photos import photo_bytes
from tests.e2e.flows import n1_award_until_photo, open_db, screen
from tests.e2e.honoree import Honoree

pytestmark = pytest.mark.e2e
MB = 1024 * 1024


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose IHDR claims width × height RGB pixels (valid CRCs, almost no data)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (200, 150), colour) for colour in ("red", "blue", "green")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


async def send_file(user, emulator, data: bytes, name: str, mime: str, *,
                    declared_size: bool = True, animation: bool = False) -> None:
    """A document message built by hand: lets a test send what the emulator's upload path
    refuses (an empty file), leave out file_size (it is optional in the Bot API), or send a
    GIF the way Telegram delivers it (an MP4 `animation` that is also a `document`)."""
    stored = emulator.world.files.add(data or b"\0", "document", name.rsplit(".", 1)[-1])
    stored.data = data
    media = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
             "file_name": name, "mime_type": mime}
    if declared_size:
        media["file_size"] = len(data)
    content = {"document": media}
    if animation:
        content["animation"] = {**media, "width": 320, "height": 240, "duration": 3}
    await user._send(content)


async def reach_certificate_question(h: Honoree) -> str:
    await screen(h)
    return await n1_award_until_photo(h)


async def stored_evidence(data_dir, user_id: int) -> tuple[list, list]:
    db = await open_db(data_dir)
    async with db.uow(read_only=True) as uow:
        entry = await uow.registrations.get_active(tg(user_id))
        rows = await uow.evidence.list_for(entry.id)
    await db.dispose()
    files = [p for p in (data_dir / "evidence").rglob("*") if p.is_file()]
    return rows, files


async def test_bad_files_at_a_photo_question(emulator, data_dir, bot):
    h = Honoree(emulator.user(user_id=8401, first_name="郑"), timeout=20)
    question = t("q.certificate_photos")
    assert question in await reach_certificate_question(h)
    jpeg = photo_bytes("truncated certificate")
    big = photo_bytes("huge certificate") + bytes(25 * MB)  # a valid JPEG with 25 MB of padding
    cases = [
        ("a PDF", lambda: h.user.send_document(b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF",
                                               file_name="award.pdf",
                                               mime_type="application/pdf"),
         t("photo.not_image")),
        ("a zero-byte file", lambda: send_file(h.user, emulator, b"", "empty.jpg", "image/jpeg"),
         t("photo.empty")),
        ("a truncated JPEG", lambda: h.user.send_document(jpeg[: len(jpeg) // 2],
                                                          file_name="cert.jpg",
                                                          mime_type="image/jpeg"),
         t("photo.truncated")),
        ("a PNG claiming 100,000 × 100,000 pixels",
         lambda: h.user.send_document(png_bomb(), file_name="cert.png", mime_type="image/png"),
         t("photo.too_many_pixels")),
        ("a 25 MB photo", lambda: h.user.send_photo(big), t("photo.too_large")),
        ("a 25 MB file without a declared size",
         lambda: send_file(h.user, emulator, big, "cert.jpg", "image/jpeg", declared_size=False),
         t("photo.too_large")),
        ("an animated GIF file", lambda: h.user.send_document(animated_gif(), file_name="a.gif",
                                                              mime_type="image/gif"),
         t("photo.animated")),
        ("a GIF as Telegram sends it (MP4 animation)",
         lambda: send_file(h.user, emulator, b"\0\0\0\x18ftypmp42" + bytes(4000), "giphy.mp4",
                           "video/mp4", animation=True),
         t("photo.not_image")),
        ("a sticker", lambda: h.user.send_sticker(), t("err.photo_expected")),
        ("a voice message", lambda: h.user.send_voice(), t("err.photo_expected")),
    ]
    wrong = []
    for what, send, expected in cases:
        await send()
        said = await h.answer()
        if expected not in said or not said.endswith(question):
            wrong.append(f"{what}: expected {expected!r} and the question again, got {said!r}")
        assert t("error.generic") not in said, f"{what}: {said}"
    rows, files = await stored_evidence(data_dir, 8401)
    assert not rows and not files, f"rejected files were stored: {rows} {files}"
    assert not wrong, "\n".join(wrong)

    # the question still works, and only the good photo is kept
    assert "收到 1 张" in await h.photo()
    rows, files = await stored_evidence(data_dir, 8401)
    assert len(rows) == 1 and len(files) == 1


async def test_bad_files_where_a_certificate_photo_may_answer_the_title(emulator, data_dir, bot):
    """At 荣誉称号 a photo is welcome too (it is read by OCR): bad files get the same words."""
    h = Honoree(emulator.user(user_id=8402, first_name="冯"), timeout=20)
    assert t("q.title.typed") in await screen(h)
    await h.user.send_document(b"%PDF-1.4 fake", file_name="award.pdf", mime_type="application/pdf")
    said = await h.answer()
    assert t("photo.not_image") in said and said.endswith(t("q.title.typed")), said
    await h.user.send_document(png_bomb(), file_name="cert.png", mime_type="image/png")
    said = await h.answer()
    assert t("photo.too_many_pixels") in said and said.endswith(t("q.title.typed")), said
    rows, files = await stored_evidence(data_dir, 8402)
    assert not rows and not files
