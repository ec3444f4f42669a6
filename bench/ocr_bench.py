"""OCR benchmark on synthetic phone photos: accuracy, speed and memory per engine.

    .venv/bin/python bench/ocr_bench.py [--quick] [--engines rapidocr,tesseract]

Per engine, photos are read one at a time in one worker process (as `OcrService` runs them):
character accuracy (1 - normalised edit distance), the share of each field exactly right after
normalisation, median and p90 seconds per photo, and the worker's peak RSS from /proc. Then 10
photos go through `OcrService` while a 10 ms asyncio ticker runs; its worst lag shows whether
the event loop was ever blocked. Targets: name/title/date >= 95 %, 文号 and awarding body >= 90 %,
median <= 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.table import Table

from ocr import synth, worker
from ocr.engines import ENGINES
from ocr.extract import extract
from ocr.normalise import compact
from ocr.result import OcrResult
from ocr.service import OcrService

FIELDS = (
    "name",
    "title",
    "awarding_body",
    "date",
    "document_number",
    "document_title",
    "treatment",
)
TARGETS = {
    "name": 0.95,
    "title": 0.95,
    "date": 0.95,
    "document_number": 0.90,
    "awarding_body": 0.90,
}
NOT_LISTED = "欧阳无名"  # a name no generated page contains


def photo_set(quick: bool) -> list[tuple[bytes, dict]]:
    if quick:
        pages = [("certificate", 0), ("award_document", 0)]
        degradations = ("clean", "skew", "exif90", "combined")
    else:
        pages = [("certificate", s) for s in range(6)] + [("award_document", s) for s in range(4)]
        degradations = synth.DEGRADATIONS
    return [synth.sample(kind, seed, d) for kind, seed in pages for d in degradations]


def registrant(truth: dict) -> str:
    return truth["names_listed"][2] if truth["names_listed"] else truth["name"]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def read_all(engine: str, photos: list[tuple[bytes, dict]]) -> tuple[list[OcrResult], float]:
    """Read every photo in one fresh worker process; returns the results and its peak RSS."""
    with ProcessPoolExecutor(
        1, mp_context=get_context("spawn"), initializer=worker.init_worker, initargs=(engine,)
    ) as pool:
        loaded = pool.submit(worker.ready).result()
        if loaded != engine:
            raise SystemExit(f"{engine} is not available here (worker loaded {loaded})")
        pid = pool.submit(os.getpid).result()
        results = [pool.submit(worker.run, data, registrant(t)).result() for data, t in photos]
        return results, peak_rss_mb(pid)


def score(results: list[OcrResult], photos: list[tuple[bytes, dict]]) -> dict:
    chars, exact = [], {f: [] for f in (*FIELDS, "names_listed", "name_found")}
    by_degradation: dict[str, list[float]] = {}
    for result, (_, truth) in zip(results, photos, strict=True):
        chars.append(
            1 - Levenshtein.normalized_distance(compact(truth["text"]), compact(result.text))
        )
        ex = result.extraction
        row = []
        for field in FIELDS:
            if truth[field] is not None:
                guess = getattr(ex, field) if ex else None
                exact[field].append(
                    guess is not None and compact(guess.value) == compact(truth[field])
                )
                row.append(exact[field][-1])
        if truth["names_listed"]:
            exact["names_listed"].append(
                ex is not None and ex.names_listed == truth["names_listed"]
            )
        found = ex is not None and ex.name_found is True
        absent = (
            ex is not None and extract(result.boxes, registrant_name=NOT_LISTED).name_found is False
        )
        exact["name_found"].append(found and absent)
        by_degradation.setdefault(truth["degradation"], []).extend(row)
    seconds = sorted(r.seconds for r in results)
    return {
        "chars": statistics.mean(chars),
        "exact": {f: sum(v) / len(v) for f, v in exact.items() if v},
        "median": statistics.median(seconds),
        "p90": seconds[min(len(seconds) - 1, int(0.9 * len(seconds)))],
        "errors": [r.error for r in results if not r.ok],
        "by_degradation": {d: sum(v) / len(v) for d, v in by_degradation.items()},
    }


async def _worst_tick(done: asyncio.Event) -> float:
    """Run a 10 ms ticker until `done`; its worst lateness in seconds."""
    worst = 0.0
    while not done.is_set():
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        worst = max(worst, time.perf_counter() - before - 0.01)
    return worst


async def loop_lag(engine: str, photos: list[bytes]) -> tuple[float, float, float, int]:
    """Worst ticker lag while `photos` are read through OcrService, the same with nothing to
    do (what this shared machine adds by itself), total seconds and photos read."""
    service = OcrService(engine, workers=1, timeout=60)
    await service.read(photos[0])  # the model is loaded before measuring
    done = asyncio.Event()
    tick = asyncio.create_task(_worst_tick(done))
    started = time.perf_counter()
    results = await asyncio.gather(*(service.read(p) for p in photos))
    elapsed = time.perf_counter() - started
    done.set()
    busy = await tick
    await service.close()
    idle_done = asyncio.Event()
    idle = asyncio.create_task(_worst_tick(idle_done))
    await asyncio.sleep(min(elapsed, 10.0))
    idle_done.set()
    return busy, await idle, elapsed, sum(r.ok for r in results)


def percent(value: float, target: float | None = None) -> str:
    text = f"{100 * value:.0f}%"
    if target is None:
        return text
    return f"[green]{text}[/]" if value >= target else f"[red]{text}[/]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 photos instead of 140")
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args()
    console = Console()
    photos = photo_set(args.quick)
    engines = args.engines.split(",")
    console.print(f"{len(photos)} photos, engines: {', '.join(engines)}")
    scores, memory, lags = {}, {}, {}
    for engine in engines:
        results, memory[engine] = read_all(engine, photos)
        scores[engine] = score(results, photos)
        lag_photos = [data for data, _ in photos[:10]]
        lags[engine] = asyncio.run(loop_lag(engine, lag_photos))

    table = Table(title="OCR benchmark (one worker, one core)")
    table.add_column("metric")
    for engine in engines:
        table.add_column(engine, justify="right")
    table.add_row("characters right", *(percent(scores[e]["chars"]) for e in engines))
    for field in (*FIELDS, "names_listed", "name_found"):
        table.add_row(
            f"{field} exact",
            *(percent(scores[e]["exact"][field], TARGETS.get(field)) for e in engines),
        )
    table.add_row("median s / photo", *(f"{scores[e]['median']:.2f}" for e in engines))
    table.add_row("p90 s / photo", *(f"{scores[e]['p90']:.2f}" for e in engines))
    table.add_row("worker peak RSS", *(f"{memory[e]:.0f} MB" for e in engines))
    table.add_row("errors", *(", ".join(scores[e]["errors"]) or "none" for e in engines))
    table.add_row(
        "event loop max lag, 10 photos via OcrService",
        *(f"{lags[e][0] * 1000:.0f} ms ({lags[e][3]} read in {lags[e][2]:.1f} s)" for e in engines),
    )
    table.add_row(
        "same, idle loop (machine noise)", *(f"{lags[e][1] * 1000:.0f} ms" for e in engines)
    )
    console.print(table)

    detail = Table(title="fields exact, by degradation")
    detail.add_column("degradation")
    for engine in engines:
        detail.add_column(engine, justify="right")
    for degradation in scores[engines[0]]["by_degradation"]:
        detail.add_row(
            degradation, *(percent(scores[e]["by_degradation"][degradation]) for e in engines)
        )
    console.print(detail)


if __name__ == "__main__":
    main()
