"""The output stage: event files read back with DuckDB / pyarrow, and the terminal table."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from rich.console import Console

from dyads.models import Actor, Event, Location, Span, make_event_id
from dyads.output import CSV_COLUMNS, output_format, print_events, write_events

# The first paragraph of the seed story (/work/shared/seed), as the reader gives it (date prefix removed).
TEXT = ("Foreign and Expatriates Minister , Faysal Mikdad, discussed on Wednesday with Russian Foreign "
        "Minister, Sergey Lavrov, bilateral relations between Syria and Russia and means of developing and "
        "enhancing them in the interests of both friendly peoples.\n\nThey condemned terrorism that "
        "targets Syria, stressing the importance of continuing joint efforts to confront terrorist "
        "organizations which continue their attacks on civilians")


def actor(words: str, code: str | None, country: str | None, sector: str | None) -> Actor:
    start = TEXT.index(words)
    return Actor(words, code, country, sector, start, start + len(words))


def span(words: str) -> Span:
    start = TEXT.index(words)
    return Span(words, start, start + len(words))


def event(cameo: str, label: str, actors: list[Actor], recipients: list[Actor], trigger: str, *,
          sentence_index: int = 0, event_type: str | None = "CONSULT", mode: str | None = None,
          quad: int = 1, goldstein: float = 1.0, day: str | None = "2021-02-17", **flags) -> Event:
    trig = span(trigger)
    sentences = TEXT.split("\n\n")
    return Event(
        event_id=make_event_id("seed", sentence_index, trig.start, cameo, actors, recipients),
        doc_id="seed", sentence_index=sentence_index, sentence=sentences[sentence_index], date=day,
        cameo=cameo, event_type=event_type, mode=mode, quad_class=quad, goldstein=goldstein,
        actor=actors, recipient=recipients, trigger=trig, rule=f"test.{cameo}", confidence=0.8,
        cameo_label=label, sentence_start=TEXT.index(sentences[sentence_index]), **flags)


def seed_events() -> list[Event]:
    mikdad = actor("Faysal Mikdad", "SYRGOV", "SYR", "GOV")
    lavrov = actor("Sergey Lavrov", "RUSGOV", "RUS", "GOV")
    terrorists = actor("terrorist organizations", "UAFTER", None, "TER")
    return [
        event("040", "Consult (general)", [mikdad], [lavrov], "discussed", reciprocal=True),
        event("111", "Criticise or denounce", [mikdad, lavrov], [terrorists], "condemned", sentence_index=1,
              event_type="ACCUSE", mode="disapprove", quad=3, goldstein=-2.0,
              location=Location("Syria", "SYR", TEXT.index("Syria,"), TEXT.index("Syria,") + 5, name="Syria",
                                geonameid=163843, lat=35.0, lon=38.0, feature="PCLI", method="clause")),
        event("190", "Use conventional military force (general)", [mikdad], [], "confront", sentence_index=1,
              event_type="ASSAULT", quad=4, goldstein=-10.0, day=None, negated=True, hypothetical=True),
    ]


@pytest.fixture
def records() -> list[dict]:
    return [e.to_record() for e in seed_events()]


def test_offsets_of_fixture_are_real():
    for e in seed_events():
        assert TEXT[e.trigger.start:e.trigger.end] == e.trigger.text
        for a in e.actor + e.recipient:
            assert TEXT[a.start:a.end] == a.text


@pytest.mark.parametrize("name", ["events.jsonl", "events.ndjson", "events.json"])
def test_jsonl_round_trip(tmp_path, records, name):
    path = tmp_path / name
    assert write_events(records, path) == 3
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == records
    assert "\\u" not in path.read_text(encoding="utf-8")  # ensure_ascii=False
    assert duckdb.connect().execute(f"SELECT count(*) FROM read_json_auto('{path}', "
                                    "format='newline_delimited')").fetchone()[0] == 3


def test_csv_round_trip(tmp_path, records):
    path = tmp_path / "events.csv"
    assert write_events(records, path) == 3
    rel = duckdb.sql(f"SELECT * FROM read_csv('{path}', header=true, all_varchar=true)")
    assert tuple(rel.columns) == CSV_COLUMNS
    rows = [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]
    assert [r["event_id"] for r in rows] == [r["event_id"] for r in records]
    consult, condemn, force = rows
    assert consult["actor_code"] == "SYRGOV" and consult["recipient_text"] == "Sergey Lavrov"
    assert condemn["actor_code"] == "SYRGOV;RUSGOV" and condemn["actor_country"] == "SYR;RUS"
    assert condemn["recipient_country"] in ("", None)  # a missing value is an empty slot
    assert json.loads(condemn["actor_json"]) == records[1]["actor"]
    assert condemn["location_geonameid"] == "163843" and condemn["location_method"] == "clause"
    assert int(consult["trigger_start"]) == records[0]["trigger"]["start"]
    assert consult["trigger_text"] == "discussed" and consult["reciprocal"] == "true"
    assert force["negated"] == "true" and force["date"] in ("", None)
    assert json.loads(force["recipient_json"]) == []
    # Typed reading works too: DuckDB recognises the booleans and numbers.
    typed = duckdb.sql(f"SELECT negated, goldstein, quad_class FROM read_csv('{path}') ORDER BY goldstein"
                       ).fetchall()
    assert typed[0] == (True, -10.0, 4)


def test_parquet_round_trip_keeps_nesting(tmp_path, records):
    path = tmp_path / "events.parquet"
    assert write_events(records, path) == 3
    back = pq.read_table(path).to_pylist()
    for original, row in zip(records, back, strict=True):
        expected = dict(original, date=date.fromisoformat(original["date"]) if original["date"] else None)
        if expected["location"] is None:
            assert row["location"] is None
            expected.pop("location"), row.pop("location")
        else:
            assert row["location"] == expected.pop("location")
            row.pop("location")
        assert row == expected
    con = duckdb.connect()
    got = con.execute(f"SELECT actor[2].code, location.name, trigger.start FROM '{path}' "
                      "WHERE cameo = '111'").fetchone()
    assert got == ("RUSGOV", "Syria", records[1]["trigger"]["start"])


def test_parquet_with_no_events_still_has_schema(tmp_path):
    path = tmp_path / "none.parquet"
    assert write_events([], path) == 0
    table = pq.read_table(path)
    assert table.num_rows == 0 and "actor" in table.column_names


def test_extra_keys_are_kept(tmp_path, records):
    with_extra = [dict(r, score={"f1": 0.5}) for r in records]
    write_events(with_extra, tmp_path / "x.csv")
    write_events(with_extra, tmp_path / "x.parquet")
    write_events(with_extra, tmp_path / "x.jsonl")
    csv_scores = duckdb.sql(f"SELECT score FROM read_csv('{tmp_path / 'x.csv'}', all_varchar=true)"
                            ).fetchall()
    assert json.loads(csv_scores[0][0]) == {"f1": 0.5}
    assert json.loads(pq.read_table(tmp_path / "x.parquet").column("score")[0].as_py()) == {"f1": 0.5}
    late = records * 400 + [dict(records[0], surprise=1)]  # a key first seen after the first batch
    for name in ("late.csv", "late.parquet"):
        with pytest.raises(ValueError, match="surprise"):
            write_events(iter(late), tmp_path / name)
        assert not (tmp_path / name).exists()


def test_unknown_extension_and_missing_folder(tmp_path, records):
    with pytest.raises(ValueError, match=r"unknown extension '\.xlsx'"):
        write_events(records, tmp_path / "events.xlsx")
    with pytest.raises(ValueError, match="does not exist"):
        output_format(tmp_path / "no" / "events.csv")
    assert list(tmp_path.iterdir()) == []
    assert output_format(tmp_path / "E.PARQUET") == "parquet" and output_format("e.ndjson") == "jsonl"


def test_interrupted_write_leaves_old_file(tmp_path, records):
    for name in ("events.jsonl", "events.csv", "events.parquet"):
        path = tmp_path / name
        write_events(records[:1], path)
        before = path.read_bytes()

        def failing():
            yield records[1]
            raise RuntimeError("coder crashed")

        with pytest.raises(RuntimeError):
            write_events(failing(), path)
        assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "events.jsonl", "events.parquet"]


def test_print_events_table(records):
    console = Console(record=True, width=160, color_system=None)
    print_events(records, console=console)
    out = console.export_text()
    assert max(len(line) for line in out.splitlines()) <= 160
    assert "SYRGOV Faysal Mikdad" in out and "RUSGOV Sergey Lavrov" in out
    assert "↔" in out and "→" in out  # reciprocal consult, one-way others
    assert "[CONSULT]" in out and "[ACCUSE/disapprove]" in out
    assert "NEGATED" in out and "hypothetical" in out
    assert "0.80" in out and "test.040" in out


def test_print_no_events():
    console = Console(record=True, width=80)
    print_events([], console=console)
    assert "no events" in console.export_text()


def test_store_rows_round_trip_through_writer(tmp_path, records):
    """Records read back from the store (dates as strings, same keys) write the same way."""
    from dyads.store import Store

    with Store(tmp_path / "db.duckdb") as store:
        store.save([(_story(), seed_events())])
        stored = store.query_events()
    assert write_events(stored, tmp_path / "from_store.parquet") == 3
    assert pq.read_table(tmp_path / "from_store.parquet").column("event_id").to_pylist() == \
        [r["event_id"] for r in stored]


def _story():
    from dyads.models import Story

    return Story(id="seed", text=TEXT, date=date(2021, 2, 17), origin=str(Path("seed.txt")))
