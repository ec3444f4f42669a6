"""Load benchmark: N honorees at once through the whole form, against the real bot process.

    .venv/bin/python bench/load.py [--honorees 500] [--think 5] [--skip-ocr] [--quick] [--json]
                                   [--postgres] [--workers N]

Everything runs on loopback: the Telegram emulator and the simulated people live in this
process; the bot (`python -m bot run`, SQLite in a fresh temp data dir, or with --postgres a
fresh database on HONOREE_TEST_POSTGRES_URL's server, dropped afterwards) and a bare aiogram echo
bot (bench/echo_bot.py) are separate processes. Each honoree is one asyncio task walking the
real conversation (consent … summary → submit, one certificate photo, OCR off) and waiting for
each answer before the next step. Latency runs from the moment an update is queued for the bot
to the moment the emulator receives the bot's first sendMessage/editMessageText to that chat.

Phases:
  echo       N people × the same 34 steps through the echo bot, no think time (the ceiling)
  saturated  N honorees through the whole form at once, no think time: updates/s, compared
             with the echo bot's
  paced      N honorees with think time between steps, for a fixed window: reply latency
  ocr off    M text-only honorees while 10 others send a photo at the title question
  ocr on     the same with HONOREE_OCR=rapidocr, measured while the 10 photos are read
Peak memory is the bot's VmHWM from /proc. Targets are printed next to results; nothing is
asserted.

--workers N compares, in one run and under the same load, the saturated and paced phases of:
the SQLite single process, the PostgreSQL single process, and PostgreSQL with N webhook workers
(the real `honoree-bot run --webhook --workers N`, a private redis-server for coordination, the
emulator's updates POSTed to the workers' port as Telegram's webhook would), next to the echo bot.
Each gets a fresh data dir and database; the OCR phases are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import round_trips
from load_flow import SCRIPTS, Outcome, Walk, calibrate
from load_harness import (
    BotProcess,
    CpuMeter,
    EchoProcess,
    LoopLag,
    ProbeEmulator,
    WorkersProcess,
    children,
    proc_status_kb,
)
from pauses import CollectorPauses
from rich.console import Console
from rich.table import Table

from ocr import synth
from testkit.botproc import SECRET, admin
from testkit.pg import scratch_database
from testkit.photos import photo_bytes
from testkit.redis import private_redis

TARGET_P99_MS = 100.0
TARGET_P99_POSTGRES_MS = 150.0
TARGET_ROUND_TRIPS = 3  # database round trips per update on PostgreSQL
TARGET_RATIO = 0.30
TARGET_MEMORY_MB = 250.0
TELEGRAM_RATE = 30  # messages/s Telegram lets one bot send: the real bound in production
TARGET_OCR_SLOWDOWN = 2.0
OCR_PHOTOS = 10
OCR_OTHERS_THINK = 1.0  # mean think time of the text-only honorees in the OCR phases
OCR_MIN_SECONDS = 15.0  # the text-only honorees run at least this long
USER_BASE = {"echo": 1_000_000, "saturated": 2_000_000, "paced": 3_000_000,
             "ocr off": 4_000_000, "ocr on": 5_000_000, "calibration": 9_000_000}
PHOTOGRAPHERS = 100_000  # offset of the photo senders' ids inside an OCR phase
ERROR_LINE = re.compile(r'"level":\s*"(error|critical)"')


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    users: int
    think: float
    updates: int = 0
    finished: int = 0
    errors: int = 0
    first_error: str | None = None
    wall: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    bench_cpu: float = 0.0
    bot_cpu: float = 0.0
    loop_lag_p99_ms: float = 0.0
    harness_gc_max_ms: float = 0.0  # the longest collector pause of this process
    api_calls: dict[str, int] = field(default_factory=dict)
    ocr_seconds: list[float] = field(default_factory=list)
    load_average: float = 0.0  # 1-minute load average of the machine at the end

    @property
    def rate(self) -> float:
        return self.updates / self.wall if self.wall else 0.0

    def cpu_ms(self, cores: float) -> float:
        """CPU time per update, in ms, of a process that used `cores` during the phase."""
        return cores * self.wall / max(self.updates, 1) * 1000

    def pct(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def summary(self) -> dict:
        data = asdict(self)
        data.pop("latencies_ms")
        data.update(updates_per_s=round(self.rate, 1), p50_ms=self.pct(50), p95_ms=self.pct(95),
                    p99_ms=self.pct(99), max_ms=round(max(self.latencies_ms, default=0.0), 1),
                    samples=len(self.latencies_ms))
        return data


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = min(len(ordered), max(1, -(-len(ordered) * q // 100)))
    return round(ordered[int(rank) - 1], 1)


# --- running phases ----------------------------------------------------------------------


@dataclass
class Group:
    """Some honorees walking one script; `until` stops them early (None: walk to the end)."""

    walk: Walk
    ids: range
    until: Callable[[], Awaitable[object]] | None = None


async def measure(name: str, emu: ProbeEmulator, pid: int, groups: list[Group],
                  photos: dict) -> tuple[Phase, list[list[Outcome]]]:
    """Run groups at once; the first group's people are the ones measured."""
    first = groups[0]
    phase = Phase(name, len(first.ids), first.walk.think)
    calls_before = Counter(emu.calls.methods)
    meter = CpuMeter(pid)
    with CollectorPauses(hold=True) as pauses, LoopLag() as lag:
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(
            g.walk.run(emu, g.ids, photos[g.walk.script], g.until) for g in groups
        ))
        phase.wall = time.perf_counter() - started
    cpu = meter.read()
    phase.bench_cpu, phase.bot_cpu = round(cpu["bench_cpu"], 2), round(cpu["bot_cpu"], 2)
    phase.loop_lag_p99_ms = percentile([x * 1000 for x in lag.lags], 99)
    phase.harness_gc_max_ms = pauses.longest_ms
    phase.api_calls = dict(Counter(emu.calls.methods) - calls_before)
    phase.load_average = round(os.getloadavg()[0], 2)
    steps = len(first.walk.script)
    for outcome in outcomes[0]:
        phase.updates += len(outcome.samples)
        phase.finished += len(outcome.samples) == steps
        phase.latencies_ms += [s.latency * 1000 for s in outcome.samples]
        if outcome.error:
            phase.errors += 1
            phase.first_error = phase.first_error or outcome.error
    await asyncio.sleep(1.0)  # let the bot finish what cancelled people left in flight
    return phase, outcomes


