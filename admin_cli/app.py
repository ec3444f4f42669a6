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
    ocr_cmd,
    poster_cmd,
    receive_cmd,
    reviewer_cmd,
    rotate_cmd,
    stats_cmd,
)
from admin_cli.common import CliOptions
from dialogs.texts import t

app = typer.Typer(
    name="honoree-admin",
    help=t("staff.help.root"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold personal data or the key
)


@app.callback()
def root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help=t("staff.help.root.data_dir")),
    ] = None,
) -> None:
    ctx.obj = CliOptions(data_dir=data_dir)


app.command("init", help=t("staff.help.init"))(init_cmd.init)
app.add_typer(divisions_cmd.app, name="divisions")
app.add_typer(committee_cmd.app, name="committee")
app.command("invite", help=t("staff.help.invite"))(invite_cmd.invite)
app.command("poster", help=t("staff.help.poster"))(poster_cmd.poster)
app.add_typer(reviewer_cmd.app, name="reviewer")
app.command("entries", help=t("staff.help.entries"))(entries_cmd.entries)
app.command("export", help=t("staff.help.export"))(export_cmd.export)
app.command("receive", help=t("staff.help.receive"))(receive_cmd.receive_command)
app.command("stats", help=t("staff.help.stats"))(stats_cmd.stats)
app.add_typer(deadline_cmd.app, name="deadline")
app.command("audit", help=t("staff.help.audit"))(audit_cmd.audit)
app.command("demo-data", help=t("staff.help.demo_data"))(demo_cmd.demo_data_command)
app.command("ocr", help=t("staff.help.ocr"))(ocr_cmd.ocr_command)
app.command("rotate-key", help=t("staff.help.rotate_key"))(rotate_cmd.rotate_key)
app.command("backup", help=t("staff.backup.help"))(backup_cmd.backup)
app.command("restore", help=t("staff.restore.help"))(backup_cmd.restore)
