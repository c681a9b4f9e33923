#!/usr/bin/env bash
# Sets up Tinget in ./.venv and starts it on SQLite with demo data at http://127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
export FLASK_APP=wsgi
.venv/bin/flask translate compile
.venv/bin/flask db upgrade
.venv/bin/flask demo
echo "Tinget runs at http://127.0.0.1:${PORT:-5000} — stop it with Ctrl+C."
exec .venv/bin/flask run --host 127.0.0.1 --port "${PORT:-5000}"
