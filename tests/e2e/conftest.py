"""Fixtures for end-to-end tests: an initialised data dir, the emulator, the bot process.

Tests marked `both_engines` run twice when HONOREE_TEST_POSTGRES_URL and HONOREE_TEST_REDIS_URL
are set: on SQLite alone, and on a scratch PostgreSQL database (a copy of one initialised once
per session) with Redis coordination under a key prefix of their own. The engine reaches the
bot, `honoree-admin` and the tests' own database handles through HONOREE_* variables."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path

import pytest

from testkit.botproc import ENGINE_VARIABLES, SECRET, BotProcess, admin
from testkit.pg import create_database, drop_database
from tg_emulator.server import TelegramEmulator

POSTGRES = os.environ.get("HONOREE_TEST_POSTGRES_URL")
REDIS = os.environ.get("HONOREE_TEST_REDIS_URL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_engines"
    ):
        engines = ["sqlite", "postgres"] if POSTGRES and REDIS else ["sqlite"]
        metafunc.parametrize("engine", engines, indirect=True)


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


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory):
    """A PostgreSQL database after `honoree-admin init`, copied for each test that needs one."""
    url = asyncio.run(create_database("e2e_template"))
    admin(tmp_path_factory.mktemp("pg-template"), "init",
          env_extra={"HONOREE_SECRET_KEY": SECRET, "HONOREE_DATABASE_URL": url})
    yield url
    asyncio.run(drop_database(url))


@pytest.fixture
def engine(request, monkeypatch):
    """"sqlite" (the default) or "postgres" (PostgreSQL + Redis), set in the environment."""
    name = getattr(request, "param", "sqlite")
    for variable in ENGINE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    if name == "sqlite":
        yield name
        return
    url = asyncio.run(create_database("e2e", request.getfixturevalue("postgres_template")))
    monkeypatch.setenv("HONOREE_DATABASE_URL", url)
    monkeypatch.setenv("HONOREE_REDIS_URL", REDIS)
    monkeypatch.setenv("HONOREE_REDIS_PREFIX", f"e2e-{uuid.uuid4().hex[:12]}")
    yield name
    asyncio.run(drop_database(url))


@pytest.fixture
async def bot(emulator, data_dir, engine):
    proc = BotProcess(emulator, data_dir, HONOREE_SECRET_KEY=SECRET)
    await proc.start()
    yield proc
    proc.stop()
