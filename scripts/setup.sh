#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine: system packages, a virtualenv, the project.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium (+ an emoji font): the web page's browser tests; Playwright drives it, no download.
# LibreOffice, poppler and Carlito: the printing tests render the exports to PDF and PNG.
APT_PACKAGES="tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert fonts-noto-cjk libreoffice-calc libreoffice-writer poppler-utils fonts-crosextra-carlito chromium fonts-noto-color-emoji"
missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  echo "==> installing system packages:$missing"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> installing the project and its dependencies"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[ocr,dev]"
  rm -f .venv/.installed-*; touch "$stamp"
fi

# The text catalogues: compile the .po files a translator edits into .mo (read at import).
.venv/bin/python scripts/catalogue.py compile >/dev/null
