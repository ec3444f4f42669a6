"""The database handle and the unit of work: one transaction, repositories as attributes.

    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(user_id, chat_id)
        await uow.commit()          # leaving without commit rolls everything back

The session is the one owner of the transaction. On SQLite, SQLAlchemy emits BEGIN itself
(the documented recipe: the driver's own BEGIN turned off), BEGIN IMMEDIATE for write units of
work, so a read that turns into a write never fails with "database is locked". This process's
writers take turns on an asyncio lock before they begin; another process (the admin CLI) is
waited for by SQLite's busy timeout, in aiosqlite's thread, so the event loop goes on. Long
read-only work (exports) should use `db.uow(read_only=True)`, which takes no write lock.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import json_codec
from storage.crypto import FieldCipher
from storage.repositories import (
    AuditRepository,
    CommitteeRepository,
    DivisionRepository,
    EvidenceRepository,
    InboxRepository,
    InviteRepository,
    NotificationRepository,
    RegistrationRepository,
    ReviewerRepository,
    UpdateRepository,
)
from storage.repositories._base import SUPPORTED_DIALECTS
from storage.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SCHEMA_REVISION = "0003"  # the newest migration in MIGRATIONS_DIR (a test holds them equal)
BUSY_TIMEOUT_MS = 15_000  # how long a writer waits for another process's write lock
_READ_ONLY = "honoree_read_only"
log = logging.getLogger(__name__)
_writing: ContextVar[bool] = ContextVar("honoree_writing", default=False)


def _json_dumps(value: Any) -> str:
    return json_codec.dumps(value).decode()


def create_engine(
    url: str, *, background_checkpoints: bool = False, **engine_options: Any
) -> AsyncEngine:
    """An async engine for SQLite (WAL, foreign keys, busy timeout) or PostgreSQL.

    With `background_checkpoints`, SQLite commits never copy the WAL into the database file
    themselves (that copy ends in an fsync, which would stop the event loop); the owner calls
    `Database.checkpoint` from time to time instead."""
    backend = make_url(url).get_backend_name()
    if backend not in SUPPORTED_DIALECTS:
        raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    engine = create_async_engine(url, json_serializer=_json_dumps, **engine_options)
    if backend == "sqlite":
        _configure_sqlite(engine, background_checkpoints)
    return engine


def _configure_sqlite(engine: AsyncEngine, background_checkpoints: bool) -> None:
    """SQLAlchemy's documented way to own SQLite transactions: the driver's own BEGIN is
    turned off on connect, and the `begin` event emits the BEGIN the unit of work needs."""
    pragmas = [
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
    ]
    if background_checkpoints:
        pragmas.append("wal_autocheckpoint=0")

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: a read that later writes cannot deadlock
        # with another writer. The wait for it runs in aiosqlite's thread, off the loop.
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def alembic_config() -> Config:
    """Alembic configuration that works from any current directory."""
    from alembic.config import Config  # here: alembic costs ~9 MB, only migrations need it

    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


class UnitOfWork:
    """One session/transaction; repositories share it, so their writes commit together."""

    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self.session = session
        self.divisions = DivisionRepository(session)
        self.audit = AuditRepository(session)
        self.registrations = RegistrationRepository(session, cipher, self.divisions, self.audit)
        self.evidence = EvidenceRepository(session)
        self.committees = CommitteeRepository(session)
        self.reviewers = ReviewerRepository(session)
        self.invites = InviteRepository(session)
        self.updates = UpdateRepository(session)
        self.inbox = InboxRepository(session, cipher)
        self.notifications = NotificationRepository(session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    def release_loaded(self) -> None:
        """Forget every ORM object the session has loaded so far (the repositories' records are
        plain copies and stay valid). Long read loops call it after each page so memory stays
        flat over thousands of entries; changes not yet flushed are forgotten too, so it is
        for read-only work, or right after a flush or commit."""
        self.session.expunge_all()


class Database:
    """Engine, session factories and the field cipher, created once per process."""

    def __init__(self, url: str, cipher: FieldCipher, **engine_options: Any) -> None:
        self.url = url
        self.cipher = cipher
        self.engine = create_engine(url, **engine_options)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )
        self._write_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            WeakKeyDictionary()
        )

    @classmethod
    def from_settings(cls, settings: Settings, **engine_options: Any) -> Database:
        """Raises KeyMissingError (→ "run honoree-admin init") when no key is configured."""
        cipher = FieldCipher.from_settings(settings)
        if make_url(settings.resolved_database_url).get_backend_name() == "sqlite":
            settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return cls(settings.resolved_database_url, cipher, **engine_options)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def uow(self, *, read_only: bool = False) -> AsyncIterator[UnitOfWork]:
        """A unit of work; closing it without `commit()` rolls back.

        On SQLite, write units of work of this process take turns on a lock before BEGIN
        IMMEDIATE: waiting in SQLite's busy handler instead sleeps in steps of up to 100 ms
        while the database is already free (bench/writers_bench.py compares the two). The busy
        timeout still orders this process against others (the admin CLI)."""
        factory = self._read_sessions if read_only else self._sessions
        if read_only or self.dialect != "sqlite":
            async with factory() as session:
                yield UnitOfWork(session, self.cipher)
            return
        if _writing.get():
            raise RuntimeError("a write unit of work inside another one would wait for itself")
        token = _writing.set(True)
        try:
            lock = self._write_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
            async with lock, factory() as session:
                yield UnitOfWork(session, self.cipher)
        finally:
            _writing.reset(token)

    async def migrate(self) -> None:
        """Upgrade the schema to the newest Alembic revision (idempotent). A database that is
        there already is left alone without loading Alembic (~9 MB for the bot's lifetime)."""
        async with self.engine.connect() as connection:
            try:
                current = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            except DBAPIError:
                current = None  # a new database
        if current == SCHEMA_REVISION:
            return
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade_head)

    async def dispose(self) -> None:
        await self.engine.dispose()

    async def checkpoint(self) -> int:
        """Copy what the WAL holds into the SQLite file, in a worker thread so its fsync never
        stops the event loop. PASSIVE: it waits for nobody, and what readers still need stays
        for the next time. Returns how many WAL pages are left uncopied (0 on PostgreSQL)."""
        path = self._sqlite_file()
        return 0 if path is None else await asyncio.to_thread(_checkpoint, path)

    async def keep_checkpointing(self, every: float = 2.0) -> None:
        """Checkpoint every `every` seconds, for a process made with background_checkpoints
        (returns at once when there is no SQLite file)."""
        while self._sqlite_file() is not None:
            await asyncio.sleep(every)
            try:
                await self.checkpoint()
            except sqlite3.Error as err:  # a full disk, say: commits go on, the WAL grows
                log.warning("WAL checkpoint failed: %s", err)

    def _sqlite_file(self) -> str | None:
        path = self.engine.url.database
        return path if self.dialect == "sqlite" and path not in (None, "", ":memory:") else None


def _checkpoint(path: str) -> int:
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as con:
        _busy, pages, copied = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return max(pages - copied, 0)


def _upgrade_head(connection: Connection) -> None:
    from alembic import command  # here: alembic costs ~9 MB, only migrations need it

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
