"""The application layer on its own: a whole registration and review with no channel library,
and the rule that keeps channels at the edge."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHANNEL_LIBRARIES = {"aiogram", "aiohttp"}
DATABASE_INSIDES = {"storage.models", "storage.repositories", "storage.thread_session",
                    "storage.uow.UnitOfWork"}


def test_registration_and_review_run_through_services_alone(initialised_sqlite, tmp_path):
    database = tmp_path / "honoree.db"
    shutil.copy(initialised_sqlite, database)
    done = subprocess.run(
        [sys.executable, "-m", "tests.services_scenario", f"sqlite+aiosqlite:///{database}",
         str(tmp_path / "evidence")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "scenario passed" in done.stdout


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_services_and_dialogs_import_no_channel_library():
    for package in ("services", "dialogs"):
        for path in _modules(package):
            roots = {name.split(".")[0] for name in _imports(path)}
            assert not roots & (CHANNEL_LIBRARIES | {"bot", "web", "admin_cli"}), path


def test_channels_and_the_cli_never_reach_into_the_database():
    """bot/ and admin_cli/ call use cases; sessions and models belong to storage/."""
    for package in ("bot", "admin_cli"):
        for path in _modules(package):
            names = _imports(path)
            assert not {n for n in names if n.startswith("sqlalchemy")}, path
            assert not names & DATABASE_INSIDES, path
            text = path.read_text(encoding="utf-8")
            assert ".uow(" not in text, f"{path} opens a unit of work itself"
            assert "UnitOfWork" not in text, f"{path} handles a unit of work itself"


def test_every_bot_module_touches_telegram_or_is_wiring():
    wiring = {"__init__.py", "__main__.py", "logging_setup.py", "workers.py"}  # processes
    for path in _modules("bot"):
        if path.name in wiring:
            continue
        roots = {name.split(".")[0] for name in _imports(path)}
        assert "aiogram" in roots or "aiohttp" in roots, path


def test_the_import_rule_sees_every_spelling_of_an_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from storage import models\nimport storage.repositories\n", encoding="utf-8")
    assert {"storage.models", "storage.repositories"} <= _imports(probe)


def test_bench_scripts_stand_on_their_own():
    """bench/ shares code with the tests through testkit/, never by importing tests/."""
    for path in sorted((ROOT / "bench").glob("*.py")):
        assert not {n for n in _imports(path) if n.split(".")[0] == "tests"}, path
