"""The OCR benchmark's held-out layouts, smaller, in CI: a regression in reading or extraction
shows here before anyone runs the benchmark.

Three photos of each held-out layout (layouts the extraction rules were not tuned on, see
bench/ocr_bench.py), degradations taken in turn so that all of them occur, read by the real
default engine (RapidOCR, with Tesseract's vertical model where columns read poorly). The bar is
the benchmark's targets minus 5 points.
"""

from __future__ import annotations

import pytest

from ocr import synth
from ocr.engines import EngineUnavailable, make_engine
from ocr.pipeline import read_photo

MARGIN = 0.05
PHOTOS_PER_LAYOUT = 3


@pytest.fixture(scope="module")
def readings(pytestconfig) -> tuple[list, list[dict]]:
    try:
        engine = make_engine("rapidocr", fallback=False)
    except EngineUnavailable as exc:
        pytest.skip(f"the ocr extra is not installed: {exc}")
    photos = synth.held_out_subset(PHOTOS_PER_LAYOUT)
    results = [read_photo(engine, data, registrant_name=truth["name"]) for data, truth in photos]
    assert [r.error for r in results if not r.ok] == []
    extractions, truths = [r.extraction for r in results], [truth for _, truth in photos]
    _print_rates(pytestconfig, *synth.exact_rates(extractions, truths), len(photos))
    return extractions, truths


def _print_rates(pytestconfig, rates: dict[str, float], vertical: float, photos: int) -> None:
    """Each rate beside its bar, in the test run's output, so a slow slide shows before a
    failure."""
    bars = {**synth.FIELD_TARGETS, "vertical": synth.VERTICAL_TARGET}
    shown = {**{f: rates[f] for f in synth.FIELD_TARGETS}, "vertical": vertical}
    parts = [f"{k} {100 * v:.1f}% (bar {100 * (bars[k] - MARGIN):.0f}%)" for k, v in shown.items()]
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\nheld-out OCR, {photos} photos: " + ", ".join(parts))


def test_the_set_covers_every_held_out_layout_and_degradation():
    photos = synth.held_out_subset(PHOTOS_PER_LAYOUT)
    assert {t["layout"] for _, t in photos} == set(synth.HELD_OUT_LAYOUTS)
    assert {t["degradation"] for _, t in photos} == set(synth.DEGRADATIONS)
    assert not set(synth.HELD_OUT_LAYOUTS) & set(synth.TUNED_LAYOUTS)


@pytest.mark.parametrize("field", list(synth.FIELD_TARGETS))
def test_each_field_reads_exactly_on_held_out_layouts(readings, field):
    rates, _ = synth.exact_rates(*readings)
    wrong = _misses(readings, lambda key, truth: key == field)
    assert rates[field] >= synth.FIELD_TARGETS[field] - MARGIN, wrong


def test_vertical_certificates_read(readings):
    _, vertical = synth.exact_rates(*readings)
    wrong = _misses(readings, lambda key, truth: truth["layout"] in synth.VERTICAL_LAYOUTS)
    assert vertical >= synth.VERTICAL_TARGET - MARGIN, wrong


def _misses(readings, counts) -> list[tuple]:
    """What was read wrong among the fields `counts(key, truth)` picks, to say so when a rate
    falls."""
    wrong = []
    for extraction, truth in zip(*readings, strict=True):
        for key, right in synth.exact_fields(extraction, truth).items():
            if not right and counts(key, truth):
                guess = getattr(extraction, key) if extraction else None
                wrong.append((truth["layout"], truth["degradation"], key, guess, truth[key]))
    return wrong
