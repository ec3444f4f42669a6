"""The database handle and the unit of work: one transaction, repositories as attributes.

    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(Address("tg", "42"))
        await uow.commit()          # leaving without commit rolls everything back

The session is the one owner of the transaction. On SQLite it is a plain SQLAlchemy session
on the database thread (`storage.thread_session`), and SQLAlchemy emits BEGIN itself (the
documented recipe: the driver's own BEGIN turned off), BEGIN IMMEDIATE for write units of
work, so a read that turns into a write never fails with "database is locked". This process's
writers take turns on an asyncio lock before they begin; another process (the admin CLI) is
waited for by SQLite's busy timeout on the database thread, so the event loop goes on. Long
read-only work (exports) should use `db.uow(read_only=True)`, which takes no write lock.
On PostgreSQL the session is an `AsyncSession` on asyncpg; a few outermost units of work are
open at once, so that one opened inside another always finds a pooled connection.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing, nullcontext
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import json_codec
from storage.crypto import FieldCipher
from storage.records import Write
from storage.repositories import (
    AuditRepository,
    CommitteeRepository,
    DeadlineRepository,
    DivisionRepository,
    EvidenceRepository,
    InboxRepository,
    InviteRepository,
    NotificationRepository,
    ReceivedRepository,
    RegistrationRepository,
    ReviewerRepository,
    UpdateRepository,
)
from storage.repositories._base import SUPPORTED_DIALECTS
from storage.repositories.web import WebRepository
from storage.settings import Settings
from storage.thread_session import DatabaseThread, ThreadSession

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SCHEMA_REVISION = "0008"  # the newest migration in MIGRATIONS_DIR (a test holds them equal)
BUSY_TIMEOUT_MS = 15_000  # how long a writer waits for another process's write lock
_READ_ONLY = "honoree_read_only"
READERS = 4  # SQLite read units of work open at once; more wait on the event loop
# PostgreSQL: outermost units of work open at once, and connections in the pool. Each of those
# may open one more inside it (a read inside a write, say), so the pool never runs dry while
# every holder waits for a second connection; and the pool keeps every connection it may hand
# out, since one closed on return (overflow) costs a new connection, a new server process and
# new prepared statements the next time.
PG_UNITS = 10
PG_POOL = {"pool_size": 2 * PG_UNITS, "max_overflow": 0}
log = logging.getLogger(__name__)
_writing: ContextVar[bool] = ContextVar("honoree_writing", default=False)
_reading: ContextVar[bool] = ContextVar("honoree_reading", default=False)
_inside: ContextVar[bool] = ContextVar("honoree_inside", default=False)  # PostgreSQL


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
        _configure_sqlite(engine.sync_engine, background_checkpoints)
    return engine


def _configure_sqlite(engine: Engine, background_checkpoints: bool) -> None:
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

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: a read that later writes cannot deadlock
        # with another writer. The wait for it runs on the database thread, off the loop.
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def alembic_config() -> Config:
    """Alembic configuration that works from any current directory."""
    from alembic.config import Config  # here: alembic costs ~9 MB, only migrations need it

    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def known_revision(revision: str) -> bool:
    """Whether this release has the migration `revision` (a backup from a newer one has not)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


