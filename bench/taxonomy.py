"""Benchmark of code suggestions: top-1 and top-3 accuracy on held-out coded items.

The demo input (taxonomy/data/demo_inputs.csv, 96 items in Bokmål, Nynorsk and English with the
codes a coder gave them) is split into k folds; for each fold the suggester learns from the
codebook plus the other folds' coded items and ranks codes for the held-out items. A hit is a
suggestion among the item's codes. Also reports the codebook-only baseline and timing.

Run: .venv/bin/python bench/taxonomy.py [--folds 5] [--seed 1]"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from taxonomy.frameworks import read_codebook, read_demo_inputs  # noqa: E402
from taxonomy.suggest import Example, Suggester, top_k_accuracy  # noqa: E402


def codebook_examples() -> list[Example]:
    examples: list[Example] = []

    def walk(specs: list[dict]) -> None:
        for spec in specs:
            for lang in ("nb", "en"):
                examples.append(
                    Example(
                        spec["key"],
                        " ".join(
                            spec.get(f"{f}_{lang}", "") for f in ("label", "definition", "include")
                        ),
                    )
                )
                examples.extend(Example(spec["key"], e) for e in spec.get(f"examples_{lang}", []))
            walk(spec.get("children", []))

    walk(read_codebook()["codes"])
    return examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = read_demo_inputs()
    random.Random(args.seed).shuffle(rows)
    base = codebook_examples()
    hits = {1: 0.0, 3: 0.0}
    baseline = {1: 0.0, 3: 0.0}
    started = time.perf_counter()
    for fold in range(args.folds):
        test = rows[fold :: args.folds]
        train = [r for i, r in enumerate(rows) if i % args.folds != fold]
        texts = [r["text"] for r in test]
        gold = [set(r["codes"].split(";")) for r in test]
        learned = Suggester(
            base + [Example(c, r["text"], True) for r in train for c in r["codes"].split(";")]
        )
        for k, value in top_k_accuracy(learned, texts, gold).items():
            hits[k] += value * len(test)
        for k, value in top_k_accuracy(Suggester(base), texts, gold).items():
            baseline[k] += value * len(test)
    elapsed = time.perf_counter() - started
    n = len(rows)
    print(f"held-out items: {n} ({args.folds}-fold, seed {args.seed})")
    print(f"codebook + coded items: top-1 {hits[1] / n:.3f}  top-3 {hits[3] / n:.3f}")
    print(f"codebook only:          top-1 {baseline[1] / n:.3f}  top-3 {baseline[3] / n:.3f}")
    print(f"time: {elapsed:.2f} s for {2 * args.folds} fits and {2 * n} rankings")


if __name__ == "__main__":
    main()
