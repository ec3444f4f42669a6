"""`honoree-admin init` as a real process, and the divisions look-up commands."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from admin_cli.app import app
from storage.crypto import generate_secret


def run_init(data_dir: Path, cwd: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("honoree-admin")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "admin_cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONOREE_")}
    env |= {"HONOREE_DATA_DIR": str(data_dir), **extra_env}
    return subprocess.run(
        [*command, "init", "--json"], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_init_subprocess_is_idempotent(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    started = time.perf_counter()
    first = run_init(data_dir, cwd=tmp_path)
    fresh_s = time.perf_counter() - started
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["divisions"]["inserted"] == 13_014
    assert summary["key"]["created"] is True
    assert stat.S_IMODE((data_dir / "secret.key").stat().st_mode) == 0o600
    with sqlite3.connect(data_dir / "honoree.db") as conn:
        assert conn.execute("SELECT count(*) FROM divisions").fetchone() == (13_014,)

    started = time.perf_counter()
    second = run_init(data_dir, cwd=tmp_path)
    again_s = time.perf_counter() - started
    assert second.returncode == 0, second.stderr
    summary2 = json.loads(second.stdout)
    assert (summary2["divisions"]["inserted"], summary2["divisions"]["updated"]) == (0, 0)
    assert summary2["key"]["created"] is False
    print(
        f"\ninit fresh: {summary['elapsed_s']}s in-process / {fresh_s:.2f}s wall; "
        f"second: {summary2['elapsed_s']}s / {again_s:.2f}s"
    )


def test_init_with_a_too_short_key_fails_without_showing_it(tmp_path: Path) -> None:
    result = run_init(tmp_path / "var", cwd=tmp_path, HONOREE_SECRET_KEY="short-key-value")
    assert result.returncode == 1
    assert "at least 32 characters" in result.stderr
    assert "short-key-value" not in result.stderr + result.stdout


def test_init_uses_the_env_key_and_masks_the_database_password(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"HONOREE_SECRET_KEY": generate_secret(), "HONOREE_DATABASE_URL": ""}
    result = runner.invoke(app, ["--data-dir", str(tmp_path), "init", "--json"], env=env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["key"] == {"source": "HONOREE_SECRET_KEY", "file": None, "created": False}
    assert not (tmp_path / "secret.key").exists()

    result = runner.invoke(
        app,
        ["--data-dir", str(tmp_path), "init"],
        env={"HONOREE_DATABASE_URL": "postgresql+asyncpg://u:pw-123@127.0.0.1:1/x"},
    )
    assert result.exit_code == 1
    assert "***" in result.output and "pw-123" not in result.output


def test_divisions_search_and_show(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, [*base, "init"]).exit_code == 0
    found = runner.invoke(app, [*base, "divisions", "search", "白坪社区", "--json"])
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)[0]["code"] == "222401100002"
    assert json.loads(found.stdout)[0]["parent_name"] == "小营镇"
    shown = runner.invoke(app, [*base, "divisions", "show", "222401100000", "--json"])
    info = json.loads(shown.stdout)
    assert info["path"] == ["吉林省", "延边朝鲜族自治州", "延吉市", "小营镇"]
    assert info["children"] > 0 and info["committee"] is None
    missing = runner.invoke(app, [*base, "divisions", "show", "229999999999"])
    assert missing.exit_code == 1


def test_committee_contact_can_be_changed_and_is_audited(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, [*base, "init"]).exit_code == 0
    village = ["--division", "222401100201"]
    added = runner.invoke(app, [*base, "committee", "add", *village, "--contact", "0433-1111111"])
    assert added.exit_code == 0, added.output
    changed = runner.invoke(
        app, [*base, "committee", "contact", *village, "--contact", "0433-2222222", "--json"]
    )
    assert changed.exit_code == 0, changed.output
    assert json.loads(changed.stdout)["contact"] == "0433-2222222"
    listed = json.loads(runner.invoke(app, [*base, "committee", "list", "--json"]).stdout)
    assert [c["contact"] for c in listed] == ["0433-2222222"]
    audit = runner.invoke(app, [*base, "audit", "--json"])
    assert "committee.contact_changed" in audit.stdout and "0433-1111111" in audit.stdout
    missing = runner.invoke(app, [*base, "committee", "contact", "--division", "222401100202",
                                  "--contact", "x"])
    assert missing.exit_code == 1 and "committee add" in missing.output


def test_invites_and_committees_for_a_wrong_code_say_why_in_chinese(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path)]
    assert runner.invoke(app, [*base, "init"]).exit_code == 0
    said = {
        "county": runner.invoke(app, [*base, "invite", "--division", "222401000000",
                                      "--channel", "web"]),
        "unknown": runner.invoke(app, [*base, "committee", "add", "--division", "222401999999"]),
        "role": runner.invoke(app, [*base, "invite", "--division", "222401100201",
                                    "--role", "township", "--channel", "web"]),
    }
    assert all(r.exit_code == 1 for r in said.values()), {k: r.output for k, r in said.items()}
    text = {k: " ".join(r.output.split()) for k, r in said.items()}  # Rich wraps long lines
    assert "县（市、区）" in text["county"] and "村（社区）和乡镇（街道）" in text["county"]
    assert "没有代码为 222401999999" in text["unknown"]
    assert "--role township" in text["role"]
    assert "Traceback" not in "".join(text.values())