def photo_sets(emu: ProbeEmulator) -> dict:
    """Photos stored in the emulator once, so its thumbnailing is not timed: a plain JPEG for
    the form, a generated certificate for the OCR phases (PhotoSize lists by script)."""
    plain = emu.world.files.add_photo(photo_bytes())
    certificate = emu.world.files.add_photo(synth.sample("certificate", 3, "clean")[0])
    photos = {script: plain for script in SCRIPTS.values()}
    photos[SCRIPTS["photo_first"]] = photos[SCRIPTS["ocr_first"]] = certificate
    return photos


async def echo_phase(emu, workdir: Path, n: int, photos: dict, log) -> tuple[Phase, int]:
    echo = EchoProcess(emu, workdir)
    await echo.start()
    try:
        script = SCRIPTS["full"]
        warm = Walk(script[:3], [1, 1, 1], echo=True)
        await warm.run(emu, range(USER_BASE["echo"] - 10, USER_BASE["echo"] - 5), photos[script])
        walk = Walk(script, [1] * len(script), echo=True)
        log(f"echo: {n} people × {len(script)} steps, no think time")
        group = Group(walk, range(USER_BASE["echo"], USER_BASE["echo"] + n))
        phase, _ = await measure("echo (baseline)", emu, echo.proc.pid, [group], photos)
        return phase, proc_status_kb(echo.proc.pid, "VmHWM")
    finally:
        echo.stop()
        emu.forget_pending()


async def calibrate_scripts(emu, names: list[str], photos: dict, base: int) -> dict[str, list]:
    """Bot messages per step for each script, each walked by one honoree alone."""
    found = await asyncio.gather(*(
        calibrate(emu, name, base + i, photos[SCRIPTS[name]]) for i, name in enumerate(names)
    ))
    return dict(zip(names, found, strict=True))


@dataclass
class NotifyingWalk(Walk):
    """A walk that sets `done` when all its people have finished."""

    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, *args, **kwargs) -> list[Outcome]:
        try:
            return await super().run(*args, **kwargs)
        finally:
            self.done.set()


