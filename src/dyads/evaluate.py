"""Agreement with human coders: code the texts of a gold file and measure the events against it.

The gold schema and the metric definitions are those of the public gold sets dyads is measured on
(one JSON object per gold record: ``id``, ``dataset``, ``date``, ``text``, ``events`` with
``event_type`` / ``penta`` / ``source`` / ``target``; sentence-labelled sets add ``labels``, ``doc_id``,
``doc_start``, ``doc_end``). Predictions are event records as written by ``dyads code --output``.

Which metrics a gold record gets depends on its ``dataset``:

* ``events`` family (plover-gsr, petr2-gsr, and by default any gold with typed events): event-type
  micro P/R/F1, top-1 type accuracy, dyad micro P/R/F1, actor-country P/R/F1. Untyped events are
  ignored on both sides; countries compare upper-cased; every tuple is counted once.
* ``penta`` family (conflibert-cameo, and gold whose events carry only a penta class): accuracy and
  macro-F1 of the five-way class of the top event, and word-overlap F1 of its source/target spans.
* ``case`` family (case2021-task2): accuracy and macro-F1 of the top typed event.
* ``sentence_labels`` family (india-police-events, and gold with ``labels`` + ``doc_id``): per-label
  sentence P/R/F1 of what police (sector COP) did: ANY_ACTION, ARREST, FORCE, KILL.

"Top-1" is always the prediction with the highest ``confidence`` (the first one in order on ties), so a
coder must rank a sentence's main event first.

``score_predictions`` is the pure scoring function; ``run_evaluation`` codes the gold texts with the
coder and adds a confusion matrix and the worst misses; ``render_report`` prints it with Rich.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .models import Story

# ------------------------------------------------------------------------------------------ label tables
# The five "penta" classes of the ConfliBERT CAMEO set, by CAMEO root. Unlike the usual quad classes,
# statements and appeals (01, 02) form a class of their own, protest (14) counts as material conflict
# and reducing relations / sanctions (16) as verbal conflict.
PENTA_NAMES = {0: "Make a Statement", 1: "Verbal Cooperation", 2: "Material Cooperation",
               3: "Verbal Conflict", 4: "Material Conflict"}
_PENTA_ROOTS = {0: "01 02", 1: "03 04 05", 2: "06 07 08", 3: "09 10 11 12 13 16", 4: "14 15 17 18 19 20"}
PENTA_OF_CAMEO_ROOT = {root: penta for penta, roots in _PENTA_ROOTS.items() for root in roots.split()}
# When an event has no CAMEO code, its PLOVER type stands for the CAMEO roots it translates
# (CONCEDE is CAMEO 08 "yield", hence material cooperation).
_PENTA_TYPES = {1: "AGREE CONSULT SUPPORT", 2: "COOPERATE AID RETREAT CONCEDE",
                3: "REQUEST ACCUSE REJECT THREATEN SANCTION", 4: "PROTEST MOBILIZE COERCE ASSAULT"}
PENTA_OF_PLOVER_TYPE = {t: penta for penta, types in _PENTA_TYPES.items() for t in types.split()}

# Police labels of sentence-labelled gold, most specific first (FAIL has no event equivalent).
POLICE_LABELS = ["KILL", "ARREST", "FORCE", "ANY_ACTION"]
_LABEL_PRIORITY = ["KILL", "FORCE", "ARREST", "ANY_ACTION"]
_KILLING_TRIGGER = re.compile(r"\bkill|\bshot dead|\bshoot dead")

# Metric family per known dataset; other datasets are assigned a family from their content.
DATASET_FAMILY = {"plover-gsr": "events", "petr2-gsr": "events", "conflibert-cameo": "penta",
                  "case2021-task2": "case", "india-police-events": "sentence_labels"}

# The figures a user looks at first (and the regression test guards), per family.
HEADLINE_METRICS = {
    "events": ["event_type.f1", "top1_type_accuracy.accuracy", "dyad.f1", "actor_country.f1"],
    "penta": ["penta.accuracy", "penta.macro_f1", "source_span_token_f1.f1", "target_span_token_f1.f1"],
    "case": ["top1_type.accuracy", "top1_type.macro_f1"],
    "sentence_labels": ["ANY_ACTION.f1", "ARREST.f1", "FORCE.f1", "KILL.f1"],
}

NO_PREDICTION = "none"


class GoldError(ValueError):
    """Unusable gold or prediction input; the message names the file and line."""


# ------------------------------------------------------------------------------------ reading events
def event_type_of(pred: dict) -> str | None:
    value = pred.get("event_type")
    if isinstance(value, str) and value.strip():
        return value.strip().upper()
    return None


def cameo_of(pred: dict) -> str | None:
    value = pred.get("cameo")
    return None if value is None or value == "" else str(value).strip()


def cameo_root_of(code: str | None) -> str | None:
    """Two-digit CAMEO root of a code ("0841" -> "08"), None unless it is one of 01..20."""
    text = str(code).strip() if code is not None else ""
    root = text[:2]
    if len(text) >= 2 and root.isdigit() and "01" <= root <= "20":
        return root
    return None


def confidence_of(pred: dict) -> float:
    try:
        return float(pred.get("confidence"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def participants(pred: dict | None, role: str) -> list[dict]:
    """The actor dicts of one role ("actor" / "recipient"); a single dict counts as a list of one."""
    if pred is None:
        return []
    value = pred.get(role)
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, dict)]


def country_codes(actors: Iterable[dict]) -> list[str]:
    codes = set()
    for actor in actors:
        country = actor.get("country")
        if isinstance(country, str) and country.strip():
            codes.add(country.strip().upper())
    return sorted(codes)


def penta_of(pred: dict) -> int | None:
    root = cameo_root_of(cameo_of(pred))
    if root is not None:
        return PENTA_OF_CAMEO_ROOT[root]
    return PENTA_OF_PLOVER_TYPE.get(event_type_of(pred))  # type: ignore[arg-type]


def top_prediction(preds: Sequence[dict], key: Callable[[dict], Any] | None = None) -> dict | None:
    """The highest-confidence prediction (earliest on ties), among those with a non-None ``key``."""
    best, best_conf = None, -math.inf
    for pred in preds:
        if key is not None and key(pred) is None:
            continue
        conf = confidence_of(pred)
        if best is None or conf > best_conf:
            best, best_conf = pred, conf
    return best


def mode_words(pred: dict) -> str:
    mode = pred.get("mode")
    if isinstance(mode, list):
        return " ".join(str(m) for m in mode)
    return str(mode) if mode else ""


def trigger_of(pred: dict) -> dict:
    trig = pred.get("trigger")
    if isinstance(trig, dict):
        return trig
    return {"text": trig if isinstance(trig, str) else pred.get("event_text")}


def police_labels_fired(pred: dict) -> set[str]:
    """Sentence labels an event fires: only events with a police (COP) actor count."""
    if not any("COP" in str(a.get("sector") or "").upper() for a in participants(pred, "actor")):
        return set()
    etype, cameo = event_type_of(pred), cameo_of(pred) or ""
    modes = mode_words(pred).lower()
    trigger_text = str(trigger_of(pred).get("text") or "").lower()
    labels = {"ANY_ACTION"}
    is_arrest = cameo.startswith("173") or (etype == "COERCE" and "arrest" in modes)
    if is_arrest:
        labels.add("ARREST")
    if etype == "ASSAULT" or (etype == "COERCE" and not is_arrest):
        labels.add("FORCE")  # "killing or other force"; arrests are a label of their own
    violent_root = cameo_root_of(cameo) in (None, "18", "19", "20")
    if etype == "ASSAULT" and violent_root and ("kill" in modes or _KILLING_TRIGGER.search(trigger_text)):
        labels.add("KILL")
    return labels


def anchor_offset(pred: dict) -> int | None:
    """Story offset that places an event in a sentence: its trigger, else first actor, else recipient."""
    for item in [trigger_of(pred), *participants(pred, "actor"), *participants(pred, "recipient")]:
        if isinstance(item.get("start"), int):
            return item["start"]
    return None


# --------------------------------------------------------------------------------------- arithmetic
def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"p": precision, "r": recall, "f1": f1, "tp": tp, "pred": n_pred, "gold": n_gold}


def set_prf(gold: set, pred: set) -> dict:
    return prf(len(gold & pred), len(pred), len(gold))


def accuracy_and_macro_f1(pairs: list[tuple[Any, Any]]) -> dict:
    """(gold label, predicted label) pairs -> accuracy, and macro-F1 over the gold labels present."""
    if not pairs:
        return {"accuracy": 0.0, "macro_f1": 0.0, "n": 0, "per_class": {}}
    per_class = {}
    for label in sorted({g for g, _ in pairs}, key=str):
        n_gold = sum(1 for g, _ in pairs if g == label)
        n_pred = sum(1 for _, p in pairs if p == label)
        tp = sum(1 for g, p in pairs if g == label and p == label)
        per_class[str(label)] = prf(tp, n_pred, n_gold)
    correct = sum(1 for g, p in pairs if g == p)
    macro = sum(m["f1"] for m in per_class.values()) / len(per_class)
    return {"accuracy": correct / len(pairs), "macro_f1": macro, "n": len(pairs), "per_class": per_class}


_EDGE_PUNCTUATION = ".,;:!?\"'()[]{}"


def span_words(text: str | None) -> list[str]:
    """Whitespace words, lower-cased, with edge punctuation stripped (empty words dropped)."""
    words = (w.strip(_EDGE_PUNCTUATION).lower() for w in (text or "").split())
    return [w for w in words if w]


def actor_words(actors: Iterable[dict], text: str) -> list[str]:
    """Words of the actors' spans: the story text at their offsets, else their own ``text``."""
    words: list[str] = []
    for actor in actors:
        start, end = actor.get("start"), actor.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            words += span_words(text[start:end])
        else:
            words += span_words(actor.get("text"))
    return words