class UnitOfWork:
    """One session/transaction; repositories share it, so their writes commit together."""

    def __init__(self, session: AsyncSession | ThreadSession, cipher: FieldCipher) -> None:
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
        self.received = ReceivedRepository(session, cipher)
        self.web = WebRepository(session, cipher)
        self.deadlines = DeadlineRepository(session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def add(self, write: Write) -> None:
        """A write a repository built elsewhere, in this unit of work's commit."""
        await self.session.execute(write.statement, write.params)

    def release_loaded(self) -> None:
        """Forget every ORM object the session has loaded so far (the repositories' records are
        plain copies and stay valid). Long read loops call it after each page so memory stays
        flat over thousands of entries; changes not yet flushed are forgotten too, so it is
        for read-only work, or right after a flush or commit."""
        self.session.expunge_all()


class Database:
    """Engine, session factories and the field cipher, created once per process.

    `engine` (async) serves migrations and PostgreSQL units of work; SQLite units of work run
    on their own engine on the database thread."""

    def __init__(
        self, url: str, cipher: FieldCipher, *, background_checkpoints: bool = False,
        **engine_options: Any,
    ) -> None:
        self.url = url
        self.cipher = cipher
        if make_url(url).get_backend_name() != "sqlite":
            engine_options = {**PG_POOL, **engine_options}
        self.engine = create_engine(
            url, background_checkpoints=background_checkpoints, **engine_options
        )
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )
        self._autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        # SQLite: by read_only, a thread and an engine whose connections live on it
        self._threads: dict[bool, DatabaseThread] = {}
        self._thread_engines: dict[bool, Engine] = {}
        if self.dialect == "sqlite":
            if self._sqlite_file() is None:
                raise ValueError("SQLite needs a database file (WAL), not :memory:")
            for read_only in (False, True):
                # Unlimited overflow: waiting for a pooled connection would block the thread
                # that the units of work holding them need to finish.
                engine = create_sync_engine(
                    make_url(url).set(drivername="sqlite"), json_serializer=_json_dumps,
                    **{"max_overflow": -1, **engine_options},
                )
                _configure_sqlite(engine, background_checkpoints)
                self._threads[read_only] = DatabaseThread()
                self._thread_engines[read_only] = engine.execution_options(
                    **{_READ_ONLY: read_only}
                )
        self._write_locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            WeakKeyDictionary()
        )
        self._readers: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            WeakKeyDictionary()
        )
        self._units: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
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
        IMMEDIATE: one of them waiting in SQLite's busy handler would hold up the database
        thread, and so everyone (bench/writers_bench.py compares the ways to take turns). The
        busy timeout still orders this process against others (the admin CLI)."""
        if not self._threads:
            factory = self._read_sessions if read_only else self._sessions
            async with self._pg_turn(), factory() as session:
                yield UnitOfWork(session, self.cipher)
            return
        if read_only:  # each open one holds a connection and its page cache: a few at a time
            loop = asyncio.get_running_loop()
            readers = self._readers.setdefault(loop, asyncio.Semaphore(READERS))
            token = _reading.set(True)
            try:  # one inside another does not wait for a turn its caller holds
                async with (
                    nullcontext() if token.old_value is True else readers,
                    self._thread_session(read_only=True) as session,
                ):
                    yield UnitOfWork(session, self.cipher)
            finally:
                _reading.reset(token)
            return
        if _writing.get():
            raise RuntimeError("a write unit of work inside another one would wait for itself")
        token = _writing.set(True)
        try:
            lock = self._write_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
            async with lock, self._thread_session(read_only=False) as session:
                yield UnitOfWork(session, self.cipher)
        finally:
            _writing.reset(token)

    async def in_one_hop(self, fn: Callable[[Connection], Any], *, read_only: bool) -> Any:
        """SQLite: `fn(connection)` inside one transaction on the database thread, committed
        when it returns (rolled back when it raises): a unit of work of a few statements that
        costs one hop to the thread.

        It holds no turn while it runs. The thread runs its calls in order, one whole
        transaction each, so a call queued while no write unit of work of this process is
        open runs before any that opens later: a writer only waits for the lock when one is
        open, and lets go as soon as its call is queued. Back-to-back answers then follow each
        other on the thread without a trip through the event loop in between."""
        thread, engine = self._threads[read_only], self._thread_engines[read_only]
        if read_only:  # one connection at a time on the thread: nothing to share out
            return await thread.submit(_transaction, engine, fn)
        if _writing.get():
            raise RuntimeError("a write unit of work inside another one would wait for itself")
        lock = self._write_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        if lock.locked():
            async with lock:
                done = thread.submit(_transaction, engine, fn)
        else:
            done = thread.submit(_transaction, engine, fn)
        return await done

    async def in_one_transaction(self, fn: Callable[[Connection], Any]) -> Any:
        """`fn(connection)` as one write transaction, committed when it returns: one hop to
        SQLite's database thread (see `in_one_hop`), or one PostgreSQL transaction that runs
        it with `AsyncConnection.run_sync`. For writes of a few statements that come often
        and must not hold the writers' turn across hops."""
        if self._threads:
            return await self.in_one_hop(fn, read_only=False)
        async with self.transaction() as connection:
            return await connection.run_sync(fn)

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """PostgreSQL: a connection where each statement commits on its own, with no BEGIN
        or COMMIT round trip around it (for units of work that are one statement)."""
        async with self._pg_turn(), self._autocommit.connect() as connection:
            yield connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """PostgreSQL: a connection in one transaction, committed when the block ends (for a
        few statements that need no session)."""
        async with self._pg_turn(), self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def _pg_turn(self) -> AsyncIterator[None]:
        """PostgreSQL: a turn among the PG_UNITS outermost units of work; one inside another
        does not wait for a turn its caller holds."""
        units = self._units.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(PG_UNITS))
        token = _inside.set(True)
        try:
            async with nullcontext() if token.old_value is True else units:
                yield
        finally:
            _inside.reset(token)

    @asynccontextmanager
    async def _thread_session(self, *, read_only: bool) -> AsyncIterator[ThreadSession]:
        session = ThreadSession(self._threads[read_only], self._thread_engines[read_only])
        try:
            yield session
        finally:
            await session.close()

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
        for read_only, thread in self._threads.items():
            await thread.run(self._thread_engines[read_only].dispose)
            thread.close()
        await self.engine.dispose()

    async def ping(self) -> bool:
        """Whether the database answers (for /healthz)."""
        try:
            async with self.engine.connect() as connection:
                await connection.scalar(text("SELECT 1"))
        except Exception:
            return False
        return True

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


def _transaction(engine: Engine, fn: Callable[[Connection], Any]) -> Any:
    with engine.begin() as connection:
        return fn(connection)


def _checkpoint(path: str) -> int:
    with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as con:
        _busy, pages, copied = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return max(pages - copied, 0)


def _upgrade_head(connection: Connection) -> None:
    from alembic import command  # here: alembic costs ~9 MB, only migrations need it

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
