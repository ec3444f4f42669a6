"""Chart benchmark: `honoree-admin stats --chart` for a township with N demo entries.

    .venv/bin/python bench/chart_bench.py [--count 300] [--runs 3]

Prints numbers, asserts nothing. The entries come from demo-data; each run is the real CLI in
a child process, so its wall time includes starting Python and importing matplotlib, as a
township officer would wait for it. Target: under 5 s for 300 entries.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOWNSHIP = "222401100000"  # 延吉市 小营镇
ROOT = Path(__file__).resolve().parent.parent


def admin(data_dir: Path, *args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "admin_cli", "--data-dir", str(data_dir), *args],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        admin(data, "init")
        admin(data, "demo-data", "--township", TOWNSHIP, "--count", str(args.count),
              "--status", "submitted", "--seed", "1")
        admin(data, "deadline", "set", "--level", "village", "--date", "2027-01-15")
        times = [admin(data, "stats", "--township", TOWNSHIP, "--chart", str(data / "c.png"))
                 for _ in range(args.runs)]
        size = (data / "c.png").stat().st_size
    print(f"stats --chart, {args.count} entries: best {min(times):.2f} s, "
          f"worst {max(times):.2f} s over {args.runs} runs (PNG {size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
