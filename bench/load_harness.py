"""Harness for bench/load.py: an emulator that timestamps replies, process stats, loop lag."""

from __future__ import annotations

import asyncio
import os
import random
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from testkit.botproc import TOKEN, BotProcess  # noqa: E402
from testkit.redis import free_port  # noqa: E402
from testkit.webhook import WebhookDelivery  # noqa: E402
from tg_emulator.server import TelegramEmulator  # noqa: E402

REPLY_METHODS = frozenset({"sendMessage", "editMessageText"})
"""The calls that answer a person; editMessageReplyMarkup only takes buttons away."""
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Probe:
    """When the current step of one chat started and when the bot first answered it."""

    started: float = 0.0
    answered: float | None = None

    def arm(self) -> None:
        self.answered = None
        self.started = time.perf_counter()


class CallLog(list):
    """Stands in for `emu.calls`: keeps only getUpdates (BotProcess counts them), counts the
    rest per method and stamps the first reply to each armed chat."""

    def __init__(self, probes: dict[int, Probe]) -> None:
        super().__init__()
        self.probes = probes
        self.methods: Counter[str] = Counter()

    def append(self, call) -> None:
        self.methods[call.method] += 1
        if call.method == "getUpdates":
            super().append(call)
            return
        if call.method not in REPLY_METHODS:
            return
        try:
            probe = self.probes.get(int(call.params.get("chat_id")))
        except (TypeError, ValueError):
            return
        if probe is not None and probe.answered is None:
            probe.answered = time.perf_counter()


class ProbeEmulator(TelegramEmulator):
    """The Telegram emulator with a per-chat reply probe and a lean call log."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.probes: dict[int, Probe] = {}
        self.calls = CallLog(self.probes)

    def probe(self, chat_id: int) -> Probe:
        return self.probes.setdefault(chat_id, Probe())

    def forget_pending(self) -> None:
        """Drop updates a stopped bot handled but never confirmed, so the next bot starts clean."""
        self.world.updates.pending.clear()


# --- processes ---------------------------------------------------------------------------


def proc_status_kb(pid: int, key: str) -> int:
    """A `VmHWM`/`VmRSS`-style field of /proc/<pid>/status in kB (0 if gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def children(pid: int) -> list[int]:
    """Direct child processes (the OCR workers of the bot)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def tree_cpu_seconds(pid: int) -> float:
    return cpu_seconds(pid) + sum(cpu_seconds(c) for c in children(pid))


@dataclass
class CpuMeter:
    """CPU used by this process (emulator + drivers) and by a bot process over a phase."""

    bot_pid: int
    wall: float = field(default_factory=time.perf_counter)
    bench: float = field(default_factory=time.process_time)
    bot: float = 0.0

    def __post_init__(self) -> None:
        self.bot = tree_cpu_seconds(self.bot_pid)

    def read(self) -> dict[str, float]:
        """Fractions of one core used since the meter was made."""
        wall = max(time.perf_counter() - self.wall, 1e-9)
        return {
            "bench_cpu": (time.process_time() - self.bench) / wall,
            "bot_cpu": (tree_cpu_seconds(self.bot_pid) - self.bot) / wall,
        }


class LoopLag:
    """A 10 ms ticker on the benchmark's loop: how late it wakes shows the emulator's load."""

    def __init__(self, period: float = 0.01) -> None:
        self.period = period
        self.lags: list[float] = []
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.period)
            self.lags.append(max(loop.time() - before - self.period, 0.0))

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._task is not None:
            self._task.cancel()


# --- bots --------------------------------------------------------------------------------


class EchoProcess(BotProcess):
    """bench/echo_bot.py as a process, started and stopped like the real bot."""

    command = (str(ROOT / "bench" / "echo_bot.py"),)


class WorkersProcess(BotProcess):
    """The real `honoree-bot run --webhook --workers N` on one port, with the emulator's
    updates delivered to it as Telegram's webhook would."""

    def __init__(self, emulator, data_dir: Path, workers: int, redis_url: str, **env: str):
        self.port = free_port()
        super().__init__(emulator, data_dir, HONOREE_REDIS_URL=redis_url,
                         HONOREE_WEBHOOK_PORT=str(self.port),
                         HONOREE_WEBHOOK_URL=f"http://127.0.0.1:{self.port}", **env)
        self.workers = workers
        self.command = ("-m", "bot", "run", "--webhook", "--workers", str(workers))
        self.delivery = WebhookDelivery(emulator, lambda: [self.url], random.Random(0),
                                        connections=50 * workers)
        self._delivering: asyncio.Task | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Ready once every worker has set the webhook and the port accepts connections (so
        the kernel spreads the delivery's connections over all of them)."""
        calls = self.emulator.calls.methods
        before = calls["setWebhook"]
        self.spawn()
        for _ in range(2400):
            if self.proc.poll() is not None:
                raise AssertionError("workers exited:\n" + self.log())
            if calls["setWebhook"] - before >= self.workers and self._listening():
                await asyncio.sleep(1.0)  # the last worker's listen follows its setWebhook
                self._delivering = asyncio.create_task(self.delivery.run())
                return
            await asyncio.sleep(0.05)
        raise AssertionError("workers did not start:\n" + self.log())

    def _listening(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        if self._delivering is not None:
            self._delivering.cancel()
        super().stop()
        self.emulator.world.webhook = None  # a later polling bot may poll again


__all__ = ["TOKEN", "BotProcess", "EchoProcess", "ProbeEmulator", "WorkersProcess"]

