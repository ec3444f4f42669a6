"""Many honorees at the web page at once, on SQLite: each answers a question every ~2 s.

    python -m bench.web_bench [--people 300] [--answers 20] [--arrivals-over 20]

The page runs in its own process (as in production: services, SQLite file with WAL, background
checkpoints); this process plays the phones over loopback. The phones come to the page over the
first `--arrivals-over` seconds (people scan a poster one by one; 300 in 20 s is already far
more than a county sees), and then all of them are on the page answering at once. Prints p50/p99
per answer (the POST that saves it, answered by a redirect) — over the whole run and while every
phone is on the page — the first visit (a new session and /start, which creates the draft) apart,
per page view, and the server's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import html
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pauses import CollectorPauses  # noqa: E402
from testkit.fakes import fake_id_number  # noqa: E402

FAKE_ID = fake_id_number(date(1956, 3, 12), "男", region="222401", seq=12)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
BUTTON = re.compile(r'<button name="data" value="([^"]*)">([^<]*)</button>')
# The questions of a registration in order: ("press", label) or ("say", text).
SCRIPT = [
    ("start", ""), ("press", "同意"), ("press", "本人填写"), ("press", "农民"),
    ("press", "全国劳动模范"), ("press", "中共中央 国务院"), ("say", "2015年4月"),
    ("press", "全国劳模待遇"), ("press", "是，荣誉保持着"),
    ("say", "中发[2015]10号"), ("press", "暂时没有，以后再补"),
    ("press", "暂时没有，以后再补"), ("press", "没有了"), ("say", "金明浩"),
    ("say", FAKE_ID), ("press", "朝鲜族"), ("press", "群众"),
    ("press", "初中"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def serve(data_dir: Path, port: int) -> None:
    """The server side: a fresh database, the web channel with limits fit for one address."""
    from aiohttp import web

    from bot.app import GC_THRESHOLDS
    from services.registration import Registration
    from services.review.desk import ReviewDesk
    from storage.crypto import generate_secret
    from storage.divisions import load_divisions
    from storage.files import EvidenceStore
    from storage.settings import Settings
    from storage.uow import Database
    from web.app import make_app
    from web.config import WebSettings

    settings = Settings(_env_file=None, data_dir=data_dir, secret_key=generate_secret())
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database.from_settings(settings, background_checkpoints=True)
    await db.migrate()
    await load_divisions(db)
    registration = await Registration.create(db, EvidenceStore(settings.evidence_dir), None)
    many = 10**9  # every phone comes from 127.0.0.1 here
    web_settings = WebSettings(_env_file=None, answers_per_ip=many, sessions_per_ip=many,
                               uploads_per_ip=many)
    app = make_app(registration, ReviewDesk(registration), web_settings)
    handled: dict[str, list[float]] = {"POST": [], "GET": []}

    @web.middleware
    async def timed(request, handler):
        """The server's own time per request, apart from the load generator's queueing."""
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            handled.setdefault(request.method, []).append(time.perf_counter() - started)

    app.middlewares.insert(0, timed)
    runner = web.AppRunner(app, access_log=None)
    with CollectorPauses() as pauses:  # as `honoree-bot run` does (bot/app.py): start-up
        gc.set_threshold(*GC_THRESHOLDS)  # objects out of the collector, the same thresholds
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        checkpoints = asyncio.create_task(db.keep_checkpointing())
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until told
        checkpoints.cancel()
    handled["gc"] = pauses.pauses
    print(json.dumps(handled), flush=True)
    await runner.cleanup()
    await db.dispose()


class Phone:
    def __init__(self, base: str, session: aiohttp.ClientSession) -> None:
        self.base, self.session = base, session
        self.page = ""

    async def view(self, views: list[float]) -> None:
        started = time.perf_counter()
        async with self.session.get(self.base + "/?k=1") as response:
            self.page = await response.text()
        views.append(time.perf_counter() - started)

    async def answer(self, kind: str, value: str, answers: list[float]) -> None:
        form = {"csrf": CSRF.search(self.page)[1], "nonce": str(random.getrandbits(60))}
        if kind == "start":
            form["do"] = "start"
        elif kind == "say":
            form["text"] = value
        else:
            buttons = {html.unescape(label): html.unescape(data)
                       for data, label in BUTTON.findall(self.page)}
            form["data"] = buttons[value]
        started = time.perf_counter()
        async with self.session.post(self.base + "/say", data=form,
                                     allow_redirects=False) as response:
            assert response.status == 303, response.status
        answers.append(time.perf_counter() - started)


@dataclass
class Timings:
    """Seconds per request, each with the moment it was made (perf_counter)."""

    answers: list[tuple[float, float]] = field(default_factory=list)
    first_visits: list[float] = field(default_factory=list)  # new session + /start
    views: list[float] = field(default_factory=list)
    everyone_here: float = 0.0  # when the last phone had started


async def honoree(base: str, steps: int, arrivals_over: float, timings: Timings) -> None:
    await asyncio.sleep(random.uniform(0, arrivals_over))  # the phones do not start in step
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        phone = Phone(base, session)
        arrived = time.perf_counter()
        await phone.view(timings.views)
        for n, (kind, value) in enumerate(SCRIPT[:steps]):
            answered: list[float] = []
            at = time.perf_counter()
            await phone.answer(kind, value, answered)
            if n == 0:
                timings.first_visits.append(time.perf_counter() - arrived)
                timings.everyone_here = max(timings.everyone_here, time.perf_counter())
            timings.answers.append((answered[0], at))
            await phone.view(timings.views)
            await asyncio.sleep(random.uniform(1.5, 2.5))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc: Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0.0


async def main(people: int, steps: int, arrivals_over: float) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="web-bench-") as tmp:
        server = subprocess.Popen(
            [sys.executable, "-m", "bench.web_bench", "--serve", tmp, "--port", str(port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        timings = Timings()
        started, cpu_before = time.perf_counter(), cpu_seconds(server.pid)
        with CollectorPauses(hold=True) as own:
            await asyncio.gather(*(honoree(f"http://127.0.0.1:{port}", steps, arrivals_over,
                                           timings) for _ in range(people)))
        took = time.perf_counter() - started
        cpu = cpu_seconds(server.pid) - cpu_before
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        handled = json.loads(server.communicate("", timeout=60)[0])
    answers = [seconds for seconds, _ in timings.answers]
    together = [seconds for seconds, at in timings.answers if at >= timings.everyone_here]
    views, first = timings.views, timings.first_visits
    print(f"web bench: {people} honorees arriving over {arrivals_over:.0f} s, {len(answers)} "
          f"answers in {took:.0f} s ({len(answers) / took:.0f}/s) on SQLite")
    print(f"  answer (POST, saved):  p50 {pct(answers, 50):.1f} ms  p99 {pct(answers, 99):.1f} ms"
          f"  max {max(answers) * 1000:.1f} ms  (target: p99 < 100 ms)")
    print(f"    while all {people} are on the page: p50 {pct(together, 50):.1f} ms"
          f"  p99 {pct(together, 99):.1f} ms ({len(together)} answers)")
    print(f"  first visit (new session, /start): p50 {pct(first, 50):.1f} ms"
          f"  p99 {pct(first, 99):.1f} ms")
    print(f"  page view (GET):       p50 {pct(views, 50):.1f} ms  p99 {pct(views, 99):.1f} ms")
    posts, gets = handled["POST"], handled["GET"]
    print(f"  in the server (its own handling time, without the load generator's lag):\n"
          f"    answer p50 {pct(posts, 50):.1f} ms  p99 {pct(posts, 99):.1f} ms;"
          f"  page view p50 {pct(gets, 50):.1f} ms  p99 {pct(gets, 99):.1f} ms")
    pauses = handled["gc"] or [0.0]
    print(f"  garbage collector: {len(handled['gc'])} passes, longest {max(pauses) * 1000:.1f} ms,"
          f" {sum(pauses) * 1000:.0f} ms in all")
    print(f"  the phones' own collector (this process): longest pause {own.longest_ms:.1f} ms")
    requests = len(answers) + len(views)
    print(f"  server CPU: {cpu * 1000 / requests:.2f} ms per request ({requests} requests), "
          f"{cpu / took:.2f} of a core; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    print(f"  server peak memory (VmHWM): {int(peak) / 1024:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--answers", type=int, default=len(SCRIPT))
    parser.add_argument("--arrivals-over", type=float, default=20.0,
                        help="seconds over which the phones first come to the page")
    parser.add_argument("--serve")
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(Path(args.serve), args.port))
    else:
        asyncio.run(main(args.people, args.answers, args.arrivals_over))
