"""inspect_image turns every bad upload into an ImageRejected code; preprocess keeps text."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from ocr.image import ImageRejected, inspect_image, preprocess
from tests import imagegen


def _rejected(data: bytes, **limits) -> str:
    with pytest.raises(ImageRejected) as caught:
        inspect_image(data, **limits)
    return caught.value.code


def test_good_photo_is_described():
    data, _ = imagegen.certificate_photo()
    info = inspect_image(data)
    assert (info.format, info.mime) == ("JPEG", "image/jpeg")
    assert (info.width, info.height) == (2000, 1414)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (imagegen.pdf_bytes, "not_image"),
        (lambda: b"", "empty"),
        (imagegen.truncated_jpeg, "truncated"),
        (imagegen.png_claiming, "too_many_pixels"),
        (imagegen.animated_gif, "animated"),
        (imagegen.oversized_jpeg, "too_large"),
        (lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "not_image"),
    ],
    ids=[
        "pdf",
        "zero-bytes",
        "truncated-jpeg",
        "png-100000x100000",
        "gif-animation",
        "over-20MB",
        "eps",
    ],
)
def test_bad_input_gets_a_code(make, code):
    assert _rejected(make()) == code


def test_pixel_cap_is_the_callers():
    data, _ = imagegen.certificate_photo()
    assert _rejected(data, max_pixels=1_000_000) == "too_many_pixels"
    assert _rejected(data, max_bytes=1000) == "too_large"


def test_a_still_gif_is_fine():
    out = io.BytesIO()
    Image.new("P", (30, 20)).save(out, "GIF")
    assert inspect_image(out.getvalue()).format == "GIF"


_HEADERS = [
    b"",
    b"\xff\xd8\xff\xe0",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBP",
    b"BM",
    b"II*\x00",
]


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_HEADERS), st.binary(max_size=2048))
def test_arbitrary_bytes_never_raise_anything_else(header, body):
    try:
        inspect_image(header + body)
    except ImageRejected as exc:
        assert exc.code in ImageRejected.CODES


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=20, max_value=4000))
def test_any_cut_of_a_real_photo_is_rejected_cleanly(cut):
    data = imagegen.animated_gif() if cut % 7 == 0 else _small_jpeg()
    try:
        inspect_image(data[: cut % len(data)])
    except ImageRejected as exc:
        assert exc.code in ImageRejected.CODES


def _small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_preprocess_applies_exif_orientation_and_size():
    data, _ = imagegen.certificate_photo(degradation="exif90")
    image = preprocess(data)
    assert image.mode == "L"
    assert image.width > image.height  # the landscape certificate is upright again
    assert max(image.size) == 2000


def test_preprocess_fades_red_ink_and_keeps_black():
    page = Image.new("RGB", (800, 600), (250, 248, 240))
    page.paste((205, 20, 25), (100, 100, 300, 300))  # seal red
    page.paste((20, 20, 20), (500, 100, 520, 300))  # a black stroke
    out = io.BytesIO()
    page.save(out, "PNG")
    gray = preprocess(out.getvalue())
    scale = gray.width / 800
    assert gray.getpixel((int(200 * scale), int(200 * scale))) > 230
    assert gray.getpixel((int(510 * scale), int(200 * scale))) < 60
