"""Run the real `honoree-bot` process against the emulator, and kill or restart it at will;
run `honoree-admin` commands as real processes."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

TOKEN = "123456:TEST-token-for-the-emulator"
ROOT = Path(__file__).resolve().parents[1]
SECRET = "e2e-test-secret-key-0123456789abcdef0123456789"  # HONOREE_SECRET_KEY of test runs


ENGINE_VARIABLES = ("HONOREE_DATABASE_URL", "HONOREE_REDIS_URL", "HONOREE_REDIS_PREFIX")
"""Kept from this process's environment: the e2e `engine` fixture sets them (or clears them)."""


def bot_env(data_dir: Path, api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HONOREE_") or k in ENGINE_VARIABLES}
    env.update(
        HONOREE_BOT_TOKEN=TOKEN,
        HONOREE_TELEGRAM_API=api_url,
        HONOREE_DATA_DIR=str(data_dir),
        HONOREE_OCR="off",
        HONOREE_WEB_ENABLED="false",  # the Telegram tests run the bot alone
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def admin(data_dir: Path, *args: str, env_extra: dict[str, str] | None = None) -> str:
    """Run `honoree-admin ARGS` as a real process; return its output (an error fails the caller)."""
    env = bot_env(data_dir, "http://127.0.0.1:9", **(env_extra or {}))
    done = subprocess.run(
        [sys.executable, "-m", "admin_cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class BotProcess:
    command: tuple[str, ...] = ("-m", "bot", "run")  # after the interpreter

    def __init__(self, emulator, data_dir: Path, **env_extra: str) -> None:
        self.emulator = emulator
        self.data_dir = data_dir
        self.env_extra = env_extra
        self.proc: subprocess.Popen | None = None
        self.log_path = data_dir / "bot.log"

    async def start(self) -> None:
        polls_before = self._polls()
        self.spawn()
        for _ in range(1200):  # the bot is ready once it polls (slow when the machine is busy)
            if self._polls() > polls_before:
                return
            if self.proc.poll() is not None:
                raise AssertionError("bot exited:\n" + self.log())
            await asyncio.sleep(0.05)
        raise AssertionError("bot did not start polling:\n" + self.log())

    def spawn(self) -> None:
        """Start the process, its output appended to the log file."""
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, *self.command],
            cwd=ROOT,
            env=bot_env(self.data_dir, self.emulator.base_url, **self.env_extra),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def _polls(self) -> int:
        return sum(1 for c in self.emulator.calls if c.method == "getUpdates")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye — like a power cut."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
