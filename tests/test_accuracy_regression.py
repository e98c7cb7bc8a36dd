"""Regression guard: coding a fixed dev sample must not score below the figures recorded in the repo.

The sample and the floors are in ``tests/accuracy_floor.json``; ``scripts/record_accuracy_floor.py``
measures the sample and raises the floors (it refuses to lower one unless told ``--allow-lower``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from dyads.evaluate import (
    HEADLINE_METRICS,
    Evaluation,
    headline_figures,
    limit_stories,
    load_gold,
    run_evaluation,
)

FLOOR_FILE = Path(__file__).with_name("accuracy_floor.json")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "gold" / "dev"
SLACK = 1e-9  # floors are rounded down, so a measured figure equal to its floor passes


def _floor_file() -> dict:
    return json.loads(FLOOR_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def coded() -> dict[Path, Evaluation]:
    """Each gold file of the sample, coded by the real coder up to its story limit, and scored."""
    if not DEV.is_dir():
        pytest.skip("../shared/gold/dev not present")
    if importlib.util.find_spec("dyads.coder") is None:
        pytest.skip("dyads.coder not built yet")
    from dyads.coder import Coder

    coder = Coder()  # as `dyads code` codes (places give actors their countries)
    return {DEV / f"{dataset}.gold.jsonl": run_evaluation([DEV / f"{dataset}.gold.jsonl"], limit=n,
                                                          worst=0, coder=coder)
            for dataset, n in _floor_file()["sample"].items()}


@pytest.fixture(scope="module")
def measured(coded) -> dict[str, dict[str, float]]:
    figures: dict[str, dict[str, float]] = {}
    for evaluation in coded.values():
        figures.update(headline_figures(evaluation.report))
    return figures


def test_floor_file_covers_the_sample():
    floor = _floor_file()
    assert "never lower" in floor["about"]
    for dataset in floor["sample"]:
        recorded = floor["floors"].get(dataset)
        assert recorded, f"no floor for {dataset}: run scripts/record_accuracy_floor.py"
        assert any(set(recorded) == set(names) for names in HEADLINE_METRICS.values()), dataset
        for name, value in recorded.items():
            assert 0.0 <= value <= 1.0 and round(value, 2) == value, (dataset, name, value)


def test_no_score_below_its_recorded_floor(measured):
    floors = _floor_file()["floors"]
    drops = [f"{dataset} {name}: {measured[dataset][name]:.4f} < floor {floor:.2f}"
             for dataset, names in floors.items() for name, floor in names.items()
             if measured[dataset][name] < floor - SLACK]
    assert not drops, "accuracy fell below the recorded floor:\n" + "\n".join(drops)


def test_real_coder_output_scores_as_the_reference_scorer(coded):
    """The built-in metrics agree with ../shared/gold/score.py on what the coder really emits."""
    scorer_path = SHARED / "gold" / "score.py"
    if not scorer_path.is_file():
        pytest.skip("../shared/gold/score.py not present")
    spec = importlib.util.spec_from_file_location("reference_gold_score", scorer_path)
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    sample = _floor_file()["sample"]
    for path, evaluation in coded.items():
        dataset = path.name.removesuffix(".gold.jsonl")
        gold = limit_stories(load_gold(path), sample[dataset])
        expected = reference.score(gold, json.loads(json.dumps(evaluation.predictions, default=str)))
        assert evaluation.report[dataset]["metrics"] == expected[dataset]["metrics"], dataset
        assert evaluation.report["_predictions"] == expected["_predictions"]
        assert evaluation.predictions, f"nothing coded for {dataset}"