def ocr_groups(counts: dict, m: int, base: int, ocr_on: bool) -> list[Group]:
    """M text-only honorees (measured) and 10 photographers stopping at the title question;
    the text-only ones stop once every photo is answered (and after OCR_MIN_SECONDS)."""
    photo_script = SCRIPTS["ocr_first" if ocr_on else "photo_first"]
    photographers = NotifyingWalk(photo_script, counts["photo_first"], 0.2)
    photo_ids = range(base + PHOTOGRAPHERS, base + PHOTOGRAPHERS + OCR_PHOTOS)

    async def photos_done() -> None:
        await asyncio.gather(photographers.done.wait(), asyncio.sleep(OCR_MIN_SECONDS))
        await asyncio.sleep(1.0)

    others = Walk(SCRIPTS["text"], counts["text"], OCR_OTHERS_THINK)
    return [Group(others, range(base, base + m), photos_done), Group(photographers, photo_ids)]


def photo_window(groups: list[list[Outcome]]) -> tuple[float, float] | None:
    """From the first photo sent to the last photo answered (OCR reading, or plain saving)."""
    spans = []
    for outcome in groups[1]:
        if len(outcome.samples) == len(SCRIPTS["photo_first"]):
            photo = outcome.samples[-1]
            spans.append((photo.started, photo.started + (outcome.ocr_seconds or 0.0)))
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def keep_window(phase: Phase, groups: list[list[Outcome]], ocr_on: bool) -> Phase:
    """Keep the text-only honorees' replies to steps started after the first photo (OCR off)
    or while the photos were being read (OCR on)."""
    window = photo_window(groups)
    if window is None:
        return phase
    start, end = window if ocr_on else (window[0], float("inf"))
    phase.latencies_ms = [
        s.latency * 1000 for o in groups[0] for s in o.samples if start <= s.started <= end
    ]
    if ocr_on:
        phase.ocr_seconds = sorted(
            round(o.ocr_seconds, 2) for o in groups[1] if o.ocr_seconds is not None
        )
        phase.name += f" ({end - start:.1f} s window)"
    return phase


def photo_errors(groups: list[list[Outcome]]) -> list[str]:
    return [o.error for o in groups[1] if o.error]


# --- the run -----------------------------------------------------------------------------


@dataclass
class Options:
    honorees: int
    think: float
    paced_seconds: float
    others: int
    ocr: bool
    json: bool
    quick: bool
    postgres: bool = False
    database_url: str | None = None  # set for the run when postgres
    workers: int = 0  # > 0: the comparison run (see the docstring)

    @property
    def bot_env(self) -> dict[str, str]:
        env = {"HONOREE_SECRET_KEY": SECRET}
        if self.database_url:
            env["HONOREE_DATABASE_URL"] = self.database_url
        return env


async def run(opts: Options, log) -> dict:
    if opts.workers:
        return await compare(opts, log)
    if not opts.postgres:
        return await _run(opts, log)
    async with scratch_database("honoree_load") as url:
        opts.database_url = url
        return await _run(opts, log)


async def _run(opts: Options, log) -> dict:
    options = {k: v for k, v in asdict(opts).items() if k != "database_url"}  # no password
    results: dict = {"options": options, "steps_per_honoree": len(SCRIPTS["full"])}
    with tempfile.TemporaryDirectory(prefix="honoree-load-") as tmp:
        workdir = Path(tmp)
        data_dir = workdir / "data"
        (workdir / "echo").mkdir()
        log("honoree-admin init …")
        admin(data_dir, "init", env_extra=opts.bot_env)
        async with ProbeEmulator() as emu:
            photos = photo_sets(emu)
            echo, echo_hwm = await echo_phase(emu, workdir / "echo", opts.honorees, photos, log)
            results["echo_vmhwm_kb"] = echo_hwm
            phases = [echo, *await our_bot_phases(emu, data_dir, opts, photos, results, log)]
        results["phases"] = [p.summary() for p in phases]
        results["_phases"] = phases
    return results


def instrumented(bot: BotProcess, opts: Options, counts: Path) -> BotProcess:
    """With BENCH_PROFILE=FILE the bot runs under cProfile and writes its stats to FILE when
    it stops (inspect with `python -m pstats FILE`); on PostgreSQL it counts its database
    round trips per update into `counts` (bench/round_trips.py)."""
    out = os.environ.get("BENCH_PROFILE")
    if out:
        bot.command = ("-m", "cProfile", "-o", out, *bot.command)
    elif opts.postgres:
        bot.command = round_trips.command(bot.command)
        bot.env_extra["BENCH_ROUND_TRIPS"] = str(counts)
    return bot


