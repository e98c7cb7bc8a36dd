"""The event store: an embedded DuckDB file with the tables ``stories`` and ``events``.

Coding a story again replaces its events (a story's identity is its id, else its content hash),
so re-running a batch never duplicates anything. The view ``dyads`` has one row per directed
actor -> recipient pair, with reciprocal acts ("X discussed with Y") counted in both directions, and a
reciprocal act of a compound actor ("X and Y agreed") counted between its members.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .models import Event, Story, content_hash

ACTOR_STRUCT = ('STRUCT("text" VARCHAR, code VARCHAR, country VARCHAR, sector VARCHAR, '
                'start INTEGER, "end" INTEGER)')
LOCATION_STRUCT = ('STRUCT("text" VARCHAR, country VARCHAR, start INTEGER, "end" INTEGER, name VARCHAR, '
                   'geonameid BIGINT, lat DOUBLE, lon DOUBLE, admin1 VARCHAR, feature VARCHAR, method VARCHAR)')

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS stories (
    doc_id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    date DATE,
    title VARCHAR,
    source VARCHAR,
    url VARCHAR,
    origin VARCHAR,
    text VARCHAR NOT NULL,
    n_events INTEGER NOT NULL,
    coded_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    sentence_index INTEGER NOT NULL,
    sentence VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    date DATE,
    cameo VARCHAR NOT NULL,
    cameo_root VARCHAR NOT NULL,
    cameo_label VARCHAR,
    event_type VARCHAR,
    mode VARCHAR,
    quad_class TINYINT NOT NULL,
    goldstein DOUBLE NOT NULL,
    actor {ACTOR_STRUCT}[],
    recipient {ACTOR_STRUCT}[],
    actor_country VARCHAR,
    actor_sector VARCHAR,
    recipient_country VARCHAR,
    recipient_sector VARCHAR,
    location {LOCATION_STRUCT},
    trigger STRUCT("text" VARCHAR, start INTEGER, "end" INTEGER),
    negated BOOLEAN NOT NULL,
    hypothetical BOOLEAN NOT NULL,
    reciprocal BOOLEAN NOT NULL,
    rule VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL
);
CREATE OR REPLACE VIEW dyads AS
    SELECT e.event_id, e.doc_id, e.date, e.cameo, e.cameo_root, e.event_type, e.quad_class, e.goldstein,
           a.country AS source_country, a.sector AS source_sector, a.code AS source_code,
           r.country AS target_country, r.sector AS target_sector, r.code AS target_code,
           FALSE AS reversed
    FROM events e, UNNEST(e.actor) AS t1(a), UNNEST(e.recipient) AS t2(r)
    WHERE NOT e.negated AND NOT e.hypothetical
    UNION ALL
    SELECT e.event_id, e.doc_id, e.date, e.cameo, e.cameo_root, e.event_type, e.quad_class, e.goldstein,
           r.country, r.sector, r.code, a.country, a.sector, a.code, TRUE
    FROM events e, UNNEST(e.actor) AS t1(a), UNNEST(e.recipient) AS t2(r)
    WHERE e.reciprocal AND NOT e.negated AND NOT e.hypothetical
    UNION ALL
    -- "Jordan and Britain agreed ...": a reciprocal act of a compound actor runs between its members
    SELECT e.event_id, e.doc_id, e.date, e.cameo, e.cameo_root, e.event_type, e.quad_class, e.goldstein,
           a.country, a.sector, a.code, b.country, b.sector, b.code, FALSE
    FROM events e, UNNEST(e.actor) AS t1(a), UNNEST(e.actor) AS t2(b)
    WHERE e.reciprocal AND len(e.recipient) = 0 AND a.start IS DISTINCT FROM b.start
          AND NOT e.negated AND NOT e.hypothetical;
"""

# The orderings a caller may ask for, by name.
ORDERS = {
    "date": "date, doc_id, sentence_index, event_id",
    "-date": "date DESC, doc_id, sentence_index, event_id",
    "confidence": "confidence DESC, date, event_id",
    "goldstein": "goldstein, date, event_id",
    "-goldstein": "goldstein DESC, date, event_id",
}

# Columns of ``events`` in insertion order.
EVENT_COLUMNS = [
    "event_id", "doc_id", "sentence_index", "sentence", "sentence_start", "date", "cameo", "cameo_root",
    "cameo_label", "event_type", "mode", "quad_class", "goldstein", "actor", "recipient",
    "actor_country", "actor_sector", "recipient_country", "recipient_sector", "location", "trigger",
    "negated", "hypothetical", "reciprocal", "rule", "confidence",
]


