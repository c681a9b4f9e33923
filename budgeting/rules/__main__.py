"""Command line: ``python -m budgeting.rules FILE.pb --variant V``.

Prints one JSON object: ``{"variant", "winners", "total_cost", "seconds"}`` (``seconds`` = time
of the count, reading the file excluded). ``--details`` adds the variant description, the
selection order, the endowment and the number of MES runs. Errors print
``{"error": code, "message": ...}`` and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .counting import count
from .election import format_amount
from .errors import RulesError, VariantError
from .pb import read_pb_file
from .tiebreak import TieBreak
from .variants import VARIANTS


def parse_tie(text: str) -> TieBreak:
    """``id`` | ``min_cost`` | ``max_votes`` | ``refuse`` | ``order:ID1,ID2,…``."""
    if text.startswith("order:"):
        return TieBreak.by_order([t for t in text[len("order:") :].split(",") if t])
    return TieBreak(text)


def run(argv: list[str] | None = None) -> tuple[int, dict[str, Any]]:
    """Run the command; returns (exit status, JSON object)."""
    parser = argparse.ArgumentParser(prog="python -m budgeting.rules", description=__doc__)
    parser.add_argument("file", help="a pabulib .pb file")
    parser.add_argument("--variant", required=True, help=", ".join(VARIANTS))
    parser.add_argument("--tie-break", default="id", help="id|min_cost|max_votes|refuse|order:…")
    parser.add_argument("--details", action="store_true", help="add variant description etc.")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        if exc.code == 0:  # --help
            raise
        return 2, {"error": "cli.usage", "message": "usage: FILE.pb --variant V"}
    try:
        if args.variant not in VARIANTS:
            raise VariantError("variant.unknown", f"unknown variant {args.variant!r}")
        tie = parse_tie(args.tie_break)
        election = read_pb_file(args.file)
        result = count(election, args.variant, tie)
    except RulesError as err:
        return 2, err.as_dict()
    except MemoryError:
        return 2, {"error": "count.out_of_memory", "message": "not enough memory"}
    out: dict[str, Any] = {
        "variant": args.variant,
        "winners": result.winners,
        "total_cost": format_amount(result.total_cost),
        "seconds": round(result.seconds, 6),
    }
    if args.details:
        out.update({k: v for k, v in result.summary().items() if k not in out})
    return 0, out


def main(argv: list[str] | None = None) -> int:
    status, out = run(argv)
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