def word_overlap_f1(gold: list[str], pred: list[str]) -> float:
    shared = sum((Counter(gold) & Counter(pred)).values())
    return prf(shared, len(pred), len(gold))["f1"]


def _set_f1(gold: set, pred: set) -> float:
    """Per-record F1 for diagnostics; two empty sets agree perfectly."""
    return 1.0 if not gold and not pred else set_prf(gold, pred)["f1"]


# ------------------------------------------------------------------------------------ metric families
def _typed_tuples(record_id: str, etype: str, sources: list[str], targets: list[str]) -> tuple[set, set, set]:
    types = {(record_id, etype)}
    dyads = {(record_id, s, etype, t) for s in (sources or ["-"]) for t in (targets or ["-"])}
    countries = {(record_id, "source", c) for c in sources} | {(record_id, "target", c) for c in targets}
    return types, dyads, countries


def _event_tuples(record: dict, preds: list[dict]) -> tuple[dict[str, set], dict[str, set]]:
    gold = {"type": set(), "dyad": set(), "actor": set()}
    pred = {"type": set(), "dyad": set(), "actor": set()}
    rid = record["id"]
    for event in record.get("events") or []:
        if event.get("event_type"):
            found = _typed_tuples(rid, event["event_type"], country_codes(event.get("source") or []),
                                  country_codes(event.get("target") or []))
            for name, tuples in zip(("type", "dyad", "actor"), found, strict=True):
                gold[name] |= tuples
    for p in preds:
        etype = event_type_of(p)
        if etype:
            found = _typed_tuples(rid, etype, country_codes(participants(p, "actor")),
                                  country_codes(participants(p, "recipient")))
            for name, tuples in zip(("type", "dyad", "actor"), found, strict=True):
                pred[name] |= tuples
    return gold, pred


