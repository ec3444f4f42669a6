"""Helpers every command uses: settings from the root options, consoles, running on the DB."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from storage.errors import DatabaseError, StorageError, printable_url
from storage.settings import Settings, load_settings
from storage.uow import Database

T = TypeVar("T")

console = Console()
err_console = Console(stderr=True)


@dataclass
class CliOptions:
    """Root options, kept on the Typer context; settings are read only when a command runs."""

    data_dir: Path | None = None

    def settings(self) -> Settings:
        return load_settings(data_dir=self.data_dir) if self.data_dir else load_settings()


def settings_from(ctx: typer.Context) -> Settings:
    options = ctx.find_object(CliOptions) or CliOptions()
    return options.settings()


def fail(message: str) -> NoReturn:
    err_console.print(f"[bold red]Error:[/] {escape(message)}")
    raise typer.Exit(1)


def run_async(coro_fn: Callable[[], Coroutine[Any, Any, T]], settings: Settings) -> T:
    """Run a coroutine, turning expected failures into a one-line message and exit code 1."""
    try:
        return asyncio.run(coro_fn())
    except StorageError as exc:
        fail(str(exc))
    except (DatabaseError, OSError) as exc:
        reason = exc.orig if isinstance(exc, DatabaseError) else exc
        fail(f"database {printable_url(settings.resolved_database_url)}: {reason}")


def run_with_db(ctx: typer.Context, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the configured database, run `work(db)`, always dispose of the engine."""
    settings = settings_from(ctx)

    async def runner() -> T:
        db = Database.from_settings(settings)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return run_async(runner, settings)
