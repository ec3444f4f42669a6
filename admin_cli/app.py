"""The root Typer app. Command modules are registered here, one line each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from admin_cli import (
    audit_cmd,
    backup_cmd,
    committee_cmd,
    deadline_cmd,
    demo_cmd,
    divisions_cmd,
    entries_cmd,
    export_cmd,
    init_cmd,
    invite_cmd,
    poster_cmd,
    receive_cmd,
    reviewer_cmd,
    rotate_cmd,
    stats_cmd,
)
from admin_cli.common import CliOptions
from ocr.cli import ocr_command

app = typer.Typer(
    name="honoree-admin",
    help="Township tools for the honoree registration: set-up, divisions, review data, export.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold personal data or the key
)


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Data directory (overrides HONOREE_DATA_DIR)."),
    ] = None,
) -> None:
    ctx.obj = CliOptions(data_dir=data_dir)


app.command("init")(init_cmd.init)
app.add_typer(divisions_cmd.app, name="divisions")
app.add_typer(committee_cmd.app, name="committee")
app.command("invite")(invite_cmd.invite)
app.command("poster")(poster_cmd.poster)
app.add_typer(reviewer_cmd.app, name="reviewer")
app.command("entries")(entries_cmd.entries)
app.command("export")(export_cmd.export)
app.command("receive")(receive_cmd.receive_command)
app.command("stats")(stats_cmd.stats)
app.add_typer(deadline_cmd.app, name="deadline")
app.command("audit")(audit_cmd.audit)
app.command("demo-data")(demo_cmd.demo_data_command)
app.command("ocr")(ocr_command)
app.command("rotate-key")(rotate_cmd.rotate_key)
app.command("backup")(backup_cmd.backup)
app.command("restore")(backup_cmd.restore)
