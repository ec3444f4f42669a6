#!/usr/bin/env bash
# Set up (if needed), create or migrate the database, load the divisions, start the bot.
# With HONOREE_BOT_TOKEN (environment or .env): Telegram and the web page; without it the web
# page alone on 127.0.0.1 with a demo committee (its URLs are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/honoree-admin init
exec .venv/bin/honoree-bot run "$@"
