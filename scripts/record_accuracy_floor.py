#!/usr/bin/env python3
"""Measure the regression sample of tests/accuracy_floor.json and record its figures as the floor.

Each floor is the measured figure rounded DOWN to 2 decimals. Floors only go up: a figure that
measures below its floor is refused (nothing is written) unless --allow-lower is given, and then
the commit should say why.

Usage: python scripts/record_accuracy_floor.py [--allow-lower] [--dry-run] [--processes N]
Needs ../shared/gold/dev beside the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLOOR_FILE = REPO / "tests" / "accuracy_floor.json"
DEV = REPO.parent / "shared" / "gold" / "dev"


def round_down(value: float) -> float:
    """2-decimal floor, immune to binary noise (0.29 * 100 == 28.999999999999996)."""
    return math.floor(round(value * 100, 6)) / 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--allow-lower", action="store_true", help="accept floors that go down")
    parser.add_argument("--dry-run", action="store_true", help="measure and compare, write nothing")
    parser.add_argument("--processes", type=int, default=1, help="parsing processes for the coder")
    args = parser.parse_args(argv)

    if not DEV.is_dir():
        print(f"error: {DEV} not found", file=sys.stderr)
        return 2
    sys.path.insert(0, str(REPO / "src"))
    from dyads.coder import Coder
    from dyads.evaluate import figures_of_sample

    floor_file = json.loads(FLOOR_FILE.read_text(encoding="utf-8"))
    sample = {DEV / f"{dataset}.gold.jsonl": n for dataset, n in floor_file["sample"].items()}
    started = time.perf_counter()
    measured = figures_of_sample(sample, Coder(n_process=args.processes))
    seconds = time.perf_counter() - started

    old_floors = floor_file.get("floors", {})
    new_floors: dict[str, dict[str, float]] = {}
    refused = []
    print(f"{'dataset':22s} {'metric':30s} {'measured':>9s} {'floor':>6s} {'new':>6s}")
    for dataset, figures in measured.items():
        new_floors[dataset] = {}
        for name, value in figures.items():
            old = old_floors.get(dataset, {}).get(name)
            new = round_down(value)
            if old is not None and new < old and not args.allow_lower:
                refused.append(f"{dataset} {name}: {value:.4f} would lower the floor {old:.2f}")
                new = old
            elif old is not None and new < old:
                print(f"LOWERED (--allow-lower): {dataset} {name} {old:.2f} -> {new:.2f}", file=sys.stderr)
            note = "" if old is None else f"{old:6.2f}"
            print(f"{dataset:22s} {name:30s} {value:9.4f} {note:>6s} {new:6.2f}"
                  + ("  raised" if old is not None and new > old else ""))
            new_floors[dataset][name] = new
    print(f"measured in {seconds:.0f} s")
    if refused:
        print("refused: a figure fell below its floor (fix the regression, or --allow-lower and say why):",
              *refused, sep="\n  ", file=sys.stderr)
        return 1
    if args.dry_run:
        return 0
    floor_file["floors"] = new_floors
    floor_file["measured"] = {"date": date.today().isoformat(),
                              "figures": {ds: {k: round(v, 4) for k, v in f.items()} for ds, f in measured.items()}}
    FLOOR_FILE.write_text(json.dumps(floor_file, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {FLOOR_FILE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
