"""Read-only queries behind the web pages and the JSON API.

One read-only DuckDB connection is opened per app, with file access outside the store switched off;
every request works on its own cursor (DuckDB connections are not thread-safe, cursors are). All
values reach SQL as parameters: filters through ``EventFilter.where()``, the dyad condition and the
limits here. The only SQL text chosen at run time is picked from fixed tables (``SORTS``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..store import EventFilter, public_record

# sort key in the URL -> ORDER BY text (never built from user input)
SORTS: dict[str, str] = {
    "date": "date NULLS LAST, doc_id, sentence_index, event_id",
    "-date": "date DESC NULLS LAST, doc_id, sentence_index, event_id",
    "goldstein": "goldstein, date NULLS LAST, event_id",
    "-goldstein": "goldstein DESC, date NULLS LAST, event_id",
    "-confidence": "confidence DESC, date NULLS LAST, event_id",
}

MAX_FILLED_MONTHS = 1200

QUAD_CLASSES: dict[int, str] = {
    1: "Verbal cooperation",
    2: "Material cooperation",
    3: "Verbal conflict",
    4: "Material conflict",
}


class StoreError(Exception):
    """The file cannot be served: missing, locked by a writer, or not a dyads store."""


@dataclass(frozen=True)
class Dyad:
    """Two actor countries; ``directed`` keeps only acts of ``a`` on ``b``."""

    a: str
    b: str
    directed: bool = False


class Database:
    """The event store, opened read-only for serving."""

    def __init__(self, path: str | Path, *, sql_timeout: float = 5.0):
        self.path = Path(path)
        if not self.path.is_file():
            raise StoreError(f"no event store at {self.path} (create one with `dyads code FILE --db PATH`)")
        try:
            self._con = duckdb.connect(str(self.path), read_only=True, config={
                "enable_external_access": False,  # no read_csv('/etc/...'), no ATTACH
                "lock_configuration": True,  # ... and no SET to switch it back on
            })
        except duckdb.Error as exc:
            raise StoreError(f"cannot open {self.path} read-only: {str(exc).splitlines()[0]}") from exc
        tables = {row[0] for row in self._con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        missing = {"stories", "events", "dyads"} - tables
        if missing:
            self._con.close()
            raise StoreError(f"{self.path} is not a dyads event store (missing {', '.join(sorted(missing))})")
        self.sql_timeout = sql_timeout

    def close(self) -> None:
        self._con.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    # ------------------------------------------------------------------ events

    def events(self, flt: EventFilter, dyad: Dyad | None = None, *, limit: int, offset: int = 0,
               sort: str = "date") -> tuple[int, list[tuple[dict, int]]]:
        """(total matching, page of (public event record, sentence offset in the story))."""
        where, params = _where(flt, dyad)
        with self.cursor() as cur:
            total = cur.execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0]
            cur.execute(f"SELECT * FROM events{where} ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?",
                        [*params, limit, offset])
            rows = _dicts(cur)
        return total, [(public_record(dict(row)), row["sentence_start"]) for row in rows]

    def event(self, event_id: str) -> tuple[dict, int] | None:
        with self.cursor() as cur:
            cur.execute("SELECT * FROM events WHERE event_id = ?", [event_id])
            rows = _dicts(cur)
        if not rows:
            return None
        return public_record(dict(rows[0])), rows[0]["sentence_start"]

    def story(self, doc_id: str) -> dict | None:
        with self.cursor() as cur:
            cur.execute("SELECT doc_id, date, title, source, url, origin, text, n_events, coded_at "
                        "FROM stories WHERE doc_id = ?", [doc_id])
            rows = _dicts(cur)
        if not rows:
            return None
        story = rows[0]
        story["date"] = story["date"].isoformat() if story["date"] else None
        story["coded_at"] = story["coded_at"].isoformat() if story["coded_at"] else None
        return story

    # ------------------------------------------------------------- aggregates

    def timeline(self, flt: EventFilter, dyad: Dyad | None = None) -> dict:
        """Monthly counts by quad class and Goldstein sums of events that happened.

        Negated and hypothetical events are left out (as in the ``dyads`` view); months without
        events inside the range are filled with zeros so charts have an even time axis.
        """
        where, params = _where(flt, dyad, happened=True)
        month_sql = "strftime(date, '%Y-%m')"
        with self.cursor() as cur:
            cur.execute(
                f"SELECT {month_sql} AS month, quad_class, count(*) AS n, sum(goldstein) AS g "
                f"FROM events{_and(where, 'date IS NOT NULL')} GROUP BY ALL ORDER BY month, quad_class",
                params)
            rows = cur.fetchall()
            undated = cur.execute(f"SELECT count(*) FROM events{_and(where, 'date IS NULL')}",
                                  params).fetchone()[0]
            direction = None
            if dyad:
                direction = self._directional_goldstein(cur, flt, dyad)
        by_month: dict[str, dict] = {}
        for month, quad, n, goldstein in rows:
            slot = by_month.setdefault(month, _empty_month(month))
            slot["quad"][str(quad)] = n
            slot["events"] += n
            slot["goldstein"] = round(slot["goldstein"] + goldstein, 3)
        months = [by_month.get(m) or _empty_month(m) for m in _month_range(by_month)]
        if direction is not None:
            for slot in months:
                slot["goldstein_a_to_b"] = direction.get((slot["month"], True), 0.0)
                slot["goldstein_b_to_a"] = direction.get((slot["month"], False), 0.0)
        return {
            "months": months,
            "totals": {"events": sum(m["events"] for m in months), "undated": undated,
                       "goldstein": round(sum(m["goldstein"] for m in months), 3)},
            "quad_classes": {str(k): v for k, v in QUAD_CLASSES.items()},
        }

    def _directional_goldstein(self, cur: duckdb.DuckDBPyConnection, flt: EventFilter,
                               dyad: Dyad) -> dict[tuple[str, bool], float]:
        """Goldstein sums per month of a's acts on b (True) and b's on a (False)."""
        where, params = _where(flt, dyad, happened=True)
        a_to_b, ab_params = _directed(dyad.a, dyad.b)
        b_to_a, ba_params = _directed(dyad.b, dyad.a)
        cur.execute(
            "SELECT strftime(date, '%Y-%m') AS month, "
            f"coalesce(sum(goldstein) FILTER (WHERE {a_to_b}), 0), coalesce(sum(goldstein) FILTER (WHERE {b_to_a}), 0) "
            f"FROM events{_and(where, 'date IS NOT NULL')} GROUP BY month",
            [*ab_params, *ba_params, *params])
        out: dict[tuple[str, bool], float] = {}
        for month, ab, ba in cur.fetchall():
            out[(month, True)], out[(month, False)] = round(ab, 3), round(ba, 3)
        return out

    def dyads(self, flt: EventFilter, *, limit: int) -> list[dict]:
        """Directed country pairs with event counts, Goldstein sums and counts by quad class.

        An event counts once per pair however many of its actors share a country.
        """
        where, params = flt.where()
        only = f" WHERE event_id IN (SELECT event_id FROM events{where})" if where else ""
        with self.cursor() as cur:
            cur.execute(
                "WITH pairs AS (SELECT event_id, coalesce(source_country, source_code) AS source, "
                "coalesce(target_country, target_code) AS target, any_value(quad_class) AS quad_class, "
                f"any_value(goldstein) AS goldstein FROM dyads{only} GROUP BY ALL) "
                "SELECT source, target, count(*) AS events, round(sum(goldstein), 3) AS goldstein, "
                "count(*) FILTER (WHERE quad_class = 1), count(*) FILTER (WHERE quad_class = 2), "
                "count(*) FILTER (WHERE quad_class = 3), count(*) FILTER (WHERE quad_class = 4) "
                "FROM pairs GROUP BY source, target ORDER BY events DESC, source, target",
                params)
            # pairs with an unresolved side are dropped here: a NULL test in SQL is pushed down
            # into the view's UNNEST and makes the query 15 times slower
            rows = [row for row in cur.fetchall() if row[0] is not None and row[1] is not None][:limit]
        return [{"source": s, "target": t, "events": n, "goldstein": g,
                 "quad": {"1": q1, "2": q2, "3": q3, "4": q4}}
                for s, t, n, g, q1, q2, q3, q4 in rows]

    def places(self, flt: EventFilter, *, limit: int) -> tuple[list[dict], int]:
        """Geocoded event locations (one row per place) and the count of matching events without one."""
        where, params = flt.where()
        with self.cursor() as cur:
            cur.execute(
                "SELECT coalesce(location.name, location.text) AS name, location.country AS country, "
                "location.lat AS lat, location.lon AS lon, count(*) AS events, "
                "round(sum(goldstein), 3) AS goldstein, "
                "list(event_id ORDER BY date NULLS LAST, event_id)[1:5] AS sample "
                f"FROM events{_and(where, 'location.lat IS NOT NULL AND location.lon IS NOT NULL')} "
                "GROUP BY ALL ORDER BY events DESC, name LIMIT ?",
                [*params, limit])
            rows = _dicts(cur)
            unplaced = cur.execute(
                f"SELECT count(*) FROM events{_and(where, 'location.lat IS NULL OR location.lon IS NULL')}",
                params).fetchone()[0]
        return rows, unplaced

    def summary(self) -> dict:
        with self.cursor() as cur:
            stories, = cur.execute("SELECT count(*) FROM stories").fetchone()
            events, first, last = cur.execute("SELECT count(*), min(date), max(date) FROM events").fetchone()
            types = cur.execute(
                "SELECT coalesce(event_type, '(none)'), count(*) FROM events GROUP BY 1 "
                "ORDER BY 2 DESC, 1 LIMIT 20").fetchall()
        return {"stories": stories, "events": events,
                "first_date": first.isoformat() if first else None,
                "last_date": last.isoformat() if last else None,
                "event_types": [{"event_type": t, "events": n} for t, n in types]}

    def options(self) -> dict[str, list[str]]:
        """Values present in the store, offered in the filter forms."""
        with self.cursor() as cur:
            def column(sql: str) -> list[str]:
                return [row[0] for row in cur.execute(sql).fetchall() if row[0]]

            countries = column(
                "SELECT DISTINCT upper(x.country) AS c FROM (SELECT unnest(actor) AS x FROM events "
                "UNION ALL SELECT unnest(recipient) FROM events) ORDER BY c")
            sectors = column(
                "SELECT DISTINCT upper(x.sector) AS s FROM (SELECT unnest(actor) AS x FROM events "
                "UNION ALL SELECT unnest(recipient) FROM events) ORDER BY s")
            event_types = column("SELECT DISTINCT upper(event_type) AS t FROM events ORDER BY t")
            roots = column("SELECT DISTINCT cameo_root FROM events ORDER BY cameo_root")
        return {"countries": countries, "sectors": sectors, "event_types": event_types,
                "cameo_roots": roots}

    # ------------------------------------------------------------ user SQL

    def run_sql(self, sql: str, *, max_rows: int) -> dict:
        """One read-only SELECT, at most ``max_rows`` rows, interrupted after ``sql_timeout`` seconds.

        Only reachable when the server was started with ``--allow-sql``.
        """
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error as exc:
            raise ValueError(f"SQL does not parse: {str(exc).splitlines()[0]}") from exc
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            raise ValueError("only a single SELECT statement is allowed")
        with self.cursor() as cur:
            timer = threading.Timer(self.sql_timeout, cur.interrupt)
            timer.start()
            try:
                cur.execute(sql)
                columns = [d[0] for d in cur.description]
                rows = cur.fetchmany(max_rows + 1)
            except duckdb.InterruptException as exc:
                raise TimeoutError(f"query took longer than {self.sql_timeout:g} s") from exc
            except duckdb.Error as exc:
                raise ValueError(str(exc).splitlines()[0]) from exc
            finally:
                timer.cancel()
        truncated = len(rows) > max_rows
        return {"columns": columns, "rows": [[_jsonable(v) for v in r] for r in rows[:max_rows]],
                "truncated": truncated}


def _jsonable(value):
    """A value from user SQL as JSON: dates and decimals as text, NaN and infinities as null."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _and(where: str, clause: str) -> str:
    return f"{where} AND ({clause})" if where else f" WHERE ({clause})"


