"""dyads evaluate: metrics identical to the public reference scorer, diagnostics, and the command."""

from __future__ import annotations

import copy
import importlib.util
import json
import random
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dyads.evaluate import (
    diagnose,
    headline_figures,
    limit_stories,
    load_gold,
    rebuild_documents,
    run_evaluation,
    score_predictions,
    stories_for_gold,
)
from dyads.evaluate_cli import evaluate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD_DIR = SHARED / "gold"
DEV = GOLD_DIR / "dev"
EVENT_DATASETS = ["plover-gsr", "petr2-gsr", "conflibert-cameo", "india-police-events"]
IPE_SLICE = 3000  # sentences of india-police-events used (about 180 documents)

needs_gold = pytest.mark.skipif(not (GOLD_DIR / "score.py").is_file(), reason="../shared/gold not present")


def _load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference():
    """The reference scorer and perfect-prediction maker of ../shared/gold (read, never copied)."""
    if not (GOLD_DIR / "score.py").is_file():
        pytest.skip("../shared/gold not present")
    return (_load_module("reference_gold_score", GOLD_DIR / "score.py"),
            _load_module("reference_gold_to_pred", GOLD_DIR / "gold_to_pred.py"))


def _dev_gold(dataset: str) -> list[dict]:
    with (DEV / f"{dataset}.gold.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return rows[:IPE_SLICE] if dataset == "india-police-events" else rows


def _perfect(gold: list[dict], gold_to_pred) -> list[dict]:
    return [dict(p, confidence=1.0) for r in gold for p in gold_to_pred.convert(r)]


# ------------------------------------------------------------------------------ perturbations
TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
         "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"]
CAMEOS = ["010", "020", "036", "042", "051", "061", "073", "0831", "086", "090", "112", "1246", "130",
          "141", "163", "154", "173", "1823", "190", "202", "99", "", None, "ab"]
COUNTRIES = ["USA", "rus", " syr ", "IGO", None, "", 5, "NGA"]
SECTORS = ["COP", "cop", "GOVCOP", "GOV", None, "MIL"]
CONFIDENCES = [0.1, 0.5, 0.9, 1.0, "0.7", None, "high", 0.5]


def _perturb_actor(rng: random.Random, actor: dict, text_len: int) -> dict:
    actor = dict(actor)
    roll = rng.random()
    if roll < 0.25:
        actor["country"] = rng.choice(COUNTRIES)
    elif roll < 0.5 and isinstance(actor.get("start"), int):
        shift = rng.choice([-3, -1, 1, 2, 5, text_len])
        actor["start"] += shift
        if isinstance(actor.get("end"), int) and rng.random() < 0.7:
            actor["end"] += shift
    elif roll < 0.6:  # no offsets: the actor's own words count, edge punctuation stripped
        actor["start"] = actor["end"] = None
        actor["text"] = rng.choice(["'{}'", "({}),", "{}", "\"{}!", "{} 's"]).format(actor.get("text") or "")
    elif roll < 0.7:
        actor["sector"] = rng.choice(SECTORS)
    return actor


