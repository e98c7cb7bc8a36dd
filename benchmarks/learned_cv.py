"""Does the learned classifier pay? k-fold cross-validation of rules only vs rules + classifier.

    python benchmarks/learned_cv.py [--folds 5] [--epochs 10] [--seed 0] [--architecture bow]
                                    [--gold-dir ../shared/gold/dev] [--datasets plover-gsr conflibert-cameo]

For each dataset, the records are split into k folds (seeded shuffle); for each fold a classifier is
trained (``dyads.learned.train_classifier``, as ``dyads train`` does) on the other folds and the held-out
fold is coded with it. The pooled held-out predictions are scored with the public scorer's metrics
(``dyads.evaluate``) next to the rules alone, in three settings: re-rank and back-off (as trained), re-rank
only, back-off only. Also prints training time per fold and coding throughput (stories/s).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "dev"
DEFAULT_DATASETS = ["plover-gsr", "conflibert-cameo"]
# Which parts of the component run: (label, settings written over the trained model's meta).
SETTINGS = [("rules + classifier", {}), ("re-rank only", {"threshold": 2.0}),
            ("back-off only", {"rerank_weight": 0.0})]


def folds_of(ids: list[str], k: int, seed: int) -> list[set[str]]:
    order = list(ids)
    random.Random(seed).shuffle(order)
    return [set(order[i::k]) for i in range(k)]


def code(coder, stories) -> tuple[list[dict], float]:
    from dyads.evaluate import code_stories

    started = time.perf_counter()
    predictions = code_stories(stories, coder)
    return predictions, time.perf_counter() - started


def with_settings(model_dir: Path, settings: dict) -> None:
    """Rewrite the component's settings in the model's meta.json (they are data, not weights)."""
    from dyads.learned import META_KEY

    meta_file = model_dir / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta[META_KEY].update(settings)
    meta_file.write_text(json.dumps(meta, indent=2), encoding="utf-8")


def cross_validate(path: Path, args, rules_coder, workdir: Path) -> dict:
    from dyads.coder import Coder
    from dyads.evaluate import headline_figures, load_gold, score_predictions, stories_for_gold
    from dyads.learned import train_classifier

    records = load_gold(path)
    stories, _ = stories_for_gold(path, records)
    rules, rules_seconds = code(rules_coder, stories)
    rows = {"rules only": {"predictions": rules, "seconds": rules_seconds}}
    for name, _ in SETTINGS:
        rows[name] = {"predictions": [], "seconds": 0.0}
    train_seconds = []
    for i, held_out in enumerate(folds_of([r["id"] for r in records], args.folds, args.seed)):
        train_file = workdir / f"{path.stem}.fold{i}.jsonl"
        with train_file.open("w", encoding="utf-8") as out:
            for record in records:
                if record["id"] not in held_out:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
        model_dir = workdir / f"{path.stem}.fold{i}.model"
        started = time.perf_counter()
        meta = train_classifier([train_file], model_dir, epochs=args.epochs, seed=args.seed,
                                threshold=args.threshold, architecture=args.architecture)
        train_seconds.append(time.perf_counter() - started)
        fold_stories = [s for s in stories if s.id in held_out]
        for name, settings in SETTINGS:
            with_settings(model_dir, {key: meta[key] for key in ("threshold", "rerank_weight")} | settings)
            predictions, seconds = code(Coder(classifier=model_dir), fold_stories)
            rows[name]["predictions"] += predictions
            rows[name]["seconds"] += seconds
        print(f"  {path.stem} fold {i + 1}/{args.folds}: {meta['examples']} examples, "
              f"{train_seconds[-1]:.1f} s training", file=sys.stderr)
    table = {}
    for name, row in rows.items():
        (figures,) = headline_figures(score_predictions(records, row["predictions"])).values()
        figures["stories/s"] = len(stories) / row["seconds"]
        figures["learned events"] = sum(p["rule"].startswith("learned:") for p in row["predictions"])
        table[name] = figures
    return {"records": len(records), "rows": table, "train_seconds": sum(train_seconds) / len(train_seconds)}


def print_table(dataset: str, result: dict, args) -> None:
    rows = result["rows"]
    metrics = list(next(iter(rows.values())))
    print(f"\n### {dataset}: {result['records']} records, {args.folds}-fold CV, {args.architecture}, "
          f"{args.epochs} epochs, threshold {args.threshold}; training {result['train_seconds']:.1f} s per fold\n")
    print("| setting | " + " | ".join(metrics) + " |")
    print("|---|" + "---:|" * len(metrics))
    for name, figures in rows.items():
        cells = [f"{figures[m]:.0f}" if m == "learned events" else
                 f"{figures[m]:.1f}" if m == "stories/s" else f"{figures[m]:.3f}" for m in metrics]
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--architecture", default="bow")
    parser.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--datasets", nargs="+", default=DEFAULT_DATASETS)
    args = parser.parse_args()

    from dyads.coder import Coder

    rules_coder = Coder()
    with tempfile.TemporaryDirectory(prefix="dyads-cv-") as tmp:
        for dataset in args.datasets:
            path = args.gold_dir / f"{dataset}.gold.jsonl"
            if not path.is_file():
                sys.exit(f"{path}: no such gold file")
            print_table(dataset, cross_validate(path, args, rules_coder, Path(tmp)), args)


if __name__ == "__main__":
    main()
