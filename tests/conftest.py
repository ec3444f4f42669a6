"""Shared fixtures: isolated settings, an initialised SQLite database, and the same on PostgreSQL.

Initialising (migrations + 13,014 divisions) happens once per test run; each test then gets a
copy of that SQLite file, or an emptied PostgreSQL database, so tests stay fast and independent.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.crypto import FieldCipher, generate_secret
from storage.divisions import load_divisions
from storage.models import Base
from storage.settings import Settings
from storage.uow import Database
from testkit.pg import PG_ADMIN_URL, create_database, drop_database

T = TypeVar("T")



def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from a sync fixture on its own loop, in a thread (pytest-asyncio safe)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _initialise(url: str) -> None:
    db = Database(url, FieldCipher(os.urandom(32)))
    try:
        await db.migrate()
        await load_divisions(db)
    finally:
        await db.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a private data dir and key; ignores any .env or HONOREE_DATABASE_URL."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        database_url=None,
        secret_key=generate_secret(),
    )


@pytest.fixture(scope="session")
def initialised_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "honoree.db"
    run_sync(_initialise(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
async def sqlite_db(settings: Settings, initialised_sqlite: Path) -> AsyncIterator[Database]:
    """An initialised Database (schema + divisions) on a SQLite file in tmp_path."""
    settings.data_dir.mkdir(parents=True)
    shutil.copyfile(initialised_sqlite, settings.data_dir / "honoree.db")
    database = Database.from_settings(settings)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh, initialised PostgreSQL database for this test run (dropped afterwards)."""
    try:
        url = run_sync(create_database("honoree_test"))
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        pytest.skip(f"PostgreSQL unusable at {make_url(PG_ADMIN_URL)!r}: {exc}")
    try:
        run_sync(_initialise(url))
        yield url
    finally:
        run_sync(drop_database(url))


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """The database of tests that run on SQLite only (a module may override it with `store`)."""
    return sqlite_db


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Database:
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture
async def pg_db(settings: Settings, pg_url: str) -> AsyncIterator[Database]:
    """An initialised Database on PostgreSQL, emptied of everything but the divisions."""
    database = Database(pg_url, FieldCipher.from_settings(settings))
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name != "divisions")
    async with database.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()
