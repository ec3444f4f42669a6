"""The database handle and the unit of work: one transaction, repositories as attributes.

    async with db.uow() as uow:
        reg = await uow.registrations.create_draft(Address("tg", "42"))
        await uow.commit()          # leaving without commit rolls everything back

On SQLite, write units of work start with BEGIN IMMEDIATE: writers queue on the busy timeout
instead of failing with "database is locked" when a read turns into a write. They take turns
on one kept-open connection (`Writer`), where Prepared statements run straight on sqlite3 and
the ORM session joins their transaction when it is needed. Long read-only work (exports)
should use `db.uow(read_only=True)`, which takes no write lock.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import json_codec, sqlite_inline
from storage.crypto import FieldCipher
from storage.prepared import WRITER, transaction_ended
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
from storage.repositories.web import WebRepository
from storage.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SCHEMA_REVISION = "0007"  # the newest migration in MIGRATIONS_DIR (a test holds them equal)
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
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_DIALECTS:
        raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        engine_options.setdefault("async_creator", partial(sqlite_inline.connect, parsed.database))
    engine = create_async_engine(url, json_serializer=_json_dumps, **engine_options)
    if backend == "sqlite":
        _configure_sqlite(engine, background_checkpoints)
    return engine


def _configure_sqlite(engine: AsyncEngine, background_checkpoints: bool) -> None:
    pragmas = [
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        f"busy_timeout={sqlite_inline.BUSY_TIMEOUT_MS}",
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
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        sql = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        # Straight on sqlite3 when the lock is free: a statement through SQLAlchemy costs more
        # CPU than the whole BEGIN (this runs for every unit of work).
        raw = sqlite_inline.sqlite3_connection(connection.connection)
        if raw is not None and raw.in_transaction:
            return  # begun by the unit of work's own statements (`Writer`): the session joins
        if raw is None or not sqlite_inline.begin_at_once(raw, sql):
            connection.exec_driver_sql(sql)


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
        self.web = WebRepository(session, cipher)

    async def commit(self) -> None:
        transaction_ended(self.session)
        writer = self.session.info.get(WRITER)
        if writer is None or _session_has_work(self.session):
            await self.session.commit()  # on the writer's connection this commits its work too
        elif writer.raw.in_transaction:
            writer.raw.commit()

    async def rollback(self) -> None:
        transaction_ended(self.session)
        await self.session.rollback()
        writer = self.session.info.get(WRITER)
        if writer is not None and writer.raw.in_transaction:
            writer.raw.rollback()

    def release_loaded(self) -> None:
        """Forget every ORM object the session has loaded so far (the repositories' records are
        plain copies and stay valid). Long read loops call it after each page so memory stays
        flat over thousands of entries; changes not yet flushed are forgotten too, so it is
        for read-only work, or right after a flush or commit."""
        self.session.expunge_all()


class WriteTurns:
    """One writer at a time, in arrival order, except that urgent callers go first."""

    def __init__(self) -> None:
        self._busy = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._ordinary: deque[asyncio.Future[None]] = deque()

    async def acquire(self, *, urgent: bool = False) -> None:
        if not self._busy:
            self._busy = True
            return
        turn = asyncio.get_running_loop().create_future()
        (self._urgent if urgent else self._ordinary).append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # the turn came just as the caller was cancelled: pass it on
            raise

    def release(self) -> None:
        """Hand the turn to the next waiter still waiting, or free it."""
        for waiting in (self._urgent, self._ordinary):
            while waiting:
                turn = waiting.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._busy = False


class Writer:
    """This process's SQLite writing on one event loop: whose turn it is (`turns`), and the one
    connection every write unit of work uses, kept open.

    Its statements through `Prepared` run straight on that sqlite3 connection, BEGIN and COMMIT
    included: the bot's unit of work per update (three statements) costs ~120 us of CPU, where
    a connection from the pool and a session transaction around the same statements cost ~370.
    A unit of work that also needs the ORM has its session join the same transaction on the
    same connection, so everything still commits or rolls back together."""

    def __init__(self) -> None:
        self.turns = WriteTurns()
        self.connection: AsyncConnection | None = None
        self.raw: sqlite3.Connection | None = None
        self._driver: Any = None

    async def open(self, engine: AsyncEngine) -> AsyncConnection | None:
        """The writing connection, (re)opened if need be; None where there is no sqlite3
        connection underneath (in-memory SQLite), and the pool's sessions are used instead."""
        if self.connection is not None and not (
            self.connection.closed or self.connection.invalidated
        ):
            return self.connection
        connection = await engine.connect()
        pooled = await connection.get_raw_connection()
        raw = sqlite_inline.sqlite3_connection(pooled)
        if raw is None:
            await connection.close()
            return None
        self.connection, self.raw, self._driver = connection, raw, pooled.driver_connection
        return connection

    async def transaction(self) -> sqlite3.Connection:
        """The sqlite3 connection, in a write transaction (begun now if need be)."""
        raw = self.raw
        if not raw.in_transaction and not sqlite_inline.begin_at_once(raw, "BEGIN IMMEDIATE"):
            await self._driver.execute("BEGIN IMMEDIATE")  # waits in aiosqlite's thread
        return raw

    async def close(self) -> None:
        connection, self.connection, self.raw = self.connection, None, None
        if connection is not None:
            await connection.close()


