"""OcrService with a real worker process: results, no_text, a killed worker, a time-out."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time

import pytest

from ocr.service import OcrService, from_json, to_json
from tests import imagegen


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _kill_worker_when_busy() -> None:
    """SIGKILL the worker once it is clearly working on a photo (an idle worker uses no CPU)."""
    (child,) = multiprocessing.active_children()
    start = _cpu_seconds(child.pid)
    while _cpu_seconds(child.pid) - start < 0.3:
        await asyncio.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)


def _worker_yields_to_the_bot() -> bool:
    """The worker runs as SCHED_IDLE: a waking bot preempts it at once."""
    (child,) = multiprocessing.active_children()
    return os.sched_getscheduler(child.pid) == os.SCHED_IDLE


async def test_service_reads_recovers_and_never_blocks_the_loop():
    service = OcrService("rapidocr", workers=1, timeout=60)  # tesseract if rapidocr is missing
    try:
        certificate, truth = imagegen.certificate_photo(2)

        lag = 0.0
        stop = asyncio.Event()

        async def ticker():
            nonlocal lag
            while not stop.is_set():
                before = time.perf_counter()
                await asyncio.sleep(0.01)
                lag = max(lag, time.perf_counter() - before - 0.01)

        tick = asyncio.create_task(ticker())
        good = await service.read(certificate, registrant_name=truth["name"])
        stop.set()
        await tick
        if good.error == "unavailable":
            pytest.skip("no OCR engine installed")
        assert good.ok and good.error is None
        assert good.extraction.name.value == truth["name"]
        assert good.extraction.name_found is True
        assert lag < 0.25  # the loop kept ticking while the worker read
        assert _worker_yields_to_the_bot()
        assert from_json(to_json(good)) == good

        blank = await service.read(imagegen.blank_photo())
        assert (blank.ok, blank.error) == (False, "no_text")

        document, _ = imagegen.award_document_photo(1, "large")
        reading = asyncio.create_task(service.read(document))
        await _kill_worker_when_busy()
        crashed = await reading
        assert (crashed.ok, crashed.error) == (False, "engine_failed")

        again = await service.read(certificate)
        assert again.ok and again.extraction.title.value == truth["title"]
        assert _worker_yields_to_the_bot()  # the replacement worker too

        (busy,) = multiprocessing.active_children()
        service.timeout = 0.05
        slow = await service.read(document)
        assert (slow.ok, slow.error) == (False, "timeout")
        # The pool's own thread may reap the killed process first: wait for its exit code.
        deadline = time.monotonic() + 10
        while busy.exitcode is None and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert busy.exitcode == -signal.SIGKILL  # the hung worker is killed, not left running
        service.timeout = 60
        assert (await service.read(certificate)).ok
    finally:
        await service.close()


async def test_bad_input_gets_its_code_and_close_is_final():
    service = OcrService("rapidocr", workers=1)
    try:
        assert (await service.read(imagegen.pdf_bytes())).error == "not_image"
        assert (await service.read(imagegen.truncated_jpeg())).error == "truncated"
        assert (await service.read(b"")).error == "empty"
    finally:
        await service.close()
    closed = await service.read(imagegen.certificate_photo()[0])
    assert (closed.ok, closed.error) == (False, "unavailable")


async def test_off_means_unavailable():
    result = await OcrService("off").read(imagegen.certificate_photo()[0])
    assert (result.ok, result.error, result.engine) == (False, "unavailable", "off")


def test_unknown_engine_name_is_refused():
    with pytest.raises(ValueError):
        OcrService("easyocr")


async def test_an_engine_whose_binary_is_missing_answers_unavailable_at_once(
    monkeypatch, tmp_path
):
    """The worker starts with no tesseract on its PATH: every read says so, nothing raises."""
    monkeypatch.setenv("PATH", str(tmp_path))
    service = OcrService("tesseract", workers=1, timeout=60, fallback=False)
    try:
        data, _ = imagegen.certificate_photo(2)
        started = time.monotonic()
        first = await service.read(data)
        second = await service.read(data)
    finally:
        await service.close()
    assert (first.ok, first.error) == (False, "unavailable")
    assert (second.ok, second.error) == (False, "unavailable")
    assert time.monotonic() - started < 30  # the worker's start-up, not a time-out


async def test_waiting_for_a_busy_worker_counts_towards_the_timeout():
    service = OcrService("rapidocr", workers=1, timeout=60)
    try:
        document, _ = imagegen.award_document_photo(1, "large")
        await service.read(imagegen.blank_photo())  # the model is loaded
        service.timeout = 0.5
        first, queued = await asyncio.gather(service.read(document), service.read(document))
    finally:
        await service.close()
    assert (queued.ok, queued.error) == (False, "timeout")
    assert first.error in (None, "timeout")
