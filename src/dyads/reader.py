"""The input stage: turn files, directories and stdin into a lazy stream of stories.

What ``dyads code INPUT...`` accepts:

* a **text file** (``.txt``): one story, id = the file stem. A leading ``date YYYY-MM-DD`` (or
  ``date YYYYMMDD``, optionally ``date:``), on its own line or in front of the first sentence, gives
  the story date. That prefix is *metadata*: it and the whitespace after it are removed, and
  ``Story.text`` is the text that remains. Every offset the coder produces is into that ``Story.text``
  (the same text the store keeps), never into the raw file.
* **JSON Lines** (``.jsonl`` / ``.ndjson``): one object per line with ``text`` (required), ``id``,
  ``date``, and optional ``title``, ``source``, ``url``. Other keys (``toponyms`` ...) are kept in the
  record dicts of :func:`read_records` / :func:`read_jsonl_records` for the commands that need them.
* **JSON** (``.json``): an array of such objects, a single object, or JSON Lines under a ``.json`` name.
  Unlike JSON Lines, a JSON document is parsed whole.
* **CSV** (``.csv``): a header row is required and must have a ``text`` column; other columns as for
  JSON Lines (names matched case-insensitively, kept lower-cased; empty cells of the optional story
  fields count as missing). Quoted fields may span lines.
* a **directory**: every ``*.txt``, ``*.jsonl``, ``*.ndjson``, ``*.json`` and ``*.csv`` below it,
  recursively, in sorted path order (hidden files and folders are skipped).
* ``-``: standard input, JSON Lines if its first non-blank character is ``{``, else one plain-text story.

Nothing is loaded whole except a single text story or a ``.json`` document: a JSON Lines or CSV file is
read record by record. A bad record never raises: it becomes a :class:`~dyads.models.Reject` (with
``source`` = ``file:line`` where a line is known) and the rest of the batch is read. Rejected are:
missing or unreadable paths, unsupported file types, empty files, binary files, invalid UTF-8 (the
reason gives the byte offset), malformed JSON, JSON values that are not objects, records with no or
blank text, and stories longer than ``max_chars`` characters (2,000,000 by default, configurable:
a longer "story" is almost always a dump of many documents or a broken export, and would make the
parser's memory use explode). A malformed date is *not* a reject: the story is kept without a date
and a warning is written to stderr.

The text itself is never normalised (``\\r\\n`` stays ``\\r\\n``), except that a UTF-8 byte order mark
at the start of a file is dropped, so offsets are always valid indexes into ``Story.text``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from .models import Reject, Story, content_hash

DEFAULT_MAX_CHARS = 2_000_000
STDIN = "-"
STDIN_NAME = "<stdin>"

TEXT_SUFFIXES = {".txt"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv"}
INPUT_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES

STORY_FIELDS = ("id", "date", "text", "title", "source", "url")

_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 8192
# Share of control characters (other than tab, newlines, form feed) above which a file is not text.
_MAX_CONTROL_SHARE = 0.05

# "date 2021-02-17 Foreign and ..." or "Date: 20210217\n..." at the very start of a text file.
_DATE_PREFIX = re.compile(r"\A\s*date(?:\s*:\s*|\s+)(\d{4}-\d{1,2}-\d{1,2}|\d{8})(?:\s+|\Z)", re.IGNORECASE)
_DATE_VALUE = re.compile(r"\A(\d{4})-?(\d{2})-?(\d{2})(?:[T ][0-9:.+\-Z]*)?\Z")

Warn = Callable[[str], None]
Record = dict | Reject


def _stderr_warning(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------------
# public API


def read_stories(inputs: Sequence[str], max_chars: int = DEFAULT_MAX_CHARS,
                 warn: Warn | None = None) -> Iterator[Story | Reject]:
    """Stories from every input, lazily, in order; a :class:`Reject` for each record that cannot be coded.

    ``warn`` receives non-fatal problems (a malformed date); by default they go to stderr.
    """
    warn = warn or _stderr_warning
    for origin, record in read_records(inputs, max_chars=max_chars):
        if isinstance(record, Reject):
            yield record
        else:
            yield story_from_record(record, origin, max_chars=max_chars, warn=warn)


def read_records(inputs: Sequence[str], max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[tuple[str, Record]]:
    """Raw input records as ``(origin, dict | Reject)``, with every key of the input kept.

    A text file gives one record ``{"id", "date", "text"}`` (date prefix already split off). The
    records are not validated beyond being JSON objects; :func:`story_from_record` does that.
    ``max_chars`` only serves to refuse, without reading it, a text file too big to be one story.
    """
    for item in inputs:
        if item == STDIN:
            yield from _read_stdin()
            continue
        path = Path(item)
        if path.is_dir():
            files = _input_files(path)
            if not files:
                reason = "directory holds no .txt, .jsonl, .ndjson, .json or .csv file"
                yield str(path), Reject(str(path), None, reason)
            for file in files:
                yield from _read_file(file, max_chars)
        else:
            yield from _read_file(path, max_chars)


def read_jsonl_records(path: str | Path) -> Iterator[tuple[str, Record]]:
    """The objects of one JSON Lines file as ``(origin "file:line", dict | Reject)``, all keys kept."""
    path = Path(path)
    opened = _open_checked(path)
    if isinstance(opened, Reject):
        yield str(path), opened
        return
    with opened as stream:
        yield from _jsonl_records(stream, str(path))


def story_from_record(record: dict, origin: str, max_chars: int = DEFAULT_MAX_CHARS,
                      warn: Warn | None = None) -> Story | Reject:
    """Validate one input record and make it a :class:`Story` (or say why it cannot be one)."""
    warn = warn or _stderr_warning
    raw_id = record.get("id")
    story_id: str | None
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        story_id = None
    elif isinstance(raw_id, str | int | float) and not isinstance(raw_id, bool):
        story_id = str(raw_id)
    else:
        story_id = None
        warn(f"{origin}: id {json.dumps(raw_id)[:60]} is not a string or number; using the content hash")
    text = record.get("text")
    if text is None:
        return Reject(origin, story_id, "record has no 'text' field")
    if not isinstance(text, str):
        return Reject(origin, story_id, f"'text' is a {_json_type(text)}, not a string")
    if not text.strip():
        return Reject(origin, story_id, "text is blank")
    if len(text) > max_chars:
        return Reject(origin, story_id, f"text has {len(text):,} characters, over the limit of "
                                        f"{max_chars:,} (max_chars)")
    return Story(
        id=story_id if story_id is not None else content_hash(text),
        text=text,
        date=_story_date(record.get("date"), origin, warn),
        title=_optional_str(record.get("title")),
        source=_optional_str(record.get("source")),
        url=_optional_str(record.get("url")),
        origin=origin,
    )


def parse_date(value: object) -> date | None:
    """``YYYY-MM-DD``, ``YYYYMMDD`` (an ISO timestamp's date part is accepted too) or None.

    Raises ValueError for anything else.
    """
    if value is None or isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    value = value.strip()
    if not value:
        return None
    match = _DATE_VALUE.match(value)
    if not match:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = (int(g) for g in match.groups())
    return date(year, month, day)


def split_date_prefix(text: str) -> tuple[str | None, str]:
    """Split a leading ``date YYYY-MM-DD`` off a plain-text story: (date string or None, story text)."""
    match = _DATE_PREFIX.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end():]


def format_reject(reject: Reject) -> str:
    """The one-line message the CLI prints for a rejected record."""
    ident = f" (id {reject.id})" if reject.id else ""
    reason = " ".join(reject.reason.split())
    return f"rejected {reject.source}{ident}: {reason}"


def write_rejects(rejects: Iterable[Reject], path: str | Path) -> int:
    """Append rejects to a JSON Lines file, one ``{"source", "id", "reason"}`` object a line."""
    n = 0
    with open(path, "a", encoding="utf-8") as out:
        for reject in rejects:
            out.write(json.dumps(reject.to_record(), ensure_ascii=False) + "\n")
            n += 1
    return n


# ---------------------------------------------------------------------------------------------------
# files


def _input_files(directory: Path) -> list[Path]:
    files = []
    for path in directory.rglob("*"):
        rel = path.relative_to(directory)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in INPUT_SUFFIXES and path.is_file():
            files.append(path)
    return sorted(files)


def _open_checked(path: Path) -> BinaryIO | Reject:
    """Open a file for reading, or say why it cannot be read (missing, unreadable, empty, binary)."""
    name = str(path)
    if not path.exists():
        return Reject(name, None, "no such file or directory")
    if not path.is_file():
        return Reject(name, None, "not a regular file")
    try:
        stream = open(path, "rb")  # returned to the caller, who closes it
    except OSError as exc:
        return Reject(name, None, f"cannot read file: {exc.strerror or exc}")
    head = stream.read(_SNIFF_BYTES)
    problem = _binary_or_empty(head)
    if problem:
        stream.close()
        return Reject(name, None, problem)
    stream.seek(0)
    return stream


def _binary_or_empty(head: bytes) -> str | None:
    if not head:
        return "empty file"
    if b"\x00" in head:
        return "binary file (contains NUL bytes)"
    sample = head.decode("utf-8", errors="ignore")
    control = sum(1 for ch in sample if ch not in "\t\n\r\f\v" and unicodedata.category(ch) == "Cc")
    if sample and control / len(sample) > _MAX_CONTROL_SHARE:
        return "binary file (mostly control characters)"
    if not sample.strip() and head.strip(b" \t\r\n" + _BOM):
        return "binary file (no readable text)"
    return None


def _read_file(path: Path, max_chars: int) -> Iterator[tuple[str, Record]]:
    name = str(path)
    suffix = path.suffix.lower()
    if path.exists() and suffix not in INPUT_SUFFIXES:
        yield name, Reject(name, None, f"unsupported file type {suffix or '(no extension)'!r}: expected "
                                       ".txt, .jsonl, .ndjson, .json, .csv, a directory or - for stdin")
        return
    opened = _open_checked(path)
    if isinstance(opened, Reject):
        yield name, opened
        return
    with opened as stream:
        if suffix in TEXT_SUFFIXES:
            size = path.stat().st_size
            if size > 4 * max_chars + _SNIFF_BYTES:  # a UTF-8 character is at most 4 bytes
                yield name, Reject(name, path.stem, f"file has {size:,} bytes, more than a story of at most "
                                                    f"{max_chars:,} characters can have (max_chars)")
                return
            yield from _text_record(stream.read(), name, path.stem)
        elif suffix in JSONL_SUFFIXES:
            yield from _jsonl_records(stream, name)
        elif suffix in JSON_SUFFIXES:
            yield from _json_records(stream.read(), name)
        else:
            yield from _csv_records(stream, name)


def _decode(data: bytes, name: str, base_offset: int = 0) -> str | Reject:
    """UTF-8 text of ``data`` (BOM dropped) or a Reject naming the first bad byte."""
    skip = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = base_offset + skip + exc.start
        return Reject(name, None, f"invalid UTF-8 at byte {offset} (0x{data[skip + exc.start]:02x}); "
                                  "re-encode the file as UTF-8")


def _text_record(data: bytes, name: str, story_id: str | None) -> Iterator[tuple[str, Record]]:
    text = _decode(data, name)
    if isinstance(text, Reject):
        text.id = story_id
        yield name, text
        return
    if "\x00" in text:
        yield name, Reject(name, story_id, "binary file (contains NUL bytes)")
        return
    date_value, text = split_date_prefix(text)
    record = {"id": story_id, "date": date_value, "text": text}
    yield name, record


def _jsonl_records(stream: Iterable[bytes], name: str) -> Iterator[tuple[str, Record]]:
    offset = 0
    seen_any = False
    for line_no, raw in enumerate(stream, start=1):
        line_start = offset
        offset += len(raw)
        if line_no == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
            line_start += len(_BOM)
        if not raw.strip():
            continue
        seen_any = True
        origin = f"{name}:{line_no}"
        line = _decode(raw, origin, base_offset=line_start)
        if isinstance(line, Reject):
            yield origin, line
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield origin, Reject(origin, None, f"malformed JSON: {exc}")
            continue
        if not isinstance(value, dict):
            yield origin, Reject(origin, None, f"JSON line is a {_json_type(value)}, not an object")
            continue
        yield origin, value
    if not seen_any:
        yield name, Reject(name, None, "empty file (no records)")


def _json_records(data: bytes, name: str) -> Iterator[tuple[str, Record]]:
    text = _decode(data, name)
    if isinstance(text, Reject):
        yield name, text
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several values: JSON Lines under a .json name
            yield from _jsonl_records(io.BytesIO(data), name)
        else:
            yield name, Reject(name, None, f"malformed JSON: {exc}")
        return
    if isinstance(value, dict):
        yield name, value
    elif isinstance(value, list):
        if not value:
            yield name, Reject(name, None, "empty file (JSON array has no records)")
        for index, item in enumerate(value):
            origin = f"{name}[{index}]"
            if isinstance(item, dict):
                yield origin, item
            else:
                yield origin, Reject(origin, None, f"array item is a {_json_type(item)}, not an object")
    else:
        yield name, Reject(name, None, f"JSON document is a {_json_type(value)}, not an object or array")


def _csv_records(stream: Iterable[bytes], name: str) -> Iterator[tuple[str, Record]]:
    """CSV rows as records. Lines are decoded one by one so a bad byte rejects only its own row."""
    bad_lines: dict[int, Reject] = {}

    def lines() -> Iterator[str]:
        offset = 0
        for line_no, raw in enumerate(stream, start=1):
            start = offset
            offset += len(raw)
            if line_no == 1 and raw.startswith(_BOM):
                raw, start = raw[len(_BOM):], start + len(_BOM)
            text = _decode(raw, name, base_offset=start)
            if isinstance(text, Reject):
                bad_lines[line_no] = text
                text = raw.decode("utf-8", errors="replace")
            yield text

    _allow_long_fields()
    reader = csv.reader(lines())
    header: list[str] | None = None
    last_line = 0
    seen_any = False
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            origin = f"{name}:{last_line + 1}"
            last_line = reader.line_num
            yield origin, Reject(origin, None, f"malformed CSV: {exc}")
            continue
        first_line, last_line = last_line + 1, reader.line_num
        origin = f"{name}:{first_line}"
        if not any(cell.strip() for cell in row):
            continue
        bad = next((bad_lines.pop(n) for n in range(first_line, last_line + 1) if n in bad_lines), None)
        if header is None:
            if bad is not None:
                yield name, Reject(name, None, f"CSV header: {bad.reason}")
                return
            header = [cell.strip().lower() for cell in row]
            if "text" not in header:
                yield name, Reject(name, None, "CSV header has no 'text' column (found: "
                                               f"{', '.join(header)}); a header row is required")
                return
            continue
        seen_any = True
        if bad is not None:
            yield origin, Reject(origin, None, bad.reason)
            continue
        record = {key: value for key, value in zip(header, row, strict=False) if key}
        for key in ("id", "date", "title", "source", "url"):
            if record.get(key) == "":
                record[key] = None
        yield origin, record
    if header is None:
        yield name, Reject(name, None, "empty file (no CSV header)")
    elif not seen_any:
        yield name, Reject(name, None, "empty file (CSV header but no rows)")


def _allow_long_fields() -> None:
    """Python's csv refuses fields over 128 KiB; stories are longer, and max_chars is checked later."""
    limit = 2**31 - 1
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def _read_stdin() -> Iterator[tuple[str, Record]]:
    """JSON Lines if the first non-blank character is ``{``, else one plain-text story."""
    stream: Iterable[bytes]
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        stream = buffer
    else:  # a text stream (tests, embedding): its lines are re-encoded as UTF-8
        stream = (line.encode("utf-8", "surrogateescape") for line in sys.stdin)
    lines = iter(stream)
    head: list[bytes] = []
    for raw in lines:
        head.append(raw)
        if raw.strip(b" \t\r\n" + _BOM):
            break
    first = b"".join(head).lstrip(b" \t\r\n").removeprefix(_BOM).lstrip()
    rest = chain(head, lines)
    if first.startswith(b"{"):
        yield from _jsonl_records(rest, STDIN_NAME)
        return
    data = b"".join(rest)
    problem = _binary_or_empty(data[:_SNIFF_BYTES])
    if problem:
        yield STDIN_NAME, Reject(STDIN_NAME, None, problem.replace("empty file", "empty input"))
        return
    yield from _text_record(data, STDIN_NAME, None)


# ---------------------------------------------------------------------------------------------------
# fields


def _story_date(value: object, origin: str, warn: Warn) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        warn(f"{origin}: unreadable date {json.dumps(value, default=str)[:40]} "
             "(expected YYYY-MM-DD or YYYYMMDD); story kept without a date")
        return None


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if text.strip() else None


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return type(value).__name__