def _where(flt: EventFilter, dyad: Dyad | None, happened: bool = False) -> tuple[str, list]:
    """The shared filter plus, for a dyad page, the events between the two actors."""
    where, params = flt.where()
    if happened:
        where = _and(where, "NOT negated AND NOT hypothetical")
    if dyad:
        clause, extra = _dyad_clause(dyad)
        where, params = _and(where, clause), [*params, *extra]
    return where, params


def _acts(a: str, b: str) -> tuple[str, list]:
    """Events whose actors include country ``a`` and whose recipients include ``b``."""
    return (f"({_HAS_COUNTRY.format(side='actor')} AND {_HAS_COUNTRY.format(side='recipient')})",
            [a.upper(), b.upper()])


def _directed(a: str, b: str) -> tuple[str, list]:
    """Acts of ``a`` on ``b``, reciprocal acts of ``b`` with ``a`` included (as in the view)."""
    forward, fwd_params = _acts(a, b)
    backward, back_params = _acts(b, a)
    return f"({forward} OR (reciprocal AND {backward}))", [*fwd_params, *back_params]


def _dyad_clause(dyad: Dyad) -> tuple[str, list]:
    """The events the ``dyads`` view pairs as a -> b (or either way), written on ``events`` directly.

    Same rows as ``event_id IN (SELECT event_id FROM dyads WHERE ...)`` (tests check it), but
    without unnesting every event: about 30 times faster on a 200,000-event store.
    """
    if dyad.directed:
        pair, params = _directed(dyad.a, dyad.b)
    else:
        forward, fwd_params = _acts(dyad.a, dyad.b)
        backward, back_params = _acts(dyad.b, dyad.a)
        pair, params = f"({forward} OR {backward})", [*fwd_params, *back_params]
    return f"NOT negated AND NOT hypothetical AND {pair}", params


_HAS_COUNTRY = "list_contains(list_transform({side}, lambda x: upper(x.country)), ?)"


def _empty_month(month: str) -> dict:
    return {"month": month, "events": 0, "goldstein": 0.0, "quad": {"1": 0, "2": 0, "3": 0, "4": 0}}


def _month_range(months: dict[str, dict]) -> list[str]:
    """Every month from the first to the last key ("YYYY-MM"); only the keys if that spans over a century."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while len(out) <= MAX_FILLED_MONTHS:
        key = f"{year:04d}-{month:02d}"
        out.append(key)
        if key >= last:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(months)