def _gold_types(record: dict) -> set[str]:
    return {e["event_type"] for e in record.get("events") or [] if e.get("event_type")}


def _score_events(records: list[dict], preds: dict[str, list[dict]]) -> dict:
    gold_all = {"type": set(), "dyad": set(), "actor": set()}
    pred_all = {"type": set(), "dyad": set(), "actor": set()}
    hits = scored = 0
    for record in records:
        record_preds = preds.get(record["id"], [])
        gold, pred = _event_tuples(record, record_preds)
        for name in gold_all:
            gold_all[name] |= gold[name]
            pred_all[name] |= pred[name]
        types = _gold_types(record)
        if types:
            scored += 1
            best = top_prediction(record_preds, event_type_of)
            hits += best is not None and event_type_of(best) in types
    return {"event_type": set_prf(gold_all["type"], pred_all["type"]),
            "top1_type_accuracy": {"accuracy": hits / scored if scored else 0.0, "n": scored},
            "dyad": set_prf(gold_all["dyad"], pred_all["dyad"]),
            "actor_country": set_prf(gold_all["actor"], pred_all["actor"])}


def _penta_choice(preds: list[dict]) -> dict | None:
    """The event whose penta class counts: top one with a class, else the top one."""
    return top_prediction(preds, penta_of) or top_prediction(preds)


def _score_penta(records: list[dict], preds: dict[str, list[dict]]) -> dict:
    pairs = []
    span_scores: dict[str, list[float]] = {"source": [], "target": []}
    for record in records:
        events = record.get("events") or []
        if not events:
            continue
        gold_event = events[0]
        best = _penta_choice(preds.get(record["id"], []))
        if gold_event.get("penta") is not None:
            predicted = penta_of(best) if best is not None else None
            pairs.append((gold_event["penta"], NO_PREDICTION if predicted is None else predicted))
        for gold_role, pred_role in (("source", "actor"), ("target", "recipient")):
            gold_words = actor_words(gold_event.get(gold_role) or [], record["text"])
            if gold_words:
                pred_words = actor_words(participants(best, pred_role), record["text"])
                span_scores[gold_role].append(word_overlap_f1(gold_words, pred_words))
    metrics = {"penta": accuracy_and_macro_f1(pairs)}
    for role, values in span_scores.items():
        metrics[f"{role}_span_token_f1"] = {"f1": sum(values) / len(values) if values else 0.0,
                                            "n": len(values)}
    return metrics


def _first_gold_type(record: dict) -> str | None:
    return next((e["event_type"] for e in record.get("events") or [] if e.get("event_type")), None)


def _score_case(records: list[dict], preds: dict[str, list[dict]]) -> dict:
    pairs = []
    for record in records:
        gold_type = _first_gold_type(record)
        if gold_type:
            best = top_prediction(preds.get(record["id"], []), event_type_of)
            pairs.append((gold_type, event_type_of(best) if best is not None else NO_PREDICTION))
    return {"top1_type": accuracy_and_macro_f1(pairs)}


class _SentenceIndex:
    """Where each sentence of sentence-labelled gold sits in its document."""

    def __init__(self, records: list[dict]):
        self.sentence_ids = {r["id"] for r in records}
        by_doc: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for r in records:
            by_doc[r["doc_id"]].append((r["doc_start"], r["id"]))
        self.docs = {doc: sorted(sents) for doc, sents in by_doc.items()}
        self.starts = {doc: [start for start, _ in sents] for doc, sents in self.docs.items()}

    def place(self, doc_id: str, pred: dict) -> str | None | bool:
        """Sentence id of a prediction; None if its doc is not in the gold; False if it has no offset."""
        if doc_id in self.sentence_ids:  # the coder was fed single sentences
            return doc_id
        if doc_id not in self.docs:
            return None
        offset = anchor_offset(pred)
        if offset is None:
            return False
        position = max(0, bisect.bisect_right(self.starts[doc_id], offset) - 1)
        return self.docs[doc_id][position][1]


def _fired_by_sentence(records: list[dict], preds: dict[str, list[dict]]
                       ) -> tuple[dict[str, list[dict]], int]:
    index = _SentenceIndex(records)
    placed: dict[str, list[dict]] = defaultdict(list)
    unlocated = 0
    for doc_id, doc_preds in preds.items():
        for pred in doc_preds:
            sentence = index.place(doc_id, pred)
            if sentence is False:
                unlocated += 1
            elif sentence is not None:
                placed[sentence].append(pred)
    return placed, unlocated


def _score_sentence_labels(records: list[dict], preds: dict[str, list[dict]]) -> dict:
    placed, unlocated = _fired_by_sentence(records, preds)
    fired: dict[str, set[str]] = defaultdict(set)
    for sentence, sentence_preds in placed.items():
        for pred in sentence_preds:
            for label in police_labels_fired(pred):
                fired[label].add(sentence)
    metrics: dict[str, dict] = {}
    for label in POLICE_LABELS:
        gold = {r["id"] for r in records if label in (r.get("labels") or [])}
        metrics[label] = set_prf(gold, fired[label])
    metrics["FAIL_not_scored"] = {"gold": sum(1 for r in records if "FAIL" in (r.get("labels") or []))}
    metrics["unlocated_predictions"] = {"n": unlocated}
    return metrics