def _session_has_work(session: AsyncSession) -> bool:
    """Whether the ORM session began a transaction or holds changes that a commit flushes."""
    return session.in_transaction() or bool(session.new or session.dirty or session.deleted)


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
        self._writers: WeakKeyDictionary[asyncio.AbstractEventLoop, Writer] = (
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
    async def uow(
        self, *, read_only: bool = False, urgent: bool = False
    ) -> AsyncIterator[UnitOfWork]:
        """A unit of work; closing it without `commit()` rolls back.

        On SQLite, write units of work of this process take turns (`WriteTurns`) before BEGIN
        IMMEDIATE: waiting in SQLite's busy handler sleeps in steps of up to 100 ms while the
        database is already free (measured: p99 733 ms waits for 3.5 ms transactions). The busy
        timeout still orders this process against others (the admin CLI). `urgent` work goes
        before the queued ordinary work: the poller keeping received updates waits for one
        transaction at most, not for everything already queued."""
        factory = self._read_sessions if read_only else self._sessions
        if read_only or self.dialect != "sqlite":
            async with factory() as session:
                yield UnitOfWork(session, self.cipher)
            return
        if _writing.get():
            raise RuntimeError("a write unit of work inside another one would wait for itself")
        writer = self._writers.setdefault(asyncio.get_running_loop(), Writer())
        await writer.turns.acquire(urgent=urgent)
        token = _writing.set(True)
        try:
            connection = await writer.open(self.engine)
            if connection is None:
                async with factory() as session:
                    yield UnitOfWork(session, self.cipher)
                return
            if connection.in_transaction():  # never left so; if it were, it must not be joined
                await connection.rollback()
            session = AsyncSession(bind=connection, expire_on_commit=False)
            session.info[WRITER] = writer
            try:
                yield UnitOfWork(session, self.cipher)
            finally:
                # A session holds nothing of the connection's unless it began a transaction;
                # most units of work only run Prepared statements and need no closing.
                if session.in_transaction():
                    await session.close()  # rolls back what it did not commit
                if writer.raw is not None and writer.raw.in_transaction:
                    writer.raw.rollback()  # not committed: nothing of it stays
        except BaseException:
            await writer.close()  # after a failure, the next unit of work starts afresh
            raise
        finally:
            _writing.reset(token)
            writer.turns.release()

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
        writer = self._writers.pop(asyncio.get_running_loop(), None)
        if writer is not None:
            await writer.close()
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
    with closing(sqlite3.connect(path, timeout=sqlite_inline.BUSY_TIMEOUT_MS / 1000)) as con:
        _busy, pages, copied = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return max(pages - copied, 0)


def _upgrade_head(connection: Connection) -> None:
    from alembic import command  # here: alembic costs ~9 MB, only migrations need it

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
