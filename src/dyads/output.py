"""The output stage: event records to files (JSON Lines, CSV, Parquet) and to a readable terminal table.

An event record is the dict of :meth:`dyads.models.Event.to_record` (or a row of the store read back
by :meth:`dyads.store.Store.query_events`, which has the same shape).

* **JSON Lines** (``.jsonl``, ``.ndjson``, ``.json``): one record per line, UTF-8, nothing changed.
* **CSV** (``.csv``): one row per event. Actor and recipient lists are flattened to ``actor_code``,
  ``actor_text``, ``actor_country``, ``actor_sector`` (values of several actors joined by ``;``, an
  empty slot for a missing value so positions line up) plus ``actor_json`` with the whole list, offsets
  included; ``trigger`` becomes ``trigger_text/start/end`` and ``location`` ``location_*`` columns.
* **Parquet** (``.parquet``): the record's nested shape kept as Parquet lists and structs, with an
  explicit schema (``date`` is a DATE column), so empty batches and all-null columns still have types.

Keys outside the public record (added by a caller) are not dropped: JSON Lines keeps them as they are,
CSV and Parquet add one column each holding the value as JSON text. Those columns are fixed by the
first :data:`BATCH_SIZE` records; a key first seen later is an error (nothing is written).

Every file is written to a temporary file beside the target and renamed over it at the end, so an
interrupted export never leaves a half-written file under the real name.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import IO

import pyarrow as pa
from rich.console import Console
from rich.table import Table
from rich.text import Text

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet",)
BATCH_SIZE = 1000

ACTOR_FIELDS = ("text", "code", "country", "sector", "start", "end")
LOCATION_FIELDS = ("text", "country", "start", "end", "name", "geonameid", "lat", "lon", "admin1",
                   "feature", "method")
# The public event record, in output order.
RECORD_FIELDS = ("event_id", "doc_id", "sentence_index", "sentence", "date", "cameo", "cameo_label",
                 "event_type", "mode", "quad_class", "goldstein", "actor", "recipient", "trigger", "rule",
                 "confidence", "location", "negated", "hypothetical", "reciprocal")

_ACTOR_TYPE = pa.struct([("text", pa.string()), ("code", pa.string()), ("country", pa.string()),
                         ("sector", pa.string()), ("start", pa.int32()), ("end", pa.int32())])
_LOCATION_TYPE = pa.struct([("text", pa.string()), ("country", pa.string()), ("start", pa.int32()),
                            ("end", pa.int32()), ("name", pa.string()), ("geonameid", pa.int64()),
                            ("lat", pa.float64()), ("lon", pa.float64()), ("admin1", pa.string()),
                            ("feature", pa.string()), ("method", pa.string())])
_TRIGGER_TYPE = pa.struct([("text", pa.string()), ("start", pa.int32()), ("end", pa.int32())])
EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("doc_id", pa.string()), ("sentence_index", pa.int32()),
    ("sentence", pa.string()), ("date", pa.date32()), ("cameo", pa.string()), ("cameo_label", pa.string()),
    ("event_type", pa.string()), ("mode", pa.string()), ("quad_class", pa.int8()),
    ("goldstein", pa.float64()), ("actor", pa.list_(_ACTOR_TYPE)), ("recipient", pa.list_(_ACTOR_TYPE)),
    ("trigger", _TRIGGER_TYPE), ("rule", pa.string()), ("confidence", pa.float64()),
    ("location", _LOCATION_TYPE), ("negated", pa.bool_()), ("hypothetical", pa.bool_()),
    ("reciprocal", pa.bool_()),
])

CSV_COLUMNS = (
    "event_id", "doc_id", "date", "sentence_index", "sentence", "cameo", "cameo_label", "event_type", "mode",
    "quad_class", "goldstein",
    *(f"actor_{f}" for f in ("code", "text", "country", "sector", "json")),
    *(f"recipient_{f}" for f in ("code", "text", "country", "sector", "json")),
    "trigger_text", "trigger_start", "trigger_end", "rule", "confidence",
    *(f"location_{f}" for f in LOCATION_FIELDS),
    "negated", "hypothetical", "reciprocal",
)


# ---------------------------------------------------------------------------------------------------
# files


def write_events(records: Iterable[dict], path: str | Path) -> int:
    """Write event records to ``path``, in the format its extension names. Returns the number written.

    Raises ValueError for an extension that is not .jsonl/.ndjson/.json, .csv or .parquet.
    """
    path = Path(path)
    fmt = output_format(path)
    writer: Callable[[Iterator[dict], IO], int]
    writer, mode = {"jsonl": (_write_jsonl, "w"), "csv": (_write_csv, "w"),
                    "parquet": (_write_parquet, "wb")}[fmt]
    directory = path.parent
    # Opened with "x" (not mkstemp) so the file gets the usual permissions from the umask.
    tmp = directory / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        if mode == "w":
            out: IO = open(tmp, "x", encoding="utf-8", newline="")
        else:
            out = open(tmp, "xb")
        with out:
            n = writer(iter(records), out)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def output_format(path: str | Path) -> str:
    """"jsonl", "csv" or "parquet" for an output path; ValueError if it cannot be written.

    Call it before a long run, so a typo in ``--output`` fails at once rather than after coding.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        fmt = "jsonl"
    elif suffix in CSV_SUFFIXES:
        fmt = "csv"
    elif suffix in PARQUET_SUFFIXES:
        fmt = "parquet"
    else:
        raise ValueError(f"cannot write events to {path.name!r}: unknown extension {suffix or '(none)'!r} "
                         "(use .jsonl, .ndjson, .json, .csv or .parquet)")
    if not path.parent.is_dir():
        raise ValueError(f"cannot write events to {path}: folder {path.parent} does not exist")
    return fmt


