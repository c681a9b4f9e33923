#!/usr/bin/env bash
# Runs the whole test suite (lint, unit, integration and browser tests).
# Installs what it needs: Python packages in ./.venv, axe-core from npm, and Debian's chromium
# when missing. Set TINGET_TEST_DATABASE_URL=postgresql://… to run against PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
if [ ! -x "${TINGET_CHROMIUM:-/usr/bin/chromium}" ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-core >/dev/null
fi
[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
