#!/usr/bin/env bash
# Set up (if needed), create or migrate the database, load the divisions, start the bot.
# Needs HONOREE_BOT_TOKEN (environment or .env).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/honoree-admin init
exec .venv/bin/honoree-bot run "$@"
