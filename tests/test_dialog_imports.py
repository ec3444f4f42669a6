"""Every dialogs module imports on its own in a fresh interpreter (no import circle hidden by
the order others happen to be imported in), and none pulls in a channel or database library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

DIALOGS = Path(__file__).resolve().parents[1] / "dialogs"
MODULES = sorted(f"dialogs.{p.stem}" for p in DIALOGS.glob("*.py") if p.stem != "__init__")
FOREIGN = ("aiogram", "sqlalchemy", "aiosqlite", "asyncpg", "aiohttp", "storage", "bot", "ocr")


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone_and_stays_pure(module):
    probe = (
        f"import importlib, sys; importlib.import_module({module!r}); "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({FOREIGN!r})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=DIALOGS.parent, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"{module} imports {done.stdout.strip()}"
