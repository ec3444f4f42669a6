"""`honoree-admin ocr PATH... [--json] [--engine E]`: read photos the way the bot would.

For township staff checking a doubtful photo, and for us tuning OCR on real samples. Runs the
engine in this process (no pool): one command, one engine load.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from dialogs.ocr_answers import NAME_SEP
from dialogs.texts import t
from ocr.engines import ENGINES, EngineUnavailable, make_engine
from ocr.pipeline import read_photo
from ocr.result import OcrResult, to_json

SHOWN_FIELDS = ("name", "title", "awarding_body", "date", "document_number", "treatment")


def ocr_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help=t("staff.help.ocr.paths"), exists=True, dir_okay=False, readable=True),
    ],
    json_output: Annotated[
        bool, typer.Option("--json", help=t("staff.help.ocr.json"))
    ] = False,
    engine: Annotated[
        str, typer.Option("--engine", help=t("staff.help.ocr.engine"))
    ] = "",
    name: Annotated[
        str | None, typer.Option("--name", help=t("staff.help.ocr.name"))
    ] = None,
) -> None:
    console = Console()
    chosen = engine or os.environ.get("HONOREE_OCR", "rapidocr")
    if chosen not in ENGINES:
        Console(stderr=True).print(
            f"[bold red]Error:[/] OCR engine {escape(chosen)!r} cannot read; "
            f"use --engine {' or '.join(ENGINES)}."
        )
        raise typer.Exit(2)
    try:
        reader = make_engine(chosen)
    except EngineUnavailable as exc:
        Console(stderr=True).print(f"[bold red]Error:[/] no OCR engine: {escape(str(exc))}")
        raise typer.Exit(2) from None
    results = [(path, read_photo(reader, path.read_bytes(), name)) for path in paths]
    if json_output:
        items = [{"path": str(path), **to_json(result)} for path, result in results]
        console.print_json(json.dumps(items, ensure_ascii=False))
        return
    for path, result in results:
        _show(console, path, result)


def _show(console: Console, path: Path, result: OcrResult) -> None:
    header = f"{escape(str(path))} — {result.engine}, {result.seconds:.2f} s"
    if not result.ok:
        console.print(f"[bold]{header}[/]: [red]{result.error}[/]")
        return
    console.print(Panel(escape(result.text), title=header, title_align="left"))
    ex = result.extraction
    table = Table(title=f"kind: {ex.kind_guess}")
    table.add_column("field")
    table.add_column("value", overflow="fold")
    table.add_column("confidence", justify="right")
    for key in SHOWN_FIELDS:
        guess = getattr(ex, key)
        value = escape(guess.value) if guess else "—"
        table.add_row(key, value, f"{guess.confidence:.2f}" if guess else "")
    if ex.names_listed:
        table.add_row("names_listed", escape(NAME_SEP.join(ex.names_listed)), "")
    if ex.name_found is not None:
        table.add_row("name_found", "yes" if ex.name_found else "no", "")
    console.print(table)
