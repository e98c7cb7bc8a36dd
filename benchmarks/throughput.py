"""Throughput of the whole coder next to spaCy parsing alone (the ceiling), on real news.

    python benchmarks/throughput.py [--limit N] [--processes P] [--batch-size B] [--input FILE]

Each measurement runs in a fresh process, so its peak memory (max RSS of the process and its
workers) is its own. Prints stories/s, words/s, peak memory and the coder/parse-only ratio
(target: at least 0.80).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

DEFAULT_INPUT = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "news.jsonl"


def load_stories(path: Path, limit: int | None):
    from dyads.reader import read_stories

    stories = []
    for item in read_stories([str(path)]):
        if hasattr(item, "text"):
            stories.append(item)
        if limit and len(stories) >= limit:
            break
    return stories


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def run_parse_only(path: Path, limit: int | None, processes: int, batch_size: int, out) -> None:
    from dyads.nlp import load_pipeline

    stories = load_stories(path, limit)
    nlp = load_pipeline(code_events=False)
    nlp.max_length = 2_000_001
    start = time.perf_counter()
    n_tokens = 0
    for doc in nlp.pipe((s.text for s in stories), n_process=processes, batch_size=batch_size):
        n_tokens += len(doc)
    elapsed = time.perf_counter() - start
    out.put({"name": "parse only", "seconds": elapsed, "stories": len(stories),
             "words": sum(len(s.text.split()) for s in stories), "events": 0, "peak_mb": _peak_mb()})


def run_coder(path: Path, limit: int | None, processes: int, batch_size: int, out, geocode: bool) -> None:
    from dyads.coder import Coder

    stories = load_stories(path, limit)
    coder = Coder(n_process=processes, batch_size=batch_size, geocode=geocode)
    if geocode:  # load the gazetteer before the clock starts, as a long-running coder would have it
        coder.code_text("Talks were held in Paris.", "warm-up")
    start = time.perf_counter()
    n_events = sum(len(events) for _story, events in coder.code(stories))
    elapsed = time.perf_counter() - start
    out.put({"name": "coder" + (" + places" if geocode else ""), "seconds": elapsed, "stories": len(stories),
             "words": sum(len(s.text.split()) for s in stories), "events": n_events, "peak_mb": _peak_mb()})


def measure(target, *args) -> dict:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, default=DEFAULT_INPUT)
    ap.add_argument("--limit", type=int, default=400, help="stories to code (0 = all)")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.input.exists():
        print(f"benchmark input not found: {args.input}", file=sys.stderr)
        return 1
    limit = args.limit or None
    results = [
        measure(run_parse_only, args.input, limit, args.processes, args.batch_size),
        measure(lambda *a: run_coder(*a[:-1], a[-1], False), args.input, limit, args.processes, args.batch_size),
        measure(lambda *a: run_coder(*a[:-1], a[-1], True), args.input, limit, args.processes, args.batch_size),
    ]
    base = results[0]["seconds"]
    for r in results:
        r["stories_per_s"] = r["stories"] / r["seconds"]
        r["words_per_s"] = r["words"] / r["seconds"]
        r["share_of_parse_only"] = base / r["seconds"]
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"{results[0]['stories']} stories, {results[0]['words']:,} words, {args.processes} processes, "
          f"batch {args.batch_size}")
    print(f"{'run':18s} {'seconds':>8s} {'stories/s':>10s} {'words/s':>9s} {'events':>7s} {'peak MB':>8s} "
          f"{'vs parse':>8s}")
    for r in results:
        print(f"{r['name']:18s} {r['seconds']:8.1f} {r['stories_per_s']:10.2f} {r['words_per_s']:9.0f} "
              f"{r['events']:7d} {r['peak_mb']:8.0f} {r['share_of_parse_only']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