_FAMILY_SCORERS = {"events": _score_events, "penta": _score_penta, "case": _score_case,
                   "sentence_labels": _score_sentence_labels}


def family_of(dataset: str, records: list[dict]) -> str:
    """Metric family of a dataset: fixed for the public sets, inferred from the gold for a user's own."""
    if dataset in DATASET_FAMILY:
        return DATASET_FAMILY[dataset]
    if any("labels" in r and "doc_id" in r for r in records):
        return "sentence_labels"
    events = [e for r in records for e in r.get("events") or []]
    if not any(e.get("event_type") for e in events) and any(e.get("penta") is not None for e in events):
        return "penta"
    return "events"


def _group_predictions(predictions: Iterable[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for pred in predictions:
        grouped[str(pred.get("doc_id", pred.get("id")))].append(pred)
    return grouped


def _group_gold(gold_records: Iterable[dict]) -> dict[str, list[dict]]:
    by_dataset: dict[str, list[dict]] = defaultdict(list)
    for record in gold_records:
        by_dataset[record["dataset"]].append(record)
    return by_dataset


def score_predictions(gold_records: list[dict], predictions: list[dict]) -> dict:
    """Score event predictions against gold records.

    Returns ``{dataset: {"records": n, "metrics": {...}}, "_predictions": {"lines", "unknown_doc_ids"}}``;
    a prediction belongs to the gold record (or sentence-labelled document) named by its ``doc_id``.
    """
    preds = _group_predictions(predictions)
    known_ids = {r["id"] for r in gold_records} | {r["doc_id"] for r in gold_records if r.get("doc_id")}
    results: dict[str, dict] = {}
    for dataset, records in _group_gold(gold_records).items():
        scorer = _FAMILY_SCORERS[family_of(dataset, records)]
        results[dataset] = {"records": len(records), "metrics": scorer(records, preds)}
    results["_predictions"] = {
        "lines": len(predictions),
        "unknown_doc_ids": sum(len(v) for doc_id, v in preds.items() if doc_id not in known_ids)}
    return results


def headline_figures(results: dict) -> dict[str, dict[str, float]]:
    """``{dataset: {"dyad.f1": 0.71, ...}}``: the main figures of a ``score_predictions`` result."""
    figures: dict[str, dict[str, float]] = {}
    for dataset, result in results.items():
        if dataset.startswith("_"):
            continue
        metrics = result["metrics"]
        family = _family_from_metrics(metrics)
        figures[dataset] = {}
        for name in HEADLINE_METRICS[family]:
            group, field = name.rsplit(".", 1)
            figures[dataset][name] = metrics[group][field]
    return figures


def _family_from_metrics(metrics: dict) -> str:
    for family, names in HEADLINE_METRICS.items():
        if all(name.rsplit(".", 1)[0] in metrics for name in names):
            return family
    raise KeyError(f"unrecognised metrics: {sorted(metrics)}")


# ---------------------------------------------------------------------------------------- diagnostics
def _sides(actors: Iterable[dict], sectors: bool = False) -> str:
    if sectors:  # police labels hinge on the sector: show "IND/COP"
        names = sorted({"/".join(str(a.get(k) or "?") for k in ("country", "sector")) for a in actors})
        return "+".join(names) or "-"
    return "+".join(country_codes(actors)) or "-"


def _label_of(pred: dict) -> str:
    label = event_type_of(pred) or "-"
    cameo = cameo_of(pred)
    return f"{label}/{cameo}" if cameo else label


def _describe_prediction(pred: dict, sectors: bool = False) -> str:
    """``ACCUSE/112 SYR→TUR "accused"``: type/CAMEO, actor and recipient countries, trigger words."""
    actor = _sides(participants(pred, "actor"), sectors)
    recipient = _sides(participants(pred, "recipient"), sectors)
    trigger = trigger_of(pred).get("text")
    said = f' "{trigger}"' if isinstance(trigger, str) and trigger else ""
    return f"{_label_of(pred)} {actor}→{recipient}{said}"


def _describe_predictions(preds: list[dict], first: dict | None, limit: int = 3, sectors: bool = False) -> str:
    if not preds:
        return "(nothing coded)"
    ranked = sorted(preds, key=lambda p: -confidence_of(p))
    if first is not None:
        ranked = [first] + [p for p in ranked if p is not first]
    text = "; ".join(_describe_prediction(p, sectors) for p in ranked[:limit])
    return text + (f"; +{len(ranked) - limit} more" if len(ranked) > limit else "")


def _quoted_spans(actors: Iterable[dict], text: str) -> str:
    words = []
    for actor in actors:
        start, end = actor.get("start"), actor.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            words.append(text[start:end])
        elif actor.get("text"):
            words.append(str(actor["text"]))
    return " + ".join(f"'{w}'" for w in words) or "-"


def _penta_label(value: Any) -> str:
    return f"{value} {PENTA_NAMES[value]}" if value in PENTA_NAMES else str(value)


def _miss(record: dict, loss: float, problems: list[str], gold: str, predicted: str,
          top: dict | None) -> dict:
    return {"id": record["id"], "text": record["text"], "gold": gold, "predicted": predicted,
            "rule": top.get("rule") if top else None,
            "confidence": confidence_of(top) if top else None,
            "problem": ", ".join(problems), "loss": round(loss, 4)}


def _events_diagnostics(records: list[dict], preds: dict[str, list[dict]]) -> tuple[dict, list[dict]]:
    matrix: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for record in records:
        record_preds = preds.get(record["id"], [])
        types = _gold_types(record)
        best = top_prediction(record_preds, event_type_of)
        predicted_type = event_type_of(best) if best is not None else NO_PREDICTION
        loss, problems = 0.0, []
        if types:
            row = predicted_type if predicted_type in types else _first_gold_type(record)
            matrix[row][predicted_type] += 1
            if predicted_type not in types:
                loss += 1.0
                problems.append("top-1 type")
        gold, pred = _event_tuples(record, record_preds)
        for name, what in (("type", "types"), ("dyad", "dyads"), ("actor", "actor countries")):
            f1 = _set_f1(gold[name], pred[name])
            if f1 < 1.0:
                loss += 1.0 - f1
                problems.append(what)
        if types and best is None:
            problems = ["no typed event coded"]
        if loss > 0:
            gold_text = "; ".join(
                f"{e['event_type']} {_sides(e.get('source') or [])}→{_sides(e.get('target') or [])}"
                for e in record.get("events") or [] if e.get("event_type")) or "(no typed event)"
            shown = best or top_prediction(record_preds)
            misses.append(_miss(record, loss, problems, gold_text,
                                _describe_predictions(record_preds, best), shown))
    return {"rows": "gold event type", "columns": "top-1 predicted event type",
            "matrix": _plain_matrix(matrix)}, misses


def _penta_diagnostics(records: list[dict], preds: dict[str, list[dict]]) -> tuple[dict, list[dict]]:
    matrix: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for record in records:
        events = record.get("events") or []
        if not events:
            continue
        gold_event, record_preds = events[0], preds.get(record["id"], [])
        best = _penta_choice(record_preds)
        predicted = penta_of(best) if best is not None else None
        predicted_label = NO_PREDICTION if predicted is None else predicted
        loss, problems = 0.0, []
        if gold_event.get("penta") is not None:
            matrix[str(gold_event["penta"])][str(predicted_label)] += 1
            if predicted_label != gold_event["penta"]:
                loss += 2.0
                problems.append("penta class")
        for gold_role, pred_role in (("source", "actor"), ("target", "recipient")):
            gold_words = actor_words(gold_event.get(gold_role) or [], record["text"])
            if gold_words:
                f1 = word_overlap_f1(gold_words, actor_words(participants(best, pred_role), record["text"]))
                if f1 < 1.0:
                    loss += 1.0 - f1
                    problems.append(f"{gold_role} span")
        if loss > 0:
            text = record["text"]
            gold_text = (f"{_penta_label(gold_event.get('penta'))}"
                         f"; source {_quoted_spans(gold_event.get('source') or [], text)}"
                         f"; target {_quoted_spans(gold_event.get('target') or [], text)}")
            if best is None:
                predicted_text = "(nothing coded)"
            else:
                predicted_text = (f"{_penta_label(predicted_label)} ({_label_of(best)})"
                                  f"; source {_quoted_spans(participants(best, 'actor'), text)}"
                                  f"; target {_quoted_spans(participants(best, 'recipient'), text)}")
            misses.append(_miss(record, loss, problems, gold_text, predicted_text, best))
    return {"rows": "gold penta class", "columns": "penta class of the top prediction",
            "matrix": _plain_matrix(matrix)}, misses


def _case_diagnostics(records: list[dict], preds: dict[str, list[dict]]) -> tuple[dict, list[dict]]:
    matrix: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for record in records:
        gold_type = _first_gold_type(record)
        if not gold_type:
            continue
        record_preds = preds.get(record["id"], [])
        best = top_prediction(record_preds, event_type_of)
        predicted = event_type_of(best) if best is not None else NO_PREDICTION
        matrix[gold_type][predicted] += 1
        if predicted != gold_type:
            misses.append(_miss(record, 1.0, ["top-1 type"], gold_type,
                                _describe_predictions(record_preds, best), best))
    return {"rows": "gold event type", "columns": "top-1 predicted event type",
            "matrix": _plain_matrix(matrix)}, misses


def _primary_label(labels: Iterable[str]) -> str:
    present = set(labels)
    return next((label for label in _LABEL_PRIORITY if label in present), NO_PREDICTION)


def _sentence_label_diagnostics(records: list[dict], preds: dict[str, list[dict]]
                                ) -> tuple[dict, list[dict]]:
    placed, _ = _fired_by_sentence(records, preds)
    matrix: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for record in records:
        sentence_preds = placed.get(record["id"], [])
        firing = [(p, police_labels_fired(p)) for p in sentence_preds]
        fired = set().union(*(labels for _, labels in firing))
        gold = {label for label in record.get("labels") or [] if label in POLICE_LABELS}
        matrix[_primary_label(gold)][_primary_label(fired)] += 1
        wrong = gold ^ fired
        if wrong:
            problems = [f"missed {label}" for label in POLICE_LABELS if label in gold - fired]
            problems += [f"spurious {label}" for label in POLICE_LABELS if label in fired - gold]
            responsible = (top_prediction([p for p, labels in firing if labels])
                           or top_prediction(sentence_preds))
            predicted = ", ".join(label for label in POLICE_LABELS if label in fired) or "(no police label)"
            if sentence_preds:
                predicted += " | " + _describe_predictions(sentence_preds, responsible, sectors=True)
            misses.append(_miss(record, float(len(wrong)), problems,
                                ", ".join(label for label in POLICE_LABELS if label in gold) or "(no label)",
                                predicted, responsible))
    return {"rows": "most specific gold label of the sentence",
            "columns": "most specific label the coded events fire",
            "matrix": _plain_matrix(matrix)}, misses


_FAMILY_DIAGNOSTICS = {"events": _events_diagnostics, "penta": _penta_diagnostics,
                       "case": _case_diagnostics, "sentence_labels": _sentence_label_diagnostics}


def _plain_matrix(matrix: dict[str, Counter]) -> dict[str, dict[str, int]]:
    return {row: dict(sorted(cols.items())) for row, cols in sorted(matrix.items())}


def diagnose(gold_records: list[dict], predictions: list[dict], worst: int = 10) -> dict:
    """Per dataset: a confusion matrix (gold label x label of the top prediction) and the worst misses.

    A miss is a record whose predictions lose on any metric. Its ``loss`` sums what it loses: 1 (penta: 2)
    for a wrong top label, plus 1 - F1 of each per-record figure (types, dyads, countries, spans; for
    sentence labels, 1 per wrong label). Misses are ranked by loss, then by the confidence of the top
    prediction, so confident mistakes come before hesitant ones.
    """
    preds = _group_predictions(predictions)
    report = {}
    for dataset, records in _group_gold(gold_records).items():
        confusion, misses = _FAMILY_DIAGNOSTICS[family_of(dataset, records)](records, preds)
        order = {r["id"]: i for i, r in enumerate(records)}
        misses.sort(key=lambda m: (-m["loss"], -(m["confidence"] or 0.0), order[m["id"]]))
        report[dataset] = {"confusion": confusion, "misses": len(misses), "worst_misses": misses[:worst]}
    return report


# ------------------------------------------------------------------------------------------ gold input
def read_jsonl(path: Path) -> list[dict]:
    """JSON objects of a JSON Lines file; a bad line raises GoldError naming file and line."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise GoldError(f"{path}: cannot read ({exc.strerror or exc})") from None
    rows = []
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise GoldError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise GoldError(f"{path}:{number}: expected a JSON object")
                rows.append(row)
        except UnicodeDecodeError:
            raise GoldError(f"{path}: not UTF-8 text") from None
    return rows


def _check_actors(value: Any, where: str, role: str) -> None:
    if not isinstance(value, list) or not all(isinstance(a, dict) for a in value):
        raise GoldError(f"{where}: event '{role}' must be a list of actor objects")


def load_gold(path: Path) -> list[dict]:
    """Gold records of one file, checked against the schema (a problem raises GoldError)."""
    records = read_jsonl(path)
    if not records:
        raise GoldError(f"{path}: no gold records")
    seen: set[str] = set()
    for number, record in enumerate(records, 1):
        where = f"{path}: record {number}"
        for key in ("id", "dataset", "text"):
            if not isinstance(record.get(key), str) or (key != "text" and not record[key]):
                raise GoldError(f"{where}: '{key}' must be a non-empty string")
        where = f"{path}: record {record['id']!r}"
        if record["id"] in seen:
            raise GoldError(f"{where}: duplicate id")
        seen.add(record["id"])
        if "toponyms" in record and "events" not in record:
            raise GoldError(f"{where}: place gold ('toponyms'), not event gold; dyads evaluate scores events")
        events = record.setdefault("events", [])
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise GoldError(f"{where}: 'events' must be a list of event objects")
        for event in events:
            _check_actors(event.setdefault("source", []), where, "source")
            _check_actors(event.setdefault("target", []), where, "target")
        if "doc_id" in record or "labels" in record:
            if not isinstance(record.get("labels"), list):
                raise GoldError(f"{where}: 'labels' must be a list")
            if not isinstance(record.get("doc_id"), str) or not isinstance(record.get("doc_start"), int):
                raise GoldError(f"{where}: sentence gold needs 'doc_id' (string) and 'doc_start' (integer)")
    return records


def _story_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _sibling_inputs(gold_path: Path, datasets: Iterable[str]) -> list[Path]:
    names = [f"{dataset}.input.jsonl" for dataset in datasets]
    if gold_path.name.endswith(".gold.jsonl"):
        names.insert(0, gold_path.name[: -len(".gold.jsonl")] + ".input.jsonl")
    candidates = []
    for name in dict.fromkeys(names):
        candidate = gold_path.parent / name
        if candidate.is_file() and candidate.resolve() != gold_path.resolve():
            candidates.append(candidate)
    return candidates


def story_ids(records: list[dict]) -> list[str]:
    """Ids of the stories the coder is fed, in gold order: sentence gold is coded per document."""
    return list(dict.fromkeys(r["doc_id"] if "doc_id" in r else r["id"] for r in records))


def rebuild_documents(records: list[dict]) -> dict[str, str]:
    """Documents of sentence-level gold, each sentence placed at its offset with spaces in between."""
    sentences: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        if "doc_id" in record:
            sentences[record["doc_id"]].append(record)
    documents = {}
    for doc_id, parts in sentences.items():
        chars: list[str] = []
        for part in sorted(parts, key=lambda r: r["doc_start"]):
            start = part["doc_start"]
            if len(chars) < start:
                chars.extend(" " * (start - len(chars)))
            chars[start:start + len(part["text"])] = part["text"]
        documents[doc_id] = "".join(chars)
    return documents


def stories_for_gold(gold_path: Path, records: list[dict]) -> tuple[list[Story], str]:
    """The stories to code for a gold file, and where their text came from.

    The input file beside the gold (``<name>.input.jsonl`` or ``<dataset>.input.jsonl``) is what a coder
    is fed; ids it lacks are rebuilt from the gold itself (documents of sentence gold re-assembled).
    """
    wanted = story_ids(records)
    found: dict[str, tuple[dict, Path]] = {}
    sources = []
    for input_path in _sibling_inputs(gold_path, {r["dataset"] for r in records}):
        rows = {str(row.get("id")): row for row in read_jsonl(input_path)
                if isinstance(row.get("text"), str) and row["text"].strip()}
        hits = [i for i in wanted if i in rows and i not in found]
        if hits:
            sources.append(input_path.name)
            found.update((i, (rows[i], input_path)) for i in hits)
    rebuilt = rebuild_documents(records)
    dates = {}
    for record in records:
        dates.setdefault(record.get("doc_id", record["id"]), record.get("date"))
    texts = {r["id"]: r["text"] for r in records if "doc_id" not in r}
    stories, n_rebuilt = [], 0
    for story_id in wanted:
        if story_id in found:
            row, input_path = found[story_id]
            stories.append(Story(id=story_id, text=row["text"], date=_story_date(row.get("date")),
                                 origin=str(input_path)))
            continue
        n_rebuilt += 1
        text = rebuilt.get(story_id, texts.get(story_id, ""))
        stories.append(Story(id=story_id, text=text, date=_story_date(dates.get(story_id)),
                             origin=str(gold_path)))
    origin = ", ".join(sources) if sources else ""
    if n_rebuilt:
        origin = (origin + " + " if origin else "") + f"{n_rebuilt} rebuilt from the gold"
    return stories, origin


def limit_stories(records: list[dict], limit: int | None) -> list[dict]:
    """Gold records of the first ``limit`` stories (whole documents for sentence gold)."""
    if limit is None:
        return records
    keep = set(story_ids(records)[:limit])
    return [r for r in records if r.get("doc_id", r["id"]) in keep]


# ----------------------------------------------------------------------------------------- running
def code_stories(stories: list[Story], coder: Any, progress: Callable[[int], None] | None = None,
                 failed: list[dict] | None = None) -> list[dict]:
    """Event records of the stories, coded by ``coder`` (a ``dyads.coder.Coder``); the stories it fails
    on are appended to ``failed`` ({"id", "reason"}) and scored as coded with no event."""
    records = []

    def note(story: Story, reason: str) -> None:
        if failed is not None:
            failed.append({"id": story.id, "reason": reason})
        if progress is not None:
            progress(1)

    for story, events in coder.code(stories, on_failure=note):
        for event in events:
            record = event.to_record()
            record["doc_id"] = story.id
            records.append(record)
        if progress is not None:
            progress(1)
    return records


@dataclass
class Evaluation:
    """What ``run_evaluation`` produced: the report (JSON-ready) and the predictions it scored."""

    report: dict
    predictions: list[dict]


def run_evaluation(gold_paths: Sequence[Path], *, limit: int | None = None, worst: int = 10,
                   coder: Any = None, n_process: int = 1, predictions: list[dict] | None = None,
                   progress: Callable[[int], Callable[[int], None]] | None = None) -> Evaluation:
    """Code the texts of the gold files (or take ``predictions``) and build the full report.

    ``progress(total)`` may return a per-story callback (the CLI's progress bar). The report is
    ``score_predictions`` per dataset plus ``confusion``, ``misses``, ``worst_misses``, and ``_run``.
    """
    gold: list[dict] = []
    stories: list[Story] = []
    inputs = {}
    seen_ids: dict[str, Path] = {}
    for path in gold_paths:
        records = limit_stories(load_gold(path), limit)
        for record in records:
            if record["id"] in seen_ids:
                raise GoldError(f"{path}: gold id {record['id']!r} also occurs in {seen_ids[record['id']]}")
            seen_ids[record["id"]] = path
        gold += records
        if predictions is None:
            file_stories, origin = stories_for_gold(path, records)
            stories += file_stories
            inputs[str(path)] = origin
    started = time.perf_counter()
    failed: list[dict] = []
    if predictions is None:
        if coder is None:
            from .coder import Coder  # the coder loads spaCy: only when there is something to code

            coder = Coder(n_process=n_process)  # as `dyads code` does: places give actors their countries
        tick = progress(len(stories)) if progress is not None else None
        predictions = code_stories(stories, coder, tick, failed)
    seconds = time.perf_counter() - started
    report = score_predictions(gold, predictions)
    for dataset, extra in diagnose(gold, predictions, worst).items():
        report[dataset].update(extra)
    report["_run"] = {"gold_files": [str(p) for p in gold_paths], "inputs": inputs,
                      "stories_coded": len(stories), "events": len(predictions),
                      "seconds": round(seconds, 2), "limit": limit, "failed": failed}
    return Evaluation(report=report, predictions=predictions)


def figures_of_sample(sample: dict[Path, int], coder: Any) -> dict[str, dict[str, float]]:
    """Headline figures of each gold file coded up to its story limit (the regression sample)."""
    figures: dict[str, dict[str, float]] = {}
    for path, limit in sample.items():
        result = run_evaluation([path], limit=limit, worst=0, coder=coder)
        figures.update(headline_figures(result.report))
    return figures


# ------------------------------------------------------------------------------------------ rendering
def _abbreviations(labels: list[str]) -> dict[str, str]:
    short = {label: label[:4] for label in labels}
    if len(set(short.values())) < len(short):
        return {label: label for label in labels}
    return short


def _metrics_table(dataset: str, result: dict) -> Any:
    from rich.markup import escape
    from rich.table import Table

    metrics = result["metrics"]
    kinds = {"prf" if "p" in m and "f1" in m else "acc" if "accuracy" in m else "f1" if "f1" in m else "count"
             for m in metrics.values()}
    columns = ["metric"]
    columns += ["P", "R", "F1"] if kinds & {"prf", "f1"} else []
    columns += ["accuracy"] if "acc" in kinds else []
    columns += ["macro-F1"] if any("macro_f1" in m for m in metrics.values()) else []
    columns.append("counts")
    table = Table(title=f"{escape(dataset)} — {result['records']} gold records", title_justify="left")
    for column in columns:
        table.add_column(column, justify="left" if column in ("metric", "counts") else "right",
                         no_wrap=column == "metric")
    for name, m in metrics.items():
        cells = dict.fromkeys(columns, "")
        cells["metric"] = name
        if "p" in m and "f1" in m:
            cells.update({"P": f"{m['p']:.3f}", "R": f"{m['r']:.3f}", "F1": f"[bold]{m['f1']:.3f}[/bold]",
                          "counts": f"tp={m['tp']} pred={m['pred']} gold={m['gold']}"})
        elif "accuracy" in m:
            cells.update({"accuracy": f"[bold]{m['accuracy']:.3f}[/bold]", "counts": f"n={m['n']}"})
            if "macro_f1" in m:
                cells["macro-F1"] = f"{m['macro_f1']:.3f}"
        elif "f1" in m:
            cells.update({"F1": f"[bold]{m['f1']:.3f}[/bold]", "counts": f"n={m['n']}"})
        else:
            cells["counts"] = " ".join(f"{k}={v}" for k, v in m.items())
        table.add_row(*(cells[c] for c in columns))
    return table


def render_report(report: dict, console: Any) -> None:
    """Print the report as Rich tables: metrics, confusion matrix and worst misses per dataset."""

    for dataset, result in report.items():
        if dataset.startswith("_"):
            continue
        console.print(_metrics_table(dataset, result))
        _render_confusion(result.get("confusion"), console)
        misses = result.get("worst_misses") or []
        if misses:
            _render_misses(misses, result.get("misses", len(misses)), console)
    summary = report.get("_predictions", {})
    run = report.get("_run", {})
    line = (f"predictions: {summary.get('lines', 0)} events, "
            f"{summary.get('unknown_doc_ids', 0)} with a doc_id not in the gold")
    if run.get("stories_coded"):
        line += f"; coded {run['stories_coded']} stories in {run['seconds']:.1f} s"
    console.print(line, highlight=False)
    for failure in run.get("failed", []):  # (scored as coded with no event)
        console.print(f"the coder failed on story {failure['id']}: {failure['reason']}", markup=False,
                      highlight=False)


def _render_misses(misses: list[dict], total: int, console: Any) -> None:
    """One block per miss: what went wrong, the text, the gold and what was coded (rule first)."""
    from rich.markup import escape

    console.print(f"[bold]worst misses[/bold] ({len(misses)} of {total})")
    for rank, miss in enumerate(misses, 1):
        text = miss["text"] if len(miss["text"]) <= 300 else miss["text"][:297] + "..."
        rule = f"rule {miss['rule']}" if miss["rule"] else "no rule fired"
        if miss["confidence"] is not None:
            rule += f", confidence {miss['confidence']:.2f}"
        console.print(f"{rank:>3}. [bold]{escape(miss['id'])}[/bold]  [red]{escape(miss['problem'])}[/red]",
                      highlight=False)
        console.print(f"     {escape(text)}", highlight=False, style="italic")
        console.print(f"     gold:      {escape(miss['gold'])}", highlight=False)
        console.print(f"     predicted: {escape(miss['predicted'])}  [dim]({escape(rule)})[/dim]", highlight=False)


def _render_confusion(confusion: dict | None, console: Any) -> None:
    """The matrix as a grid when it fits the console, else one line per gold label."""
    from rich.markup import escape
    from rich.table import Table

    if not confusion or not confusion["matrix"]:
        return
    matrix = confusion["matrix"]
    columns = sorted({c for cols in matrix.values() for c in cols}, key=lambda c: (c == NO_PREDICTION, c))
    short = _abbreviations(columns)
    title = f"confusion: {confusion['rows']} (rows) x {confusion['columns']}"
    label_width = max(len(r) for r in matrix) + 4
    cell_widths = [max(len(short[c]), *(len(str(cols.get(c, 0))) for cols in matrix.values())) + 3
                   for c in columns]
    if label_width + sum(cell_widths) + 8 <= console.width:
        table = Table(title=title, title_justify="left")
        table.add_column("gold \\ pred")
        for column in columns:
            table.add_column(escape(short[column]), justify="right")
        table.add_column("n", justify="right")
        for row, cols in matrix.items():
            cells = []
            for column in columns:
                count = cols.get(column, 0)
                cell = str(count) if count else "."
                cells.append(f"[bold green]{cell}[/bold green]" if column == row and count else cell)
            table.add_row(escape(row), *cells, str(sum(cols.values())))
    else:
        table = Table(title=title, title_justify="left")
        for column in ("gold", "n", "right", "predicted instead"):
            table.add_column(column, justify="right" if column in ("n", "right") else "left")
        for row, cols in matrix.items():
            wrong = sorted(((n, c) for c, n in cols.items() if c != row), key=lambda x: (-x[0], x[1]))
            table.add_row(escape(row), str(sum(cols.values())), str(cols.get(row, 0)),
                          escape(", ".join(f"{c} {n}" for n, c in wrong)))
    console.print(table)