async def our_bot_phases(emu, data_dir, opts: Options, photos, results, log) -> list[Phase]:
    trips_file = data_dir / "round_trips.json"
    bot = instrumented(BotProcess(emu, data_dir, HONOREE_OCR="off", **opts.bot_env), opts,
                       trips_file)
    started = time.perf_counter()
    await bot.start()
    results["bot_start_s"] = round(time.perf_counter() - started, 1)
    pid = bot.proc.pid
    results["bot_vmrss_idle_kb"] = proc_status_kb(pid, "VmRSS")
    try:
        log("calibrating the scripts (one honoree each, alone) …")
        counts = await calibrate_scripts(emu, ["full", "text", "photo_first"], photos,
                                         USER_BASE["calibration"])
        results["_counts"] = counts
        full, n = SCRIPTS["full"], opts.honorees
        log(f"saturated: {n} honorees × {len(full)} steps at once, no think time")
        base = USER_BASE["saturated"]
        saturated, _ = await measure(
            "saturated", emu, pid, [Group(Walk(full, counts["full"]), range(base, base + n))],
            photos)
        log(f"paced: {n} honorees, think {opts.think} s, for {opts.paced_seconds:g} s")
        base = USER_BASE["paced"]
        window = Group(Walk(full, counts["full"], opts.think), range(base, base + n),
                       lambda: asyncio.sleep(opts.paced_seconds))
        paced, _ = await measure("paced", emu, pid, [window], photos)
        log(f"ocr off: {opts.others} text-only honorees while {OCR_PHOTOS} photos arrive")
        groups = ocr_groups(counts, opts.others, USER_BASE["ocr off"], ocr_on=False)
        ocr_off, outcomes = await measure("ocr off: text-only honorees", emu, pid, groups, photos)
        keep_window(ocr_off, outcomes, ocr_on=False)
        results["ocr_off_photo_errors"] = photo_errors(outcomes)
        results["bot_vmhwm_kb"] = proc_status_kb(pid, "VmHWM")
        results["bot_vmrss_end_kb"] = proc_status_kb(pid, "VmRSS")
        results["bot_log_errors"] = len(ERROR_LINE.findall(bot.log()))
    finally:
        bot.stop()
        emu.forget_pending()
    results["round_trips"] = round_trips.summary(trips_file, TARGET_ROUND_TRIPS)
    phases = [saturated, paced, ocr_off]
    if opts.ocr:
        phases.append(await ocr_phase(emu, data_dir, opts, photos, results, log))
    return phases


async def ocr_phase(emu, data_dir, opts: Options, photos, results, log) -> Phase:
    bot = BotProcess(emu, data_dir, HONOREE_OCR="rapidocr", **opts.bot_env)
    await bot.start()
    pid = bot.proc.pid
    try:
        log("ocr on: warming up (one photo read alone) and re-calibrating …")
        base = USER_BASE["calibration"] + 100
        warm = Walk(SCRIPTS["ocr_first"], results["_counts"]["photo_first"])
        warm_run, counts = await asyncio.gather(
            warm.run(emu, range(base, base + 1), photos[SCRIPTS["ocr_first"]]),
            calibrate_scripts(emu, ["text", "photo_first"], photos, base + 10),
        )
        results["ocr_single_read_s"] = warm_run[0].ocr_seconds
        results["ocr_warmup_error"] = warm_run[0].error
        log(f"ocr on: {opts.others} text-only honorees while {OCR_PHOTOS} photos are read")
        groups = ocr_groups(counts, opts.others, USER_BASE["ocr on"], ocr_on=True)
        phase, outcomes = await measure("ocr on: text-only honorees", emu, pid, groups, photos)
        results["ocr_on_photo_errors"] = photo_errors(outcomes)
        results["ocr_bot_vmhwm_kb"] = proc_status_kb(pid, "VmHWM")
        results["ocr_workers_vmhwm_kb"] = [proc_status_kb(c, "VmHWM") for c in children(pid)]
        results["ocr_bot_log_errors"] = len(ERROR_LINE.findall(bot.log()))
        return keep_window(phase, outcomes, ocr_on=True)
    finally:
        bot.stop()
        emu.forget_pending()


# --- report ------------------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    if ok is None:
        return ""
    return "[green]PASS[/green]" if ok else "[red]MISS[/red]"