def _write_jsonl(records: Iterator[dict], out: IO) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
        n += 1
    return n


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _first_batch(records: Iterator[dict]) -> tuple[list[dict], list[str], Iterator[dict]]:
    """Peek at the first records to fix the extra columns; returns (batch, extra keys, all records)."""
    batch = list(islice(records, BATCH_SIZE))
    extras: dict[str, None] = {}
    for record in batch:
        for key in record:
            if key not in RECORD_FIELDS:
                extras.setdefault(key, None)
    return batch, list(extras), chain(batch, records)


def _check_keys(record: dict, extras: Sequence[str], index: int) -> None:
    for key in record:
        if key not in RECORD_FIELDS and key not in extras:
            raise ValueError(f"event record {index + 1} has a field {key!r} that the first {BATCH_SIZE} "
                             "records do not have; write JSON Lines to keep irregular records")


def _as_json_text(value: object) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _write_csv(records: Iterator[dict], out: IO) -> int:
    _, extras, records = _first_batch(records)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *extras])
    n = 0
    for n, record in enumerate(records, start=1):
        _check_keys(record, extras, n - 1)
        flat = csv_row(record)
        row = [_csv_cell(flat[c]) for c in CSV_COLUMNS]
        row += [_csv_cell(_as_json_text(record.get(key))) for key in extras]
        writer.writerow(row)
    return n


def csv_row(record: dict) -> dict:
    """The flat CSV form of one event record (column -> value)."""
    row: dict = {key: record.get(key) for key in CSV_COLUMNS if key in RECORD_FIELDS}
    for side in ("actor", "recipient"):
        actors = record.get(side) or []
        for attr in ("code", "text", "country", "sector"):
            row[f"{side}_{attr}"] = ";".join("" if a.get(attr) is None else str(a[attr]) for a in actors)
        row[f"{side}_json"] = json.dumps(actors, ensure_ascii=False)
    trigger = record.get("trigger") or {}
    for attr in ("text", "start", "end"):
        row[f"trigger_{attr}"] = trigger.get(attr)
    location = record.get("location") or {}
    for attr in LOCATION_FIELDS:
        row[f"location_{attr}"] = location.get(attr)
    return row


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write_parquet(records: Iterator[dict], out: IO) -> int:
    import pyarrow.parquet as pq

    first, extras, records = _first_batch(records)
    schema = EVENT_SCHEMA
    for key in extras:
        schema = schema.append(pa.field(key, pa.string()))
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        while True:
            batch = list(islice(records, BATCH_SIZE))
            if not batch:
                break
            rows = []
            for record in batch:
                _check_keys(record, extras, n)
                n += 1
                row = {key: record.get(key) for key in RECORD_FIELDS}
                if isinstance(row["date"], str):
                    row["date"] = date.fromisoformat(row["date"][:10]) if row["date"] else None
                for key in extras:
                    row[key] = _as_json_text(record.get(key))
                rows.append(row)
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
    return n


# ---------------------------------------------------------------------------------------------------
# terminal


def print_events(records: Sequence[dict], console: Console | None = None, title: str | None = None) -> None:
    """Show events as a Rich table that fits in about 160 columns."""
    console = console or Console()
    if not records:
        console.print("[dim]no events[/dim]")
        return
    table = Table(title=title, show_lines=False, header_style="bold", expand=False)
    table.add_column("date", no_wrap=True, width=10)
    table.add_column("actor", max_width=28, overflow="fold")
    table.add_column("", width=1, no_wrap=True)
    table.add_column("event", max_width=40, overflow="fold")
    table.add_column("recipient", max_width=28, overflow="fold")
    table.add_column("trigger", max_width=16, overflow="fold")
    table.add_column("place", max_width=14, overflow="fold")
    table.add_column("rule", max_width=16, overflow="fold", style="dim")
    table.add_column("conf", justify="right", no_wrap=True, width=4)
    for record in records:
        table.add_row(
            record.get("date") or "",
            _actors_cell(record.get("actor") or []),
            "↔" if record.get("reciprocal") else "→",
            _event_cell(record),
            _actors_cell(record.get("recipient") or []),
            (record.get("trigger") or {}).get("text") or "",
            (record.get("location") or {}).get("name") or (record.get("location") or {}).get("text") or "",
            record.get("rule") or "",
            "" if record.get("confidence") is None else f"{record['confidence']:.2f}",
        )
    console.print(table)


def _actors_cell(actors: Sequence[dict]) -> Text:
    cell = Text()
    for i, actor in enumerate(actors):
        if i:
            cell.append("; ")
        cell.append(actor.get("code") or "?", style="bold cyan" if actor.get("code") else "dim")
        if actor.get("text"):
            cell.append(f" {actor['text']}")
    if not actors:
        cell.append("—", style="dim")
    return cell


def _event_cell(record: dict) -> Text:
    cell = Text()
    cell.append(str(record.get("cameo") or "?"), style="bold")
    if record.get("cameo_label"):
        cell.append(f" {record['cameo_label']}")
    plover = "/".join(str(record[k]) for k in ("event_type", "mode") if record.get(k))
    if plover:
        cell.append(f" [{plover}]", style="magenta")
    if record.get("negated"):
        cell.append(" NEGATED", style="bold red")
    if record.get("hypothetical"):
        cell.append(" hypothetical", style="yellow")
    return cell
