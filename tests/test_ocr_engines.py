"""Each installed engine reads a generated certificate end to end; engine choice and fallback.

Accuracy over many pages and degradations is the benchmark's job (bench/ocr_bench.py); these
tests check that every engine is wired up and that orientation is detected, on a page both
engines read correctly.
"""

from __future__ import annotations

import pytest

from ocr import engines
from ocr.engines import ENGINES, EngineUnavailable, TextBox, make_engine
from ocr.pipeline import read_photo
from tests import imagegen

SEED = 2  # 刘明, 吉林省劳动模范, 一九九五年十二月


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    try:
        return engines._MAKERS[request.param]()
    except EngineUnavailable as exc:
        pytest.skip(f"{request.param} not installed: {exc}")


@pytest.mark.parametrize("degradation", ["clean", "rot90"])
def test_engine_reads_name_title_and_date(engine, degradation):
    data, truth = imagegen.certificate_photo(SEED, degradation)
    result = read_photo(engine, data, registrant_name=truth["name"])
    assert result.ok, result.error
    ex = result.extraction
    assert ex.name.value == truth["name"]
    assert ex.title.value == truth["title"]
    assert ex.date.value == truth["date"]
    assert ex.name_found is True
    assert result.engine == engine.name


def test_engine_finds_no_text_on_an_empty_table(engine):
    result = read_photo(engine, imagegen.blank_photo())
    assert (result.ok, result.error) == (False, "no_text")


def test_bad_bytes_never_reach_the_engine(engine):
    assert read_photo(engine, imagegen.pdf_bytes()).error == "not_image"


class _Fake:
    def __init__(self, name):
        self.name = name

    def read(self, image) -> list[TextBox]:
        return []


def _missing():
    raise EngineUnavailable("not here")


def test_make_engine_falls_back_to_the_other(monkeypatch):
    monkeypatch.setattr(
        engines, "_MAKERS", {"rapidocr": _missing, "tesseract": lambda: _Fake("tesseract")}
    )
    assert make_engine("rapidocr").name == "tesseract"
    monkeypatch.setattr(
        engines, "_MAKERS", {"rapidocr": lambda: _Fake("rapidocr"), "tesseract": _missing}
    )
    assert make_engine("tesseract").name == "rapidocr"


def test_make_engine_without_any_engine(monkeypatch):
    monkeypatch.setattr(engines, "_MAKERS", {"rapidocr": _missing, "tesseract": _missing})
    with pytest.raises(EngineUnavailable):
        make_engine("rapidocr")
    with pytest.raises(ValueError):
        make_engine("easyocr")