def by_name(results: dict, prefix: str) -> Phase | None:
    return next((p for p in results["_phases"] if p.name.startswith(prefix)), None)


def target_rows(results: dict) -> list[dict]:
    """metric, target, result and ok (None for information only), one dict per row."""
    echo, sat, paced = (by_name(results, x) for x in ("echo", "saturated", "paced"))
    n = results["options"]["honorees"]
    ratio = sat.rate / echo.rate if echo.rate else 0.0
    mb = results["bot_vmhwm_kb"] / 1024
    p99_target = TARGET_P99_POSTGRES_MS if results["options"]["postgres"] else TARGET_P99_MS
    echo_ms, our_ms = echo.cpu_ms(echo.bot_cpu), sat.cpu_ms(sat.bot_cpu)
    rows = [
        (f"honorees through the whole form, {n} at once", f"{n} of {n}",
         f"{sat.finished} of {n}", sat.finished == n),
        (f"p99 reply latency, {n} honorees, think {paced.think:g} s", f"< {p99_target:.0f} ms",
         f"{paced.pct(99):.1f} ms (p50 {paced.pct(50):.1f}, p95 {paced.pct(95):.1f})",
         paced.pct(99) < p99_target),
        (f"p99 reply latency, {n} honorees, no think time", "(info)",
         f"{sat.pct(99):.1f} ms (p50 {sat.pct(50):.1f}, p95 {sat.pct(95):.1f})", None),
        (f"throughput vs echo bot, {n} at once, no think time", f">= {TARGET_RATIO:.0%}",
         f"{ratio:.1%} ({sat.rate:.0f} vs {echo.rate:.0f} updates/s)", ratio >= TARGET_RATIO),
        ("the same from CPU time: echo's ms per update ÷ ours", "(info)",
         f"{echo_ms / our_ms:.1%} ({echo_ms:.2f} vs {our_ms:.2f} ms; "
         "steadier on a shared machine: waiting for a core is not counted)", None),
        (f"one core used at Telegram's ≈{TELEGRAM_RATE} messages/s per bot", "(info)",
         f"{our_ms * TELEGRAM_RATE / 1000:.1%} at {TELEGRAM_RATE} updates/s ({our_ms:.2f} ms CPU "
         f"per update, saturated): one core would serve {1000 / our_ms:.0f} updates/s", None),
        ("bot peak memory (VmHWM), OCR off", f"< {TARGET_MEMORY_MB:.0f} MB", f"{mb:.0f} MB",
         mb < TARGET_MEMORY_MB),
    ]
    trips = results.get("round_trips")
    if trips:
        by_kind = ", ".join(f"{kind} {n}" for kind, n in sorted(trips["most_by_kind"].items()))
        rows.append(("database round trips per update, all but submissions: max",
                     f"<= {TARGET_ROUND_TRIPS}",
                     f"{trips['max']} (median {trips['median']:g}, p99 {trips['p99']}; "
                     f"{trips['within']:.1%} of {trips['updates']} within {TARGET_ROUND_TRIPS})",
                     trips["max"] <= TARGET_ROUND_TRIPS))
        rows.append(("the most round trips of one update, by kind", "(info)", by_kind, None))
    off, on = by_name(results, "ocr off"), by_name(results, "ocr on")
    if on is not None:
        slow = on.pct(95) / off.pct(95) if off.pct(95) else 0.0
        rows.append((
            f"text replies while {OCR_PHOTOS} photos are read, p95 OCR on ÷ off", "<= 2×",
            f"{slow:.2f}× ({on.pct(95):.1f} vs {off.pct(95):.1f} ms; p50 {on.pct(50):.1f} vs "
            f"{off.pct(50):.1f}; p99 {on.pct(99):.1f} vs {off.pct(99):.1f}; "
            f"{len(on.latencies_ms)} vs {len(off.latencies_ms)} replies)",
            0 < slow <= TARGET_OCR_SLOWDOWN))
        workers = sum(results.get("ocr_workers_vmhwm_kb", [])) / 1024
        rows.append(("peak memory with OCR on (bot + OCR worker)", "(info)",
                     f"{results['ocr_bot_vmhwm_kb'] / 1024:.0f} MB + {workers:.0f} MB", None))
    return [dict(zip(("metric", "target", "result", "ok"), row, strict=True)) for row in rows]


