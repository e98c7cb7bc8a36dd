"""The ``dyads`` command end to end, as a user runs it: real files, a real DuckDB store."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from dyads.cli import EXIT_REJECTED, app

runner = CliRunner()


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory, seed_path):
    db = tmp_path_factory.mktemp("store") / "seed.duckdb"
    result = runner.invoke(app, ["code", str(seed_path), "--db", str(db), "--no-geocode",
                                 "--rejects", str(db.with_suffix(".rejects.jsonl"))])
    assert result.exit_code == 0, result.output
    return db, result


def test_code_prints_a_table_and_stores_events(seed_db):
    db, result = seed_db
    assert "Mikdad" in result.stdout and "CONSULT" in result.stdout
    con = duckdb.connect(str(db), read_only=True)
    n_events, n_stories = con.execute("SELECT count(*), count(DISTINCT doc_id) FROM events").fetchone()
    assert n_events > 5 and n_stories == 1
    assert con.execute("SELECT n_events FROM stories").fetchone()[0] == n_events


def test_recoding_replaces_instead_of_duplicating(seed_db, seed_path):
    db, _ = seed_db
    before = duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM events").fetchone()[0]
    result = runner.invoke(app, ["code", str(seed_path), "--db", str(db), "--no-geocode", "--output",
                                 str(db.with_name("again.jsonl"))])
    assert result.exit_code == 0, result.output
    after = duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM events").fetchone()[0]
    assert after == before


def test_query_and_export_with_filters(seed_db, tmp_path):
    db, _ = seed_db
    result = runner.invoke(app, ["query", "--db", str(db), "--country", "RUS", "--event-type", "CONSULT", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert rows and all(r["event_type"] == "CONSULT" for r in rows)
    assert all(any(a["country"] == "RUS" for a in r["actor"] + r["recipient"]) for r in rows)

    out = tmp_path / "syr.parquet"
    result = runner.invoke(app, ["export", str(out), "--db", str(db), "--actor-country", "SYR"])
    assert result.exit_code == 0, result.output
    exported = duckdb.connect().execute("SELECT count(*) FROM read_parquet(?)", [str(out)]).fetchone()[0]
    assert exported >= 1


def test_output_formats(tmp_path, seed_path):
    for ext in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"events.{ext}"
        result = runner.invoke(app, ["code", str(seed_path), "--no-store", "--no-geocode", "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    first = json.loads((tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert {"event_id", "doc_id", "sentence_index", "sentence", "date", "cameo", "event_type", "mode",
            "quad_class", "goldstein", "actor", "recipient", "location", "trigger", "negated",
            "hypothetical", "rule", "confidence"} <= set(first)


def test_bad_input_is_set_aside_and_the_rest_is_coded(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("date 2023-05-02 Egypt condemned the attack on the Sudanese embassy.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 owners protested in Paris.".encode("latin-1"))
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join([
        json.dumps({"id": "ok-1", "date": "2023-05-03", "text": "Turkey accused Greece of violating its airspace."}),
        '{"id": "broken", "text": ',
        json.dumps({"id": "blank", "text": "   "}),
        json.dumps({"id": "no-text", "title": "nothing here"}),
        json.dumps({"id": "huge", "text": "Police arrested a man. " * 250_000}),
    ]) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    db = tmp_path / "bad.duckdb"
    result = runner.invoke(app, ["code", str(tmp_path), "--db", str(db), "--rejects", str(rejects),
                                 "--no-geocode", "--output", str(tmp_path / "out.jsonl")])
    assert result.exit_code == EXIT_REJECTED, result.output
    assert "Traceback" not in result.output
    reasons = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    sources = {r["source"].split("/")[-1] for r in reasons}
    assert {"empty.txt", "binary.txt", "latin1.txt", "batch.jsonl:2", "batch.jsonl:3", "batch.jsonl:4",
            "batch.jsonl:5"} <= sources, reasons
    assert all(r["reason"] for r in reasons)
    coded = duckdb.connect(str(db), read_only=True).execute("SELECT doc_id FROM stories ORDER BY 1").fetchall()
    assert [d for (d,) in coded] == ["good", "ok-1"]


def test_a_story_the_coder_fails_on_is_set_aside_and_the_rest_is_coded(tmp_path, monkeypatch):
    """A bug met on one story (here made to happen) is reported like bad input; the batch goes on."""
    from dyads.coder import EventCoderComponent

    code_doc = EventCoderComponent.code_doc

    def failing(self, doc, doc_id, story_date):
        if "Kalimantan" in doc.text:
            raise ValueError("a bug met on this story")
        return code_doc(self, doc, doc_id, story_date)

    monkeypatch.setattr(EventCoderComponent, "code_doc", failing)
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in [
        {"id": "fails", "text": "Police arrested ten loggers in Kalimantan."},
        {"id": "fine", "text": "Turkey accused Greece of violating its airspace."},
    ]) + "\n", encoding="utf-8")
    rejects, db = tmp_path / "rejects.jsonl", tmp_path / "x.duckdb"
    result = runner.invoke(app, ["code", str(batch), "--db", str(db), "--rejects", str(rejects), "--no-geocode"])
    assert result.exit_code == EXIT_REJECTED, result.output
    (reject,) = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["id"] == "fails" and reject["source"].endswith("batch.jsonl:1")
    assert "ValueError: a bug met on this story" in reject["reason"]
    coded = duckdb.connect(str(db), read_only=True).execute("SELECT doc_id FROM stories").fetchall()
    assert coded == [("fine",)]