@dataclass
class EventFilter:
    """Filters shared by ``dyads query``, ``dyads export`` and the web API. All optional."""

    date_from: str | None = None
    date_to: str | None = None
    country: str | None = None  # actor or recipient country
    actor_country: str | None = None
    recipient_country: str | None = None
    sector: str | None = None  # actor or recipient sector
    actor_sector: str | None = None
    recipient_sector: str | None = None
    event_type: str | None = None
    cameo_root: str | None = None
    quad_class: int | None = None
    doc_id: str | None = None
    text: str | None = None  # free text in the sentence

    def where(self) -> tuple[str, list]:
        """SQL WHERE clause and its parameters (always parameterised, never interpolated)."""
        clauses: list[str] = []
        params: list = []
        if self.date_from:
            clauses.append("date >= TRY_CAST(? AS DATE)")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("date <= TRY_CAST(? AS DATE)")
            params.append(self.date_to)
        for side in ("actor", "recipient"):
            for attr in ("country", "sector"):
                value = getattr(self, f"{side}_{attr}")
                if value:
                    clauses.append(
                        f"list_contains(list_transform({side}, lambda x: upper(x.{attr})), upper(?))")
                    params.append(value)
        for attr in ("country", "sector"):
            value = getattr(self, attr)
            if value:
                clauses.append(
                    f"(list_contains(list_transform(actor, lambda x: upper(x.{attr})), upper(?)) OR "
                    f"list_contains(list_transform(recipient, lambda x: upper(x.{attr})), upper(?)))")
                params += [value, value]
        if self.event_type:
            clauses.append("upper(event_type) = upper(?)")
            params.append(self.event_type)
        if self.cameo_root:
            clauses.append("cameo_root = ?")
            params.append(self.cameo_root.zfill(2))
        if self.quad_class is not None:
            clauses.append("quad_class = ?")
            params.append(int(self.quad_class))
        if self.doc_id:
            clauses.append("doc_id = ?")
            params.append(self.doc_id)
        if self.text:
            clauses.append("strpos(lower(sentence), lower(?)) > 0")
            params.append(self.text)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _first(actors: Sequence, attr: str):
    for a in actors:
        value = getattr(a, attr)
        if value:
            return value
    return None


def event_row(event: Event) -> tuple:
    """One ``events`` row, in EVENT_COLUMNS order."""
    rec = event.to_record()
    return (
        event.event_id, event.doc_id, event.sentence_index, event.sentence, event.sentence_start,
        event.date, event.cameo, event.cameo[:2], event.cameo_label, event.event_type, event.mode,
        event.quad_class, event.goldstein, rec["actor"], rec["recipient"],
        _first(event.actor, "country"), _first(event.actor, "sector"),
        _first(event.recipient, "country"), _first(event.recipient, "sector"),
        rec["location"], rec["trigger"], event.negated, event.hypothetical, event.reciprocal,
        event.rule, event.confidence,
    )


class Store:
    """A DuckDB event store. ``read_only=True`` for serving and querying."""

    def __init__(self, path: str | Path = "dyads.duckdb", read_only: bool = False):
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"no event store at {self.path}")
        self.con = duckdb.connect(self.path, read_only=read_only)
        if not read_only:
            self.con.execute(SCHEMA)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def save(self, stories_events: Iterable[tuple[Story, list[Event]]]) -> tuple[int, int]:
        """Store stories with their events, replacing what an earlier run stored for the same story.

        Returns (stories, events) written.
        """
        n_stories = n_events = 0
        now = datetime.now(UTC).replace(tzinfo=None)
        placeholders = ", ".join("?" for _ in EVENT_COLUMNS)
        self.con.execute("BEGIN TRANSACTION")
        try:
            for story, events in stories_events:
                self.con.execute("DELETE FROM events WHERE doc_id = ?", [story.id])
                self.con.execute("DELETE FROM stories WHERE doc_id = ?", [story.id])
                self.con.execute(
                    "INSERT INTO stories VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [story.id, content_hash(story.text), story.date, story.title, story.source, story.url,
                     story.origin, story.text, len(events), now])
                # The same event id twice in one story is one event (e.g. two rules on the same words).
                rows = {e.event_id: event_row(e) for e in events}
                if rows:
                    self.con.executemany(
                        f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({placeholders})",
                        list(rows.values()))
                n_stories += 1
                n_events += len(rows)
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        return n_stories, n_events

    def query_events(self, flt: EventFilter | None = None, limit: int | None = None,
                     offset: int = 0, order: str = "date") -> list[dict]:
        """Events matching the filter, as dicts shaped like the public event record.

        ``order`` is one of ORDERS (a fixed list: it is never SQL from the caller)."""
        if order not in ORDERS:
            raise ValueError(f"unknown order {order!r}; one of {sorted(ORDERS)}")
        where, params = (flt or EventFilter()).where()
        sql = f"SELECT * FROM events{where} ORDER BY {ORDERS[order]}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, int(limit), int(offset)]
        cur = self.con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [public_record(dict(zip(names, row, strict=True))) for row in cur.fetchall()]

    def count_events(self, flt: EventFilter | None = None) -> int:
        where, params = (flt or EventFilter()).where()
        return self.con.execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0]

    def export(self, path: str | Path, flt: EventFilter | None = None) -> int:
        """Write matching events to JSON Lines, CSV or Parquet, chosen by the file's extension."""
        from .output import write_events  # local import: output depends on nothing in store

        records = self.query_events(flt)
        write_events(records, path)
        return len(records)


def public_record(row: dict) -> dict:
    """A stored row back to the public event record (dates as ISO strings)."""
    for key in ("sentence_start", "cameo_root", "actor_country", "actor_sector",
                "recipient_country", "recipient_sector"):
        row.pop(key, None)
    if row.get("date") is not None:
        row["date"] = row["date"].isoformat()
    return json.loads(json.dumps(row, default=str))
