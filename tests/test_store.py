"""The DuckDB event store, on real database files."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import duckdb
import pyarrow.parquet as pq
import pytest

from dyads.models import Actor, Event, Location, Span, Story, make_event_id
from dyads.store import EventFilter, Store

# The seed story's first paragraphs (the reader strips its "date 2021-02-17" prefix).
TEXT = ("Foreign and Expatriates Minister , Faysal Mikdad, discussed on Wednesday with Russian Foreign "
        "Minister, Sergey Lavrov, bilateral relations between Syria and Russia and means of developing and "
        "enhancing them in the interests of both friendly peoples.\n\nThey condemned terrorism that "
        "targets Syria, stressing the importance of continuing joint efforts to confront terrorist "
        "organizations which continue their attacks on civilians")
SENTENCES = TEXT.split("\n\n")
OTHER_TEXT = "Iranian officials accused Israel of sabotage at the Natanz plant on Sunday."


def actor(text: str, words: str, code: str | None, country: str | None, sector: str | None) -> Actor:
    start = text.index(words)
    return Actor(words, code, country, sector, start, start + len(words))


def make_event(doc_id: str, text: str, cameo: str, actors: list[Actor], recipients: list[Actor],
               trigger: str, day: str | None, *, sentence_index: int = 0, event_type: str | None = None,
               quad: int = 1, goldstein: float = 0.0, **flags) -> Event:
    start = text.index(trigger)
    sentence = text.split("\n\n")[sentence_index]
    return Event(
        event_id=make_event_id(doc_id, sentence_index, start, cameo, actors, recipients),
        doc_id=doc_id, sentence_index=sentence_index, sentence=sentence, date=day, cameo=cameo,
        event_type=event_type, mode=None, quad_class=quad, goldstein=goldstein, actor=actors,
        recipient=recipients, trigger=Span(trigger, start, start + len(trigger)), rule="test",
        confidence=0.7, sentence_start=text.index(sentence), **flags)


def seed_story() -> tuple[Story, list[Event]]:
    story = Story(id="seed", text=TEXT, date=date(2021, 2, 17), title="Mikdad, Lavrov discuss relations",
                  source="SANA", origin="seed.txt")
    mikdad = actor(TEXT, "Faysal Mikdad", "SYRGOV", "SYR", "GOV")
    lavrov = actor(TEXT, "Sergey Lavrov", "RUSGOV", "RUS", "GOV")
    terror = actor(TEXT, "terrorist organizations", "UAFTER", None, "TER")
    events = [
        make_event("seed", TEXT, "040", [mikdad], [lavrov], "discussed", "2021-02-17",
                   event_type="CONSULT", goldstein=1.0, reciprocal=True,
                   location=Location("Syria", "SYR", None, None, name="Syria", geonameid=163843)),
        make_event("seed", TEXT, "111", [mikdad, lavrov], [terror], "condemned", "2021-02-17",
                   sentence_index=1, event_type="ACCUSE", quad=3, goldstein=-2.0),
        make_event("seed", TEXT, "190", [mikdad], [terror], "confront", "2021-02-17", sentence_index=1,
                   event_type="ASSAULT", quad=4, goldstein=-10.0, hypothetical=True),
    ]
    return story, events


def other_story() -> tuple[Story, list[Event]]:
    story = Story(id="natanz", text=OTHER_TEXT, date=date(2021, 4, 11), origin="in.jsonl:2")
    iran = actor(OTHER_TEXT, "Iranian officials", "IRNGOV", "IRN", "GOV")
    israel = actor(OTHER_TEXT, "Israel", "ISR", "ISR", None)
    return story, [make_event("natanz", OTHER_TEXT, "112", [iran], [israel], "accused", "2021-04-11",
                              event_type="ACCUSE", quad=3, goldstein=-2.0)]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "events.duckdb") as s:
        s.save([seed_story(), other_story()])
        yield s


def test_save_and_reopen(tmp_path):
    path = tmp_path / "events.duckdb"
    with Store(path) as s:
        assert s.save([seed_story(), other_story()]) == (2, 4)
    with Store(path, read_only=True) as s:
        assert s.count_events() == 4
        row = s.con.execute("SELECT title, source, origin, date, n_events, text FROM stories "
                            "WHERE doc_id = 'seed'").fetchone()
        assert row == ("Mikdad, Lavrov discuss relations", "SANA", "seed.txt", date(2021, 2, 17), 3, TEXT)
        [consult] = s.query_events(EventFilter(cameo_root="04"))
    _, events = seed_story()
    assert consult == events[0].to_record()  # the public record survives the round trip


def test_read_only_missing_store(tmp_path):
    with pytest.raises(FileNotFoundError):
        Store(tmp_path / "nope.duckdb", read_only=True)


def test_resaving_a_story_replaces_it(store):
    story, events = seed_story()
    assert store.save([(story, events)]) == (1, 3)
    assert store.save([(story, events + events[:1])]) == (1, 3)  # a repeated event id is one event
    assert store.count_events() == 4
    assert store.con.execute("SELECT count(*) FROM stories").fetchone()[0] == 2
    # Re-coding with fewer events drops the old ones.
    store.save([(replace(story, title="new"), events[:1])])
    assert store.count_events(EventFilter(doc_id="seed")) == 1
    row = store.con.execute("SELECT title, n_events FROM stories WHERE doc_id='seed'").fetchone()
    assert row == ("new", 1)


def test_failed_save_rolls_back(store):
    story, events = seed_story()
    broken = replace(events[0], cameo=None)  # NOT NULL column: the insert fails
    with pytest.raises(Exception):  # noqa: B017 - any database error will do
        store.save([(replace(story, title="changed"), [broken])])
    assert store.count_events() == 4
    assert store.con.execute("SELECT title FROM stories WHERE doc_id='seed'").fetchone()[0] != "changed"


@pytest.mark.parametrize(("flt", "cameos"), [
    (EventFilter(), ["040", "111", "190", "112"]),
    (EventFilter(country="syr"), ["040", "111", "190"]),
    (EventFilter(country="ISR"), ["112"]),
    (EventFilter(actor_country="RUS"), ["111"]),
    (EventFilter(recipient_country="RUS"), ["040"]),
    (EventFilter(sector="TER"), ["111", "190"]),
    (EventFilter(actor_sector="GOV", recipient_sector="TER"), ["111", "190"]),
    (EventFilter(event_type="accuse"), ["111", "112"]),
    (EventFilter(cameo_root="4"), ["040"]),
    (EventFilter(cameo_root="11"), ["111", "112"]),
    (EventFilter(quad_class=4), ["190"]),
    (EventFilter(date_from="2021-03-01"), ["112"]),
    (EventFilter(date_to="2021-02-17"), ["040", "111", "190"]),
    (EventFilter(date_from="2021-02-18", date_to="2021-04-10"), []),
    (EventFilter(text="Terrorism"), ["111", "190"]),
    (EventFilter(doc_id="natanz"), ["112"]),
])
def test_filters(store, flt, cameos):
    assert [e["cameo"] for e in store.query_events(flt)] == cameos
    assert store.count_events(flt) == len(cameos)


@pytest.mark.parametrize("value", ["' OR 1=1 --", "x'); DROP TABLE events; --", '" OR ""="', "%", "_"])
def test_malicious_filter_values_match_nothing(store, value):
    for field in ("country", "actor_country", "recipient_sector", "sector", "event_type", "cameo_root",
                  "doc_id", "text"):
        flt = EventFilter(**{field: value})
        assert store.query_events(flt) == [], field
        assert store.count_events(flt) == 0
    assert store.count_events() == 4  # nothing dropped


@pytest.mark.parametrize("value", ["' OR 1=1 --", "2021-13-45", "yesterday"])
def test_unreadable_dates_match_nothing(store, value):
    for flt in (EventFilter(date_from=value), EventFilter(date_to=value)):
        assert store.query_events(flt) == [] and store.count_events(flt) == 0
    assert store.count_events() == 4


def test_limit_and_offset(store):
    page = store.query_events(limit=2, offset=1)
    assert [e["cameo"] for e in page] == ["111", "190"]


def test_dyads_view_counts_reciprocal_both_ways(store):
    rows = store.con.execute(
        "SELECT cameo, source_code, target_code, reversed FROM dyads ORDER BY cameo, reversed, source_code"
    ).fetchall()
    assert rows == [
        ("040", "SYRGOV", "RUSGOV", False),
        ("040", "RUSGOV", "SYRGOV", True),  # "Mikdad discussed with Lavrov" runs both ways
        ("111", "RUSGOV", "UAFTER", False),  # two actors -> two directed pairs
        ("111", "SYRGOV", "UAFTER", False),
        ("112", "IRNGOV", "ISR", False),
        # 190 is hypothetical: not an event that happened, so no dyad
    ]
    pair_counts = dict(store.con.execute(
        "SELECT source_country || '>' || target_country, count(*) FROM dyads "
        "WHERE source_country IS NOT NULL AND target_country IS NOT NULL GROUP BY ALL").fetchall())
    assert pair_counts == {"SYR>RUS": 1, "RUS>SYR": 1, "IRN>ISR": 1}


def test_export_formats(store, tmp_path):
    flt = EventFilter(country="SYR")
    assert store.export(tmp_path / "syr.jsonl", flt) == 3
    lines = [json.loads(line) for line in (tmp_path / "syr.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["cameo"] for r in lines] == ["040", "111", "190"]
    assert lines[0]["date"] == "2021-02-17" and lines[0]["location"]["geonameid"] == 163843

    assert store.export(tmp_path / "syr.csv", flt) == 3
    con = duckdb.connect()
    codes = con.execute(f"SELECT actor_code FROM read_csv('{tmp_path / 'syr.csv'}', all_varchar=true)"
                        ).fetchall()
    assert codes == [("SYRGOV",), ("SYRGOV;RUSGOV",), ("SYRGOV",)]

    assert store.export(tmp_path / "all.parquet") == 4
    table = pq.read_table(tmp_path / "all.parquet")
    assert table.num_rows == 4 and table.schema.field("date").type == "date32[day]"
    sql = f"SELECT count(*) FROM '{tmp_path / 'all.parquet'}' WHERE reciprocal"
    assert con.execute(sql).fetchone()[0] == 1

    with pytest.raises(ValueError):
        store.export(tmp_path / "events.txt")


def test_dyads_view_pairs_the_members_of_a_reciprocal_compound_actor(tmp_path):
    text = "Jordan and Britain agreed to hold joint military exercises."
    jordan, britain = actor(text, "Jordan", "JOR", "JOR", None), actor(text, "Britain", "GBR", "GBR", None)
    story = Story(id="drill", text=text, date=date(2020, 1, 5))
    event = make_event("drill", text, "062", [jordan, britain], [], "exercises", "2020-01-05",
                       event_type="COOPERATE", quad=2, goldstein=6.0, reciprocal=True)
    with Store(tmp_path / "drill.duckdb") as s:
        s.save([(story, [event])])
        rows = s.con.execute("SELECT source_code, target_code FROM dyads ORDER BY 1").fetchall()
    assert rows == [("GBR", "JOR"), ("JOR", "GBR")]
