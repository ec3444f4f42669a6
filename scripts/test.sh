#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite: unit, storage (SQLite + PostgreSQL),
# OCR with both engines, and end-to-end runs of the real bot process against the emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
