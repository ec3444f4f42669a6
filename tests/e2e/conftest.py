"""Fixtures for end-to-end tests: an initialised data dir, the emulator, the bot process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from testkit.botproc import SECRET, BotProcess, admin
from tg_emulator.server import TelegramEmulator


@pytest.fixture(scope="session")
def initialised_template(tmp_path_factory) -> Path:
    """`honoree-admin init` once per session (divisions loaded); each test gets a copy."""
    template = tmp_path_factory.mktemp("template")
    admin(template, "init", env_extra={"HONOREE_SECRET_KEY": SECRET})
    return template


@pytest.fixture
def data_dir(initialised_template, tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(initialised_template, target)
    return target


@pytest.fixture
async def emulator():
    async with TelegramEmulator() as emu:
        yield emu


@pytest.fixture
async def bot(emulator, data_dir):
    proc = BotProcess(emulator, data_dir, HONOREE_SECRET_KEY=SECRET)
    await proc.start()
    yield proc
    proc.stop()
