"""A small run of ``bench/load.py`` (not timed): residents keep voting, signing up and sending
input while a gunicorn worker is killed and the database is locked, and the reconciliation
finds every accepted submission stored exactly once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mixed_load_survives_a_killed_worker_and_a_locked_database_without_losing_anything():
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--voters", "40", "--sign-ups", "16", "--inputs", "16",
         "--views", "40", "--clients", "6", "--port", "54388", "--max-seconds", "240"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    out = result.stdout
    assert result.returncode == 0, out + result.stderr[-3000:]
    assert "kill a worker: SIGKILL to worker" in out
    assert "cut the database: another process held the write lock" in out
    assert "every accepted submission stored exactly once: yes" in out
    rows = {line.split()[0]: line.split("|") for line in out.splitlines() if "|" in line}
    for kind in ("ballots", "sign-ups", "input"):
        accepted, stored_once = (int(rows[kind][0].split()[-1]), int(rows[kind][1]))
        assert accepted > 0 and stored_once == accepted