def _perturb(gold: list[dict], preds: list[dict], seed: int) -> list[dict]:
    """Drop, retype, recode, re-rank and displace predictions; add spurious and odd ones."""
    rng = random.Random(seed)
    lengths = {r.get("doc_id", r["id"]): len(r["text"]) for r in gold}
    sentence_ids = [r["id"] for r in gold if "doc_id" in r]
    out = []
    for pred in preds:
        if rng.random() < 0.15:
            continue
        pred = copy.deepcopy(pred)
        text_len = lengths.get(pred["doc_id"], 100)
        if rng.random() < 0.25:
            pred["event_type"] = rng.choice(TYPES + [None, " accuse ", ""])
        if rng.random() < 0.3:
            pred["cameo"] = rng.choice(CAMEOS)
        pred["confidence"] = rng.choice(CONFIDENCES)
        for role in ("actor", "recipient"):
            if rng.random() < 0.5:
                pred[role] = [_perturb_actor(rng, a, text_len) for a in pred.get(role) or []]
            if rng.random() < 0.08:
                pred[role] = pred[role][0] if pred[role] else {}
        if rng.random() < 0.05:
            pred.pop("recipient", None)
        if rng.random() < 0.2:
            pred["mode"] = rng.choice(["arrest", ["kill", "firearms"], "beat", None, []])
        if rng.random() < 0.2:
            start = rng.randrange(0, max(1, text_len))
            pred["trigger"] = rng.choice([{"text": "shot dead", "start": start, "end": start + 9},
                                          {"text": "killed"}, "killing", None, {"start": start},
                                          {"text": "Shoot Dead", "start": start}, "skilled"])
        if sentence_ids and rng.random() < 0.05:
            pred["doc_id"] = rng.choice(sentence_ids)  # coded as single sentences
        out.append(pred)
        if rng.random() < 0.15:  # a second, competing event (ties in confidence included)
            extra = copy.deepcopy(pred)
            extra["event_type"] = rng.choice(TYPES)
            extra["cameo"] = rng.choice(CAMEOS)
            out.append(extra)
    ids = list(lengths)
    for _ in range(max(3, len(preds) // 10)):  # spurious events in gold stories, and unknown stories
        police = {"text": "police", "country": rng.choice(COUNTRIES), "sector": rng.choice(SECTORS),
                  "start": rng.randrange(0, 2000), "end": None}
        out.append({"doc_id": rng.choice(ids), "event_type": rng.choice(TYPES), "cameo": rng.choice(CAMEOS),
                    "confidence": rng.choice(CONFIDENCES), "actor": [police], "recipient": []})
    out.append({"id": ids[0], "event_type": "PROTEST", "actor": [], "recipient": []})  # id, not doc_id
    out.append({"doc_id": "not-in-gold", "event_type": "AGREE", "actor": [], "recipient": []})
    rng.shuffle(out)
    return out


# ---------------------------------------------------------------------------- parity with score.py
@needs_gold
@pytest.mark.parametrize("dataset", EVENT_DATASETS)
def test_perfect_predictions_score_as_the_reference(reference, dataset):
    score, gold_to_pred = reference
    gold = _dev_gold(dataset)
    preds = _perfect(gold, gold_to_pred)
    ours = score_predictions(copy.deepcopy(gold), preds)
    assert ours == score.score(gold, preds)
    for name, value in headline_figures(ours)[dataset].items():
        assert value == 1.0, name


@needs_gold
@pytest.mark.parametrize("dataset", EVENT_DATASETS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_perturbed_predictions_score_as_the_reference(reference, dataset, seed):
    score, gold_to_pred = reference
    gold = _dev_gold(dataset)
    preds = _perturb(gold, _perfect(gold, gold_to_pred), seed)
    ours = score_predictions(copy.deepcopy(gold), preds)
    assert ours == score.score(gold, preds)
    figures = headline_figures(ours)[dataset]
    assert all(0.0 <= v <= 1.0 for v in figures.values())
    assert min(figures.values()) < 0.95  # the perturbation really hurts
    assert ours["_predictions"]["unknown_doc_ids"] > 0


@needs_gold
def test_all_dev_files_scored_together_match_the_reference(reference):
    score, gold_to_pred = reference
    gold = [r for ds in EVENT_DATASETS for r in _dev_gold(ds)]
    preds = _perturb(gold, _perfect(gold, gold_to_pred), 7)
    assert score_predictions(copy.deepcopy(gold), preds) == score.score(gold, preds)


@needs_gold
def test_empty_predictions_score_as_the_reference(reference):
    score, _ = reference
    gold = [r for ds in EVENT_DATASETS for r in _dev_gold(ds)[:200]]
    ours = score_predictions(copy.deepcopy(gold), [])
    assert ours == score.score(gold, [])
    assert ours["plover-gsr"]["metrics"]["event_type"]["r"] == 0.0


def test_case2021_top1_type():
    gold = [_record("c1", "case2021-task2", "Police arrested 10 protesters.", [_event("COERCE")]),
            _record("c2", "case2021-task2", "Troops shelled the town.", [_event("ASSAULT")]),
            _record("c3", "case2021-task2", "A flood hit the valley.", [_event(None)])]
    preds = [_pred("c1", "COERCE", 0.9), _pred("c1", "ASSAULT", 0.4), _pred("c2", "PROTEST", 0.8)]
    metrics = score_predictions(gold, preds)["case2021-task2"]["metrics"]["top1_type"]
    assert metrics["n"] == 2
    assert metrics["accuracy"] == 0.5
    assert metrics["per_class"]["ASSAULT"]["f1"] == 0.0
    assert metrics["macro_f1"] == 0.5


# ------------------------------------------------------------------------------------ diagnostics
def _actor(country=None, text=None, start=None, end=None, sector=None) -> dict:
    return {"text": text, "country": country, "sector": sector, "start": start, "end": end}


def _event(event_type, source=(), target=(), penta=None) -> dict:
    return {"event_type": event_type, "source_label": event_type, "cameo_root": None, "penta": penta,
            "source": list(source), "target": list(target), "event_text": None, "location": None}


def _record(rid, dataset, text, events, **extra) -> dict:
    return {"id": rid, "dataset": dataset, "date": None, "text": text, "events": events, **extra}


def _pred(doc_id, event_type, confidence, actor=(), recipient=(), cameo=None, rule="test.rule", **extra):
    return {"doc_id": doc_id, "event_type": event_type, "cameo": cameo, "confidence": confidence,
            "actor": list(actor), "recipient": list(recipient), "rule": rule, **extra}


SMALL = [
    _record("s1", "plover-gsr", "Israeli troops shelled Palestinian homes.",
            [_event("ASSAULT", [_actor("ISR")], [_actor("PSE")])]),
    _record("s2", "plover-gsr", "The United States and Jordan agreed on a pact.",
            [_event("AGREE", [_actor("USA"), _actor("JOR")])]),
    _record("s3", "plover-gsr", "Thousands protested in Cairo.", [_event("PROTEST", [_actor("EGY")])]),
    _record("s4", "plover-gsr", "Syria accused Turkey of shelling.",
            [_event("ACCUSE", [_actor("SYR")], [_actor("TUR")])]),
]
SMALL_PREDS = [
    _pred("s1", "ASSAULT", 0.9, [_actor("ISR")], [_actor("PSE")], cameo="190", rule="assault.shell"),
    _pred("s2", "CONSULT", 0.8, [_actor("USA")], [_actor("JOR")], cameo="040", rule="consult.agree_on"),
    _pred("s2", "AGREE", 0.3, [_actor("USA")], [_actor("JOR")], cameo="030", rule="agree.agree"),
    _pred("s4", "ACCUSE", 0.7, [_actor("SYR")], [_actor("IRQ")], cameo="112", rule="accuse.accuse_of"),
]


def test_confusion_matrix_rows_are_gold_columns_the_top_prediction():
    report = diagnose(SMALL, SMALL_PREDS, worst=10)["plover-gsr"]
    assert report["confusion"]["matrix"] == {
        "ACCUSE": {"ACCUSE": 1}, "AGREE": {"CONSULT": 1}, "ASSAULT": {"ASSAULT": 1}, "PROTEST": {"none": 1}}
    # the diagonal over the total is the top-1 type accuracy
    scored = score_predictions(SMALL, SMALL_PREDS)["plover-gsr"]["metrics"]
    matrix = report["confusion"]["matrix"]
    diagonal = sum(cols.get(row, 0) for row, cols in matrix.items())
    total = sum(sum(cols.values()) for cols in matrix.values())
    assert diagonal / total == scored["top1_type_accuracy"]["accuracy"] == 0.5


def test_worst_misses_rank_wrong_and_missing_events_first_and_name_the_rule():
    report = diagnose(SMALL, SMALL_PREDS, worst=2)["plover-gsr"]
    assert report["misses"] == 3  # s1 is right on every count
    first, second = report["worst_misses"]
    # s3: nothing coded loses on every count (loss 4); s2: a wrong top-1 (CONSULT) with the right
    # type further down, and a wrong dyad (loss 1 + 1/3 + 1 + 1/2)
    assert (first["id"], first["loss"]) == ("s3", 4.0)
    assert first["predicted"] == "(nothing coded)"
    assert first["rule"] is None and first["confidence"] is None
    assert first["problem"] == "no typed event coded"
    assert second["id"] == "s2"
    assert second["loss"] == pytest.approx(1 + 1 / 3 + 1 + 1 / 2, abs=1e-4)
    assert second["text"] == "The United States and Jordan agreed on a pact."
    assert second["gold"] == "AGREE JOR+USA→-"
    assert second["predicted"] == "CONSULT/040 USA→JOR; AGREE/030 USA→JOR"
    assert second["rule"] == "consult.agree_on"
    assert second["confidence"] == 0.8
    assert second["problem"] == "top-1 type, types, dyads, actor countries"
    # s4 is right in type but wrong in target: a smaller loss, still listed when asked for
    everything = diagnose(SMALL, SMALL_PREDS, worst=10)["plover-gsr"]["worst_misses"]
    assert [m["id"] for m in everything] == ["s3", "s2", "s4"]
    assert everything[2]["problem"] == "dyads, actor countries"


def test_penta_diagnostics():
    text = "Protesters in Gjilan burned the Macedonian flag."
    gold = [_record("p1", "conflibert-cameo", text,
                    [_event(None, [_actor(text="Protesters", start=0, end=10)], penta=4)]),
            _record("p2", "conflibert-cameo", "Lavrov suggested talks.", [_event(None, penta=0)])]
    preds = [_pred("p1", "ACCUSE", 0.6, [_actor(text="Gjilan", start=14, end=20)], cameo="111",
                   rule="accuse.burn_flag"),
             _pred("p2", None, 0.5, cameo="010")]
    report = diagnose(gold, preds)["conflibert-cameo"]
    assert report["confusion"]["matrix"] == {"0": {"0": 1}, "4": {"3": 1}}
    (miss,) = report["worst_misses"]
    assert miss["id"] == "p1" and miss["rule"] == "accuse.burn_flag"
    assert miss["gold"] == "4 Material Conflict; source 'Protesters'; target -"
    assert miss["predicted"] == "3 Verbal Conflict (ACCUSE/111); source 'Gjilan'; target -"
    assert miss["problem"] == "penta class, source span"


def _ipe_gold() -> list[dict]:
    sentences = ["ahmedabad: police opened fire on a mob.", "two people were shot dead.",
                 "the police arrested 12 people.", "the city was calm."]
    gold, offset = [], 0
    labels = [["ANY_ACTION", "FORCE"], ["ANY_ACTION", "FORCE", "KILL"], ["ANY_ACTION", "ARREST"], []]
    for i, (text, labs) in enumerate(zip(sentences, labels, strict=True)):
        gold.append(_record(f"ipe-9-{i}", "india-police-events", text, [], labels=labs,
                            doc_id="ipe-9", doc_start=offset, doc_end=offset + len(text)))
        offset += len(text) + 1
    return gold


def test_sentence_labels_placement_and_diagnostics():
    gold = _ipe_gold()
    police = _actor("IND", "police", 11, 17, sector="COP")
    doc = rebuild_documents(gold)["ipe-9"]
    fire = doc.index("opened fire")
    arrest = doc.index("arrested")
    preds = [_pred("ipe-9", "ASSAULT", 0.8, [police], cameo="190", rule="assault.open_fire",
                   trigger={"text": "opened fire", "start": fire, "end": fire + 11}),
             _pred("ipe-9", "COERCE", 0.7, [dict(police, start=doc.index("police", arrest - 12))],
                   cameo="173", mode="arrest", rule="coerce.arrest",
                   trigger={"text": "arrested", "start": arrest}),
             _pred("ipe-9", "ASSAULT", 0.6, [_actor("IND", "mob", sector="CVL")], rule="assault.mob"),
             _pred("ipe-9", "ASSAULT", 0.5, [_actor("IND", "gunmen", sector="CRM")], cameo="190",
                   rule="assault.shot_dead", trigger={"text": "shot dead", "start": doc.index("shot dead")})]
    metrics = score_predictions(gold, preds)["india-police-events"]["metrics"]
    assert metrics["ANY_ACTION"]["tp"] == 2 and metrics["ANY_ACTION"]["gold"] == 3
    assert metrics["ARREST"]["f1"] == 1.0
    assert metrics["KILL"]["tp"] == 0
    assert metrics["unlocated_predictions"]["n"] == 1  # the mob event has no offset at all
    report = diagnose(gold, preds)["india-police-events"]
    assert report["confusion"]["matrix"] == {"ARREST": {"ARREST": 1}, "FORCE": {"FORCE": 1},
                                             "KILL": {"none": 1}, "none": {"none": 1}}
    (miss,) = report["worst_misses"]
    assert miss["id"] == "ipe-9-1" and miss["text"] == "two people were shot dead."
    assert miss["problem"] == "missed KILL, missed FORCE, missed ANY_ACTION"
    assert miss["predicted"] == '(no police label) | ASSAULT/190 IND/CRM→- "shot dead"'
    assert miss["rule"] == "assault.shot_dead"


# ------------------------------------------------------------------------------- reading the gold
@needs_gold
def test_documents_rebuilt_from_sentence_gold_match_the_input(tmp_path):
    gold_path = DEV / "india-police-events.gold.jsonl"
    records = limit_stories(load_gold(gold_path), 25)
    doc_ids = {r["doc_id"] for r in records}
    assert len(doc_ids) == 25
    stories, origin = stories_for_gold(gold_path, records)
    assert origin == "india-police-events.input.jsonl"
    assert [s.id for s in stories] == list(dict.fromkeys(r["doc_id"] for r in records))
    # without the input file beside it, the documents are put back together from the sentences
    lonely = tmp_path / "mine.gold.jsonl"
    shutil.copy(gold_path, lonely)
    rebuilt, origin = stories_for_gold(lonely, records)
    assert origin == "25 rebuilt from the gold"
    for original, copy_ in zip(stories, rebuilt, strict=True):
        assert copy_.text == original.text.rstrip()
        assert copy_.date == original.date
    for r in records:
        doc = next(s.text for s in rebuilt if s.id == r["doc_id"])
        assert doc[r["doc_start"]:r["doc_end"]] == r["text"]


def test_bad_gold_is_refused_with_file_and_line(tmp_path):
    from dyads.evaluate import GoldError

    cases = {
        "broken.jsonl": '{"id": "a", "dataset": "plover-gsr", "text": "x", "events": []}\n{"id": \n',
        "noid.jsonl": '{"dataset": "plover-gsr", "text": "x", "events": []}\n',
        "events.jsonl": '{"id": "a", "dataset": "plover-gsr", "text": "x", "events": {"a": 1}}\n',
        "dupes.jsonl": '{"id": "a", "dataset": "d", "text": "x"}\n{"id": "a", "dataset": "d", "text": "y"}\n',
        "places.jsonl": '{"id": "a", "dataset": "geo-gwn", "text": "x", "toponyms": []}\n',
        "empty.jsonl": "\n",
    }
    expected = {"broken.jsonl": "broken.jsonl:2: not valid JSON", "noid.jsonl": "'id' must be",
                "events.jsonl": "'events' must be a list", "dupes.jsonl": "duplicate id",
                "places.jsonl": "place gold", "empty.jsonl": "no gold records"}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(GoldError, match=expected[name]):
            load_gold(path)


# ------------------------------------------------------------------------------------- the command
def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("evaluate")(evaluate)
    app.command("version")(lambda: None)  # a second command keeps "evaluate" a subcommand
    return app


@needs_gold
def test_cli_json_output_parses_and_matches_the_library(tmp_path, reference):
    _, gold_to_pred = reference
    gold_path = DEV / "plover-gsr.gold.jsonl"
    gold = load_gold(gold_path)
    preds = _perturb(gold, _perfect(gold, gold_to_pred), 11)
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    result = CliRunner().invoke(_app(), ["evaluate", str(gold_path), "--pred", str(pred_path),
                                         "--json", "--worst", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    expected = score_predictions(gold, preds)
    assert report["plover-gsr"]["metrics"] == json.loads(json.dumps(expected["plover-gsr"]["metrics"]))
    assert len(report["plover-gsr"]["worst_misses"]) == 3
    assert report["plover-gsr"]["confusion"]["matrix"]
    assert report["_predictions"]["lines"] == len(preds)


@needs_gold
def test_cli_human_output_shows_tables(tmp_path, reference):
    _, gold_to_pred = reference
    gold_path = DEV / "conflibert-cameo.gold.jsonl"
    gold = load_gold(gold_path)[:50]
    preds = _perturb(gold, _perfect(gold, gold_to_pred), 5)
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
    result = CliRunner().invoke(_app(), ["evaluate", str(gold_path), "--pred", str(pred_path),
                                         "--limit", "50"])
    assert result.exit_code == 0, result.output
    for words in ("conflibert-cameo — 50 gold records", "penta", "source_span_token_f1", "confusion",
                  "worst misses"):
        assert words in result.stdout


def test_cli_bad_input_is_one_line_error(tmp_path):
    broken = tmp_path / "gold.jsonl"
    broken.write_text('{"id": "a", "dataset": "plover-gsr", "text": "x", "events": []}\nnot json\n',
                      encoding="utf-8")
    for args in ([str(tmp_path / "missing.jsonl")], [str(broken), "--pred", str(broken)]):
        result = CliRunner().invoke(_app(), ["evaluate", *args, "--json"])
        assert result.exit_code == 2
        assert result.stdout == ""
        message = result.stderr.strip()
        assert message.startswith("error:") and "\n" not in message
        assert "Traceback" not in result.output


@needs_gold
def test_stories_the_coder_fails_on_are_reported_and_scored_as_coded_with_no_event():
    class FailsOnTheFirstStory:  # the contract of dyads.coder.Coder.code
        def code(self, stories, on_failure=None):
            for i, story in enumerate(stories):
                if i == 0:
                    on_failure(story, "the coder failed on this story (ValueError: a bug)")
                    continue
                yield story, []

    result = run_evaluation([DEV / "plover-gsr.gold.jsonl"], limit=3, coder=FailsOnTheFirstStory())
    (failure,) = result.report["_run"]["failed"]
    assert failure["id"] == load_gold(DEV / "plover-gsr.gold.jsonl")[0]["id"] and "ValueError" in failure["reason"]
    assert result.report["plover-gsr"]["metrics"]["event_type"]["gold"] == 3
