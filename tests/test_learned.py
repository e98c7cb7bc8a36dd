"""The learned classifier (``dyads train``, ``--classifier``): trained on real gold, used on real sentences."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dyads.cli import app

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "gold" / "dev"
PLOVER = DEV / "plover-gsr.gold.jsonl"
CONFLIBERT = DEV / "conflibert-cameo.gold.jsonl"
THRESHOLD = 0.15  # low, so that a model trained on a few dozen sentences backs off somewhere

runner = CliRunner()


@pytest.fixture(scope="module")
def plover_records() -> list[dict]:
    if not PLOVER.exists():
        pytest.skip("../shared/gold/dev not present")
    return [json.loads(line) for line in PLOVER.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def training_file(plover_records, tmp_path_factory) -> Path:
    """Every other plover-gsr record: a slice with every event type."""
    path = tmp_path_factory.mktemp("gold") / "plover-half.gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in plover_records[::2]), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model_dir(training_file, tmp_path_factory) -> Path:
    from dyads.learned import train_classifier

    out = tmp_path_factory.mktemp("classifier") / "plover"
    train_classifier([training_file], out, epochs=6, seed=3, threshold=THRESHOLD)
    return out


@pytest.fixture(scope="module")
def learned_coder(model_dir):
    from dyads.coder import Coder

    return Coder(geocode=False, classifier=model_dir)


def _stories(records):
    from dyads.evaluate import stories_for_gold

    return stories_for_gold(PLOVER, records)[0]


def test_meta_records_the_training_data_and_settings(model_dir, training_file):
    meta = json.loads((model_dir / "meta.json").read_text())["dyads_classifier"]
    (source,) = meta["training_files"]
    assert source["sha256"] == hashlib.sha256(training_file.read_bytes()).hexdigest()
    assert source["records"] == source["examples"] == meta["examples"] == 81
    assert "ASSAULT" in meta["labels"] and "AGREE" in meta["labels"]
    assert meta["threshold"] == THRESHOLD and meta["seed"] == 3 and meta["dyads_version"]


def test_the_same_gold_and_seed_give_the_same_model(model_dir, training_file, tmp_path):
    from dyads.learned import train_classifier

    train_classifier([training_file], tmp_path / "again", epochs=6, seed=3, threshold=THRESHOLD)
    model = "textcat_multilabel/model"
    assert (tmp_path / "again" / model).read_bytes() == (model_dir / model).read_bytes()


def test_saved_classifier_loads_and_scores_its_labels(model_dir):
    from dyads.learned import load_classifier

    nlp = load_classifier(model_dir)
    cats = nlp("Police fired tear gas at protesters in the capital.").cats
    assert set(cats) == set(nlp.meta["dyads_classifier"]["labels"])
    assert all(0.0 <= p <= 1.0 for p in cats.values())


def test_rule_events_are_reranked_by_the_formula_and_keep_their_participants(
        coder, learned_coder, model_dir, plover_records):
    """Held-out sentences: every rule event is still there with the same codes and participants; only its
    confidence moves, to (1 - w) * c + w * p."""
    from dyads.learned import load_classifier

    classifier = load_classifier(model_dir)
    weight = classifier.meta["dyads_classifier"]["rerank_weight"]
    stories = _stories(plover_records[1::2][:30])
    checked = 0
    for (_, rule_events), (_, events) in zip(coder.code(stories), learned_coder.code(stories), strict=True):
        by_id = {e.event_id: e for e in events}
        for rule_event in rule_events:
            event = by_id[rule_event.event_id]
            assert (event.cameo, event.rule, event.actor, event.recipient, event.trigger) == (
                rule_event.cameo, rule_event.rule, rule_event.actor, rule_event.recipient, rule_event.trigger)
            if rule_event.event_type:
                p = classifier(rule_event.sentence).cats[rule_event.event_type]
                assert event.confidence == pytest.approx((1 - weight) * rule_event.confidence + weight * p, abs=2e-3)
                checked += 1
    assert checked >= 25


def test_a_sentence_without_typed_rule_events_backs_off_to_the_classifier(
        coder, learned_coder, model_dir, plover_records):
    from dyads.learned import load_classifier

    classifier = load_classifier(model_dir)
    knowledge = coder.knowledge
    stories = _stories(plover_records)
    untyped = [s for s, events in coder.code(stories) if not any(e.event_type for e in events)]
    assert untyped, "the rules find a typed event in every plover-gsr sentence"
    backed_off = 0
    for story, events in learned_coder.code(untyped):
        cats = classifier(story.text).cats
        best = max(cats, key=cats.get)
        learned = [e for e in events if e.rule.startswith("learned:")]
        if len(list(learned_coder.nlp(story.text).sents)) > 1 or cats[best] < THRESHOLD:
            continue  # (one classification per sentence: compare single-sentence stories)
        (event,) = learned
        backed_off += 1
        assert event.rule == f"learned:{best}" and event.event_type == best
        assert event.cameo == min((c.code for c in knowledge.cameo.values() if c.plover_type == best),
                                  key=lambda code: (len(code), code))
        assert event.trigger.text == story.text[event.trigger.start:event.trigger.end] == event.sentence
        assert event.confidence == pytest.approx(0.5 * cats[best], abs=1e-3)
        assert all(a.is_resolved and story.text[a.start:a.end] == a.text for a in event.actor + event.recipient)
        assert event.to_record()["cameo_label"]
    assert backed_off >= 1


def test_penta_gold_trains_penta_labels_and_mixed_gold_leaves_the_other_family_missing():
    if not CONFLIBERT.exists():
        pytest.skip("../shared/gold/dev not present")
    from dyads.learned import read_training_gold

    lines = CONFLIBERT.read_text(encoding="utf-8").splitlines()
    with_class = sum(all(e.get("penta") is not None for e in json.loads(line)["events"]) for line in lines)
    data = read_training_gold([CONFLIBERT])
    assert data.labels == ["penta:0", "penta:1", "penta:2", "penta:3", "penta:4"]
    assert len(data.texts) == with_class < len(lines)  # records whose class is unknown teach nothing

    mixed = read_training_gold([PLOVER, CONFLIBERT])
    assert "penta:4" in mixed.labels and "ASSAULT" in mixed.labels
    assert set(mixed.cats[0]) == {label for label in mixed.labels if not label.startswith("penta:")}
    assert set(mixed.cats[-1]) == {label for label in mixed.labels if label.startswith("penta:")}


def test_train_command_skips_gold_without_events_and_saves_a_model(training_file, tmp_path):
    if not (DEV / "geo-gwn.gold.jsonl").exists():
        pytest.skip("../shared/gold/dev not present")
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", str(training_file), str(DEV / "geo-gwn.gold.jsonl"),
                                 "--out", str(out), "--epochs", "2"])
    assert result.exit_code == 0, result.output
    assert "epoch   2/2" in result.output and "skipped" in result.output and "81 examples" in result.output
    assert (out / "meta.json").exists()


def test_code_and_evaluate_with_a_classifier(model_dir, tmp_path):
    """Events of the learned component go through the output file and the store like rule events."""
    import duckdb

    input_file = DEV / "plover-gsr.input.jsonl"
    out = tmp_path / "events.jsonl"
    result = runner.invoke(app, ["code", str(input_file), "--classifier", str(model_dir), "--no-geocode",
                                 "--db", str(tmp_path / "x.duckdb"), "--output", str(out),
                                 "--rejects", str(tmp_path / "rejects.jsonl")])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    learned = [r for r in records if r["rule"].startswith("learned:")]
    assert learned
    stored = duckdb.connect(str(tmp_path / "x.duckdb"), read_only=True).execute(
        "SELECT count(*) FROM events WHERE rule LIKE 'learned:%'").fetchone()[0]
    assert stored == len(learned)

    result = runner.invoke(app, ["evaluate", str(PLOVER), "--classifier", str(model_dir), "--limit", "10",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["plover-gsr"]["metrics"]["event_type"]["f1"] > 0.5


def test_a_bad_classifier_path_is_a_clear_error(tmp_path, plover_records):
    from dyads.coder import Coder
    from dyads.learned import ClassifierError

    with pytest.raises(ClassifierError, match="no such classifier directory"):
        Coder(geocode=False, classifier=tmp_path / "missing")
    with pytest.raises(ClassifierError, match="not a dyads classifier"):
        Coder(geocode=False, classifier=tmp_path)
    result = runner.invoke(app, ["code", str(DEV / "plover-gsr.input.jsonl"), "--classifier", str(tmp_path),
                                 "--no-store"])
    assert result.exit_code == 1 and "not a dyads classifier" in " ".join(result.output.split())
    result = runner.invoke(app, ["evaluate", str(PLOVER), "--classifier", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "no such classifier directory" in " ".join(result.output.split())
