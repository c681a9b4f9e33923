"""The command line prints one JSON object; errors exit 2 with a code."""

from __future__ import annotations

import json
import subprocess
import sys

from budgeting.rules.__main__ import run

from .conftest import DATA, REFERENCE_ROWS


def test_cli_prints_variant_winners_exact_cost_and_seconds() -> None:
    row = next(r for r in REFERENCE_ROWS if r["variant"] == "mes_cost+greedy")
    status, out = run([str(DATA / row["file"]), "--variant", "mes_cost+greedy"])
    assert status == 0
    assert set(out) == {"variant", "winners", "total_cost", "seconds"}
    assert out["winners"] == row["winners_in_order"] and out["total_cost"] == row["total_cost"]


def test_cli_broken_file_exits_2_with_error_code(tmp_path) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;x\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "budgeting.rules", str(bad), "--variant", "greedy_cost"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    out = json.loads(proc.stdout)
    assert out["error"].startswith("pb.") and out["message"]


def test_cli_rejects_unknown_variant_and_non_approval_phragmen() -> None:
    status, out = run([str(DATA / "Netherlands_Assen_2024.pb"), "--variant", "nope"])
    assert (status, out["error"]) == (2, "variant.unknown")
    status, out = run([str(DATA / "Poland_Krakow_2019_Podgorze.pb"), "--variant", "phragmen"])
    assert (status, out["error"]) == (2, "variant.needs_approval")


def test_engine_imports_neither_pabutools_nor_web_libraries() -> None:
    code = (
        "import sys, budgeting.rules as r; "
        "from budgeting.rules.__main__ import run; "
        f"run([{str(DATA / 'Netherlands_Assen_2024.pb')!r}, '--variant', 'mes_cost_add1+greedy']); "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('pabutools', 'flask', 'sqlalchemy', 'flask_sqlalchemy')]; "
        "print(','.join(bad))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""
