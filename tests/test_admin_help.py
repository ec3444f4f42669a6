"""`honoree-admin --help` and each command's --help speak the catalogue's Chinese: staff read
them, so no help text lives outside dialogs/locale."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from admin_cli.app import app
from dialogs.texts import ZH_CN, t

RUNNER = CliRunner()
WIDE = {"COLUMNS": "300"}  # every help on one line, as the catalogue has it
TOP = {"init": "init", "invite": "invite", "poster": "poster", "entries": "entries",
       "export": "export", "receive": "receive", "stats": "stats", "audit": "audit",
       "demo-data": "demo_data", "ocr": "ocr", "rotate-key": "rotate_key",
       "divisions": "divisions", "committee": "committee", "reviewer": "reviewer",
       "deadline": "deadline"}


def commands(group, path: tuple[str, ...] = ()):
    """Every command and group under `group`, with the words that call it."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from commands(command, (*path, name))


def test_the_command_list_is_the_catalogues():
    shown = RUNNER.invoke(app, ["--help"], env=WIDE)
    assert shown.exit_code == 0, shown.output
    assert t("staff.help.root") in shown.output
    for name, key in TOP.items():
        line = next(line for line in shown.output.splitlines() if f" {name} " in line)
        assert t(f"staff.help.{key}") in line, name
    for name in ("backup", "restore"):
        line = next(line for line in shown.output.splitlines() if f" {name} " in line)
        assert t(f"staff.{name}.help") in line


def test_every_command_and_option_help_is_a_catalogue_text():
    texts = set(ZH_CN.values())
    root = typer.main.get_command(app)
    for path, command in commands(root):
        assert command.help in texts, path
        shown = RUNNER.invoke(app, [*path, "--help"], env=WIDE)
        assert shown.exit_code == 0, (path, shown.output)
        assert command.help in shown.output
        for param in command.params:
            helped = getattr(param, "help", None)
            if helped and "--help" not in param.opts:
                assert helped in texts, (path, param.name, helped)
                assert helped in shown.output, (path, param.name)
