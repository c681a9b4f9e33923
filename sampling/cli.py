"""Command line: ``python -m sampling probabilities|draw|diagnose …``.

Every command prints exactly one JSON object on stdout. On any error the exit code is 2 and the
object is ``{"error": <code>, "message": <text>, …}`` — never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

from sampling.diagnosis import diagnose
from sampling.errors import SamplingError
from sampling.formats import read_instance
from sampling.lottery import build_lottery, draw
from sampling.stage2 import ALGORITHMS, select_probabilities


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m sampling", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in ("probabilities", "draw", "diagnose"):
        p = sub.add_parser(name)
        p.add_argument("--features", required=True, help="quota file (features/categories CSV)")
        p.add_argument("--people", required=True, help="volunteers CSV")
        p.add_argument("--panel-size", required=True, type=int)
        p.add_argument("--id-column", default=None)
        p.add_argument(
            "--household-columns",
            default="",
            help="comma-separated address columns: at most one per household",
        )
        if name != "diagnose":
            p.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
        if name == "draw":
            p.add_argument("--seed", required=True)
            p.add_argument("--lottery-size", type=int, default=1000)
    return parser


def _load(args: argparse.Namespace):
    columns = [c.strip() for c in args.household_columns.split(",") if c.strip()]
    return read_instance(
        args.features, args.people, id_column=args.id_column, household_columns=columns
    )


def _probabilities(args: argparse.Namespace) -> dict[str, Any]:
    start = time.perf_counter()
    inst = _load(args)
    result = select_probabilities(inst.pool, inst.quotas, args.panel_size, args.algorithm)
    return {
        "algorithm": result.algorithm,
        "n": len(inst.pool),
        "panel_size": result.panel_size,
        "min_probability": result.min_probability,
        "max_probability": result.max_probability,
        "probabilities": result.probabilities,
        "never_selected": [n.id for n in result.never_selected],
        "always_selected": [n.id for n in result.always_selected],
        "distinct_profiles": result.report.distinct_profiles,
        "seconds": time.perf_counter() - start,
    }


def _draw(args: argparse.Namespace) -> dict[str, Any]:
    inst = _load(args)
    result = select_probabilities(inst.pool, inst.quotas, args.panel_size, args.algorithm)
    lottery = build_lottery(result, inst.pool, inst.quotas, args.lottery_size)
    outcome = draw(lottery, args.seed)
    return {
        "panel": list(outcome.panel),
        "commitment": lottery.commitment,
        "index": outcome.index,
        "lottery_size": lottery.size,
        "seed": outcome.seed,
        "algorithm": result.algorithm,
        "min_probability": result.min_probability,
        "lottery_max_deviation": lottery.max_deviation,
    }


def _diagnose(args: argparse.Namespace) -> dict[str, Any]:
    inst = _load(args)
    return diagnose(inst.pool, inst.quotas, args.panel_size).to_dict()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
        handler = {"probabilities": _probabilities, "draw": _draw, "diagnose": _diagnose}
        out = handler[args.command](args)
        code = 0
    except _UsageError as exc:
        out, code = {"error": "cli.usage", "message": str(exc)}, 2
    except SamplingError as exc:
        out, code = exc.to_dict(), 2
    except Exception as exc:  # noqa: BLE001 - the contract is JSON, never a traceback
        out, code = {"error": "internal.error", "message": f"{type(exc).__name__}: {exc}"}, 2
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return code