def targets_table(results: dict) -> Table:
    database = "PostgreSQL" if results["options"]["postgres"] else "SQLite"
    table = Table(title=f"Targets (this {os.cpu_count()}-core machine, {database})")
    for col in ("metric", "target", "result", ""):
        table.add_column(col)
    for row in target_rows(results):
        table.add_row(row["metric"], row["target"], row["result"], verdict(row["ok"]))
    return table


def phases_table(results: dict) -> Table:
    table = Table(title="Phases (latency ms: update queued → first sendMessage/editMessageText)")
    columns = ("phase", "people", "think s", "done", "errors", "updates", "wall s", "upd/s",
               "samples", "p50", "p95", "p99", "max", "bench CPU", "bot CPU", "loop lag p99",
               "bench GC max")
    for col in columns:
        table.add_column(col, justify="left" if col == "phase" else "right")
    for p in results["_phases"]:
        table.add_row(
            p.name, str(p.users), f"{p.think:g}", str(p.finished), str(p.errors),
            str(p.updates), f"{p.wall:.1f}", f"{p.rate:.0f}", str(len(p.latencies_ms)),
            f"{p.pct(50):.1f}", f"{p.pct(95):.1f}", f"{p.pct(99):.1f}",
            f"{max(p.latencies_ms, default=0):.0f}", f"{p.bench_cpu:.0%}", f"{p.bot_cpu:.0%}",
            f"{p.loop_lag_p99_ms:.1f}", f"{p.harness_gc_max_ms:.1f}",
        )
    return table


def harness_note(results: dict) -> str:
    """Was the emulator (this process) or the echo bot the limit of the echo baseline?"""
    echo = by_name(results, "echo")
    per_update_ms = echo.cpu_ms(echo.bench_cpu)
    limit = "the emulator/drivers (this process)" if echo.bench_cpu > 0.8 else (
        "the echo bot's own CPU" if echo.bot_cpu > 0.8 else "neither process's CPU")
    return (f"harness: the emulator + simulated people used {echo.bench_cpu:.0%} of a core at "
            f"{echo.rate:.0f} echo updates/s ({per_update_ms:.2f} ms CPU per update incl. its "
            f"reply), the echo bot {echo.bot_cpu:.0%}: the baseline was limited by {limit}")


def notes(results: dict) -> list[str]:
    paced = by_name(results, "paced")
    lines = [harness_note(results),
             f"paced: think time uniform {paced.think * 0.5:g}–{paced.think * 1.5:g} s before "
             f"each step, i.e. about {paced.users / paced.think:.0f} updates/s offered if replies "
             f"were instant; latency counted over the {paced.wall:.0f} s window"]
    for p in results["_phases"]:
        if p.first_error:
            lines.append(f"{p.name}: {p.errors} failed, first: {p.first_error}")
        if p.updates:
            calls = {k: v for k, v in p.api_calls.items() if k != "getUpdates"}
            polls = p.api_calls.get("getUpdates", 0)
            lines.append(f"{p.name}: {sum(calls.values()) / p.updates:.2f} API calls per update "
                         f"{calls}; {polls} getUpdates ({p.updates / max(polls, 1):.1f} updates "
                         f"per poll); load average {p.load_average}")
        if p.ocr_seconds:
            lines.append(f"{p.name}: the 10 OCR answers came after {p.ocr_seconds} s")
    for key in ("ocr_off_photo_errors", "ocr_on_photo_errors", "ocr_warmup_error"):
        if results.get(key):
            lines.append(f"{key}: {results[key]}")
    if "ocr_single_read_s" in results:
        lines.append(f"one photo read alone (warm-up): {results['ocr_single_read_s']:.2f} s")
    lines.append(
        f"bot: started in {results['bot_start_s']} s, RSS {results['bot_vmrss_idle_kb'] // 1024}"
        f" MB idle → {results['bot_vmrss_end_kb'] // 1024} MB at the end; error log lines "
        f"{results['bot_log_errors']} (OCR bot: {results.get('ocr_bot_log_errors', '-')}); "
        f"echo bot VmHWM {results['echo_vmhwm_kb'] // 1024} MB")
    lines.append(f"machine: {os.cpu_count()} cores; the load average counts everything "
                 "running on it, other people's work included")
    lines.append("bench CPU = this process (emulator + simulated people) in cores; bot CPU "
                 "includes OCR workers; loop lag = how late a 10 ms timer in this process "
                 "fired; bench GC max = the longest garbage-collector pause of this process "
                 "(it is frozen and held during each phase: 0 unless something collects by hand)")
    return lines


# --- the comparison run (--workers) -------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """One way of running the bot: its label, its database URL (None: SQLite), its workers
    (0: one polling process)."""

    label: str
    database_url: str | None = None
    workers: int = 0


async def compare(opts: Options, log) -> dict:
    options = {k: v for k, v in asdict(opts).items() if k != "database_url"}
    results: dict = {"options": options, "steps_per_honoree": len(SCRIPTS["full"]),
                     "configs": {}}
    async with scratch_database("honoree_load") as single, \
            scratch_database("honoree_load_workers") as shared:
        configs = [Config("SQLite"), Config("PostgreSQL", single),
                   Config(f"PostgreSQL + {opts.workers} workers", shared, opts.workers)]
        with tempfile.TemporaryDirectory(prefix="honoree-load-") as tmp:
            workdir = Path(tmp)
            (workdir / "echo").mkdir()
            with private_redis(workdir) as redis_url:
                async with ProbeEmulator() as emu:
                    photos = photo_sets(emu)
                    echo, results["echo_vmhwm_kb"] = await echo_phase(
                        emu, workdir / "echo", opts.honorees, photos, log)
                    phases = [echo]
                    for i, config in enumerate(configs):
                        data_dir = workdir / f"data-{i}"
                        phases += await config_phases(emu, data_dir, config, redis_url, opts,
                                                      photos, results, log)
    results["phases"] = [p.summary() for p in phases]
    results["_phases"] = phases
    return results


async def config_phases(emu, data_dir: Path, config: Config, redis_url: str, opts: Options,
                        photos, results, log) -> list[Phase]:
    """The saturated and paced phases of one config, named "phase · label"."""
    env = {"HONOREE_SECRET_KEY": SECRET, "HONOREE_OCR": "off"}
    if config.database_url:
        env["HONOREE_DATABASE_URL"] = config.database_url
    log(f"{config.label}: honoree-admin init …")
    admin(data_dir, "init", env_extra=env)
    if config.workers:
        bot = WorkersProcess(emu, data_dir, config.workers, redis_url, **env)
    else:
        bot = BotProcess(emu, data_dir, **env)
    await bot.start()
    try:
        counts = await calibrate(emu, "full", USER_BASE["calibration"], photos[SCRIPTS["full"]])
        full, n = SCRIPTS["full"], opts.honorees
        log(f"{config.label}: saturated, {n} honorees × {len(full)} steps at once")
        base = USER_BASE["saturated"]
        saturated, _ = await measure(
            f"saturated · {config.label}", emu, bot.proc.pid,
            [Group(Walk(full, counts), range(base, base + n))], photos)
        log(f"{config.label}: paced, think {opts.think} s, for {opts.paced_seconds:g} s")
        base = USER_BASE["paced"]
        window = Group(Walk(full, counts, opts.think), range(base, base + n),
                       lambda: asyncio.sleep(opts.paced_seconds))
        paced, _ = await measure(f"paced · {config.label}", emu, bot.proc.pid, [window], photos)
        pids = [bot.proc.pid, *children(bot.proc.pid)]
        results["configs"][config.label] = {
            "vmhwm_kb": sum(proc_status_kb(p, "VmHWM") for p in pids),
            "log_errors": len(ERROR_LINE.findall(bot.log())),
            "answered_twice": bot.delivery.answered_twice() if config.workers else 0,
        }
    finally:
        bot.stop()
        emu.forget_pending()
    return [saturated, paced]


def comparison_table(results: dict) -> Table:
    """Per config: throughput vs echo, p99 paced, CPU per update, with the PostgreSQL targets."""
    echo = by_name(results, "echo")
    n = results["options"]["honorees"]
    table = Table(title=f"Comparison ({n} honorees; targets for PostgreSQL: throughput >= "
                        f"{TARGET_RATIO:.0%} of echo, p99 paced < {TARGET_P99_POSTGRES_MS:.0f} ms)")
    for col in ("config", "done", "upd/s", "vs echo", "p99 paced (p50, p95)",
                "CPU ms/update", "peak MB", "error lines", ""):
        table.add_column(col, justify="left" if col == "config" else "right")
    table.add_row("echo bot", f"{echo.finished}", f"{echo.rate:.0f}", "100%", "-",
                  f"{echo.cpu_ms(echo.bot_cpu):.2f}", f"{results['echo_vmhwm_kb'] / 1024:.0f}",
                  "-", "")
    for label, extra in results["configs"].items():
        sat, paced = by_name(results, f"saturated · {label}"), by_name(results, f"paced · {label}")
        ratio = sat.rate / echo.rate if echo.rate else 0.0
        ok = None
        if label.startswith("PostgreSQL"):
            ok = ratio >= TARGET_RATIO and paced.pct(99) < TARGET_P99_POSTGRES_MS
        table.add_row(
            label, f"{sat.finished} of {n}", f"{sat.rate:.0f}", f"{ratio:.1%}",
            f"{paced.pct(99):.1f} ({paced.pct(50):.1f}, {paced.pct(95):.1f})",
            f"{sat.cpu_ms(sat.bot_cpu):.2f}", f"{extra['vmhwm_kb'] / 1024:.0f}",
            str(extra["log_errors"]), verdict(ok))
    return table


def comparison_notes(results: dict) -> list[str]:
    lines = [harness_note(results)]
    for p in results["_phases"]:
        if p.first_error:
            lines.append(f"{p.name}: {p.errors} failed, first: {p.first_error}")
        lines.append(f"{p.name}: load average {p.load_average}, bench CPU {p.bench_cpu:.0%}, "
                     f"bot CPU {p.bot_cpu:.0%} (all workers), loop lag p99 "
                     f"{p.loop_lag_p99_ms:.1f} ms, bench GC max {p.harness_gc_max_ms:.1f} ms")
    for label, extra in results["configs"].items():
        if extra["answered_twice"]:
            lines.append(f"{label}: {extra['answered_twice']} updates delivered twice")
    lines.append("CPU ms/update = the bot's CPU (with every worker process) in the saturated "
                 "phase ÷ its updates; the webhook delivery runs in this process (bench CPU)")
    return lines


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--honorees", type=int, default=500)
    parser.add_argument("--think", type=float, default=5.0,
                        help="mean think time before each step in the paced phase, s "
                             "(uniform 0.5–1.5 × this)")
    parser.add_argument("--paced-seconds", type=float, default=60.0,
                        help="length of the paced window")
    parser.add_argument("--others", type=int, default=50,
                        help="text-only honorees measured in the OCR phases")
    parser.add_argument("--ocr", dest="ocr", action="store_true", default=True,
                        help="run the OCR phase (default)")
    parser.add_argument("--skip-ocr", dest="ocr", action="store_false")
    parser.add_argument("--quick", action="store_true",
                        help="a fast check: 50 honorees, 20 others, 20 s paced window")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--postgres", action="store_true",
                        help="run the bot on a scratch PostgreSQL database (see the docstring)")
    parser.add_argument("--workers", type=int, default=0,
                        help="compare SQLite, PostgreSQL and PostgreSQL with N webhook workers "
                             "(implies --postgres and --skip-ocr; see the docstring)")
    args = parser.parse_args(argv)
    if args.workers:
        args.postgres, args.ocr = True, False
    if args.quick:
        args.honorees, args.others = min(args.honorees, 50), min(args.others, 20)
        args.paced_seconds = min(args.paced_seconds, 20.0)
    return Options(args.honorees, args.think, args.paced_seconds, args.others, args.ocr,
                   args.json, args.quick, args.postgres, workers=args.workers)


def main(argv: list[str] | None = None) -> None:
    opts = parse_args(argv)
    console = Console(stderr=opts.json, width=max(Console().width, 160))
    started = time.perf_counter()
    results = asyncio.run(run(opts, lambda msg: console.log(msg)))
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    if opts.json:
        results["notes"] = (comparison_notes if opts.workers else notes)(results)
        if not opts.workers:
            results["targets"] = target_rows(results)
        print(json.dumps({k: v for k, v in results.items() if not k.startswith("_")},
                         ensure_ascii=False, indent=2))
        return
    console.print(phases_table(results))
    console.print(comparison_table(results) if opts.workers else targets_table(results))
    for line in (comparison_notes if opts.workers else notes)(results):
        console.print(f"• {line}", highlight=False)
    console.print(f"total {results['total_seconds']} s")


if __name__ == "__main__":
    sys.exit(main())
