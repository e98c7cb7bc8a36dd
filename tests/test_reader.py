"""The input stage: real files of every accepted kind, and every kind of bad input."""

from __future__ import annotations

import io
import json
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from dyads.models import Reject, Story, content_hash
from dyads.reader import (
    format_reject,
    parse_date,
    read_jsonl_records,
    read_records,
    read_stories,
    split_date_prefix,
    write_rejects,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "000_aabd378c5b300fd4.txt"
PLOVER_INPUT = SHARED / "gold" / "dev" / "plover-gsr.input.jsonl"

needs_seed = pytest.mark.skipif(not SEED.exists(), reason="seed story not available")
needs_gold = pytest.mark.skipif(not PLOVER_INPUT.exists(), reason="gold data not available")


def read_all(*inputs: str | Path, **kwargs) -> tuple[list[Story], list[Reject], list[str]]:
    warnings: list[str] = []
    stories, rejects = [], []
    for item in read_stories([str(i) for i in inputs], warn=warnings.append, **kwargs):
        (rejects if isinstance(item, Reject) else stories).append(item)
    return stories, rejects, warnings


@pytest.fixture
def gold_lines() -> list[str]:
    if not PLOVER_INPUT.exists():
        pytest.skip("gold data not available")
    with open(PLOVER_INPUT, encoding="utf-8") as f:
        return [next(f) for _ in range(6)]


# --- good input ------------------------------------------------------------------------------------


@needs_seed
def test_seed_text_file_date_prefix_is_split_off():
    stories, rejects, warnings = read_all(SEED)
    assert rejects == [] and warnings == []
    [story] = stories
    assert story.id == "000_aabd378c5b300fd4"
    assert story.date == date(2021, 2, 17)
    assert story.text.startswith("Foreign and Expatriates Minister , Faysal Mikdad")
    assert story.origin == str(SEED)
    # Story.text is exactly the file after the prefix: offsets into it are offsets into a suffix of the file.
    raw = SEED.read_text(encoding="utf-8")
    assert raw.endswith(story.text)
    start = story.text.index("Sergey Lavrov")
    assert story.text[start:start + len("Sergey Lavrov")] == "Sergey Lavrov"


@needs_seed
def test_text_file_without_dateline(tmp_path):
    body = SEED.read_text(encoding="utf-8").split("\n", 2)[2]  # drop the dated first paragraph
    path = tmp_path / "no-date.txt"
    path.write_text(body, encoding="utf-8")
    [story], rejects, _ = read_all(path)
    assert rejects == []
    assert story.date is None and story.text == body and story.id == "no-date"


def test_date_prefix_forms():
    assert split_date_prefix("date 20210217\nText.") == ("20210217", "Text.")
    assert split_date_prefix("Date: 2021-02-17 Text.") == ("2021-02-17", "Text.")
    # Words that only look like the prefix are story text.
    assert split_date_prefix("Date night in Paris.") == (None, "Date night in Paris.")
    assert split_date_prefix("Dated 2021-02-17 papers.") == (None, "Dated 2021-02-17 papers.")
    assert parse_date("20210217") == date(2021, 2, 17)
    assert parse_date("2021-02-17T08:30:00Z") == date(2021, 2, 17)
    assert parse_date(None) is None
    with pytest.raises(ValueError):
        parse_date("17/02/2021")


def test_bad_date_in_text_prefix_keeps_story_with_warning(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("date 2021-13-45 Syria thanked Russia.", encoding="utf-8")
    [story], rejects, warnings = read_all(path)
    assert story.date is None and story.text == "Syria thanked Russia."
    assert rejects == [] and len(warnings) == 1 and "2021-13-45" in warnings[0]


@needs_gold
def test_jsonl_slice_of_gold(tmp_path, gold_lines):
    path = tmp_path / "slice.jsonl"
    path.write_text("".join(gold_lines), encoding="utf-8")
    stories, rejects, _ = read_all(path)
    assert rejects == []
    expected = [json.loads(line) for line in gold_lines]
    assert [s.id for s in stories] == [r["id"] for r in expected]
    assert [s.text for s in stories] == [r["text"] for r in expected]
    assert stories[0].date == date.fromisoformat(expected[0]["date"])
    assert [s.origin for s in stories] == [f"{path}:{i}" for i in range(1, 7)]


def test_jsonl_keeps_extra_keys_and_optional_fields(tmp_path):
    path = tmp_path / "geo.ndjson"
    rows = [
        {"id": 7, "date": "20210217", "text": "Troops entered Sochi.", "title": "T", "source": "SANA",
         "url": "https://example.org/a", "toponyms": [{"text": "Sochi", "start": 15, "end": 20}]},
        {"date": None, "text": "Lavrov met Mikdad in Geneva."},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    records = list(read_jsonl_records(path))
    assert records[0][0] == f"{path}:1" and records[0][1]["toponyms"][0]["text"] == "Sochi"
    stories, rejects, _ = read_all(path)
    assert rejects == []
    assert stories[0].id == "7" and stories[0].date == date(2021, 2, 17)
    assert (stories[0].title, stories[0].source, stories[0].url) == ("T", "SANA", "https://example.org/a")
    assert stories[1].id == content_hash(rows[1]["text"]) and stories[1].date is None


def test_csv_with_multiline_quoted_text(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text(
        "id,date,title,text,extra\n"
        'a1,2021-02-17,Talks,"Mikdad discussed with Lavrov.\r\nThey condemned terrorism.",x\n'
        ",20200101,,Iran accused Israel.,\n"
        "a3,not-a-date,,Syria thanked Russia.,\n",
        encoding="utf-8", newline="")
    stories, rejects, warnings = read_all(path)
    assert rejects == []
    assert [s.origin for s in stories] == [f"{path}:2", f"{path}:4", f"{path}:5"]
    assert stories[0].text == "Mikdad discussed with Lavrov.\r\nThey condemned terrorism."  # \r\n kept
    assert stories[0].title == "Talks" and stories[0].date == date(2021, 2, 17)
    assert stories[1].id == content_hash("Iran accused Israel.") and stories[1].title is None
    assert stories[2].date is None and len(warnings) == 1
    records = [r for _, r in read_records([str(path)])]
    assert records[0]["extra"] == "x"


def test_csv_without_text_column_is_rejected(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,body\n1,Syria thanked Russia.\n", encoding="utf-8")
    stories, [reject], _ = read_all(path)
    assert stories == [] and "'text' column" in reject.reason and reject.source == str(path)


@needs_seed
def test_directory_recursive_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    shutil.copy(SEED, tmp_path / "b" / "seed.txt")
    (tmp_path / "a.jsonl").write_text('{"id": "j1", "text": "Iran accused Israel."}\n', encoding="utf-8")
    (tmp_path / "c.csv").write_text("id,text\nc1,Syria thanked Russia.\n", encoding="utf-8")
    (tmp_path / "d.json").write_text('[{"id": "d1", "text": "Lavrov met Mikdad."}]', encoding="utf-8")
    (tmp_path / "notes.md").write_text("not input", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.txt").write_text("skip me", encoding="utf-8")
    stories, rejects, _ = read_all(tmp_path)
    assert rejects == []
    assert [s.id for s in stories] == ["j1", "seed", "c1", "d1"]
    assert stories[1].date == date(2021, 2, 17)


def test_empty_directory_is_rejected(tmp_path):
    _, [reject], _ = read_all(tmp_path)
    assert "no .txt" in reject.reason


def test_stdin_json_lines(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(
        '\n  {"id": "s1", "text": "Iran accused Israel."}\n{"id": "s2", "text": "Syria thanked Russia."}\n'))
    stories, rejects, _ = read_all("-")
    assert rejects == [] and [s.id for s in stories] == ["s1", "s2"]
    assert stories[1].origin == "<stdin>:3"


@needs_seed
def test_stdin_plain_text_binary_stream(monkeypatch):
    data = SEED.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    [story], rejects, _ = read_all("-")
    assert rejects == []
    assert story.date == date(2021, 2, 17) and story.text.startswith("Foreign and Expatriates")
    assert story.id == content_hash(story.text)


def test_stdin_empty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    _, [reject], _ = read_all("-")
    assert reject.source == "<stdin>" and "empty" in reject.reason


# --- bad input -------------------------------------------------------------------------------------


def test_bad_records_in_a_good_jsonl_file(tmp_path):
    path = tmp_path / "mixed.jsonl"
    lines = [
        b'{"id": "ok1", "text": "Iran accused Israel."}',
        b'{"id": "broken", "text": "Syria thanked',  # malformed JSON
        b'["not", "an", "object"]',
        b'{"id": "notext", "date": "2021-02-17"}',
        b'{"id": "blank", "text": "   \\n "}',
        b'{"id": "number", "text": 42}',
        b'{"id": "latin1", "text": "Caf\xe9 owners protested."}',  # invalid UTF-8
        b'{"id": "ok2", "text": "Lavrov met Mikdad."}',
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    stories, rejects, _ = read_all(path)
    assert [s.id for s in stories] == ["ok1", "ok2"]
    by_line = {r.source: r for r in rejects}
    assert sorted(by_line) == [f"{path}:{n}" for n in range(2, 8)]
    assert by_line[f"{path}:2"].reason.startswith("malformed JSON: ")
    assert "not an object" in by_line[f"{path}:3"].reason
    assert by_line[f"{path}:4"].id == "notext" and "no 'text'" in by_line[f"{path}:4"].reason
    assert "blank" in by_line[f"{path}:5"].reason
    assert "not a string" in by_line[f"{path}:6"].reason
    bad_byte = sum(len(line) + 1 for line in lines[:6]) + lines[6].index(b"\xe9")
    assert by_line[f"{path}:7"].reason.startswith(f"invalid UTF-8 at byte {bad_byte} ")


def test_empty_file(tmp_path):
    for name in ("empty.txt", "empty.jsonl", "empty.csv"):
        (tmp_path / name).write_bytes(b"")
        _, [reject], _ = read_all(tmp_path / name)
        assert reject.source == str(tmp_path / name) and reject.reason.startswith("empty file")


def test_blank_text_file(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("date 2021-02-17 \n\n  ", encoding="utf-8")
    _, [reject], _ = read_all(path)
    assert reject.id == "blank" and "blank" in reject.reason


def test_binary_files(tmp_path):
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    control = tmp_path / "control.jsonl"
    control.write_bytes(bytes(range(1, 32)) * 40)
    for path in (png, control):
        stories, [reject], _ = read_all(path)
        assert stories == [] and reject.reason.startswith("binary file")


def test_invalid_utf8_text_file_names_byte_offset(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Syria thanked Russia. Café owners protested.".encode("latin-1"))
    _, [reject], _ = read_all(path)
    assert reject.reason.startswith("invalid UTF-8 at byte 25 ") and reject.id == "latin1"


def test_bom_is_stripped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfdate 2021-02-17\nSyria thanked Russia.")
    [story], _, _ = read_all(path)
    assert story.text == "Syria thanked Russia." and story.date == date(2021, 2, 17)
    jsonl = tmp_path / "bom.jsonl"
    jsonl.write_bytes(b'\xef\xbb\xbf{"id": "b", "text": "Iran accused Israel."}\n')
    [story], rejects, _ = read_all(jsonl)
    assert rejects == [] and story.id == "b"


def test_huge_story_rejected_with_size_rest_read(tmp_path):
    path = tmp_path / "big.jsonl"
    huge = "Syria thanked Russia. " * 230_000  # 5,060,000 characters
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "huge", "text": huge}) + "\n")
        f.write(json.dumps({"id": "small", "text": "Iran accused Israel."}) + "\n")
    stories, [reject], _ = read_all(path)
    assert [s.id for s in stories] == ["small"]
    assert reject.source == f"{path}:1" and reject.id == "huge"
    assert "5,060,000 characters" in reject.reason and "2,000,000" in reject.reason
    # The limit is configurable.
    stories, rejects, _ = read_all(path, max_chars=6_000_000)
    assert rejects == [] and len(stories) == 2


def test_huge_text_file_rejected(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Syria thanked Russia. " * 1000, encoding="utf-8")
    _, [reject], _ = read_all(path, max_chars=10_000)
    assert "22,000 characters" in reject.reason
    _, [reject], _ = read_all(path, max_chars=100)  # far too big: refused without decoding
    assert "22,000 bytes" in reject.reason


def test_missing_unknown_and_unreadable_paths(tmp_path):
    other = tmp_path / "story.docx"
    other.write_bytes(b"PK\x03\x04")
    good = tmp_path / "good.txt"
    good.write_text("Iran accused Israel.", encoding="utf-8")
    stories, rejects, _ = read_all(tmp_path / "missing.jsonl", other, good)
    assert [s.id for s in stories] == ["good"]
    assert [r.source for r in rejects] == [str(tmp_path / "missing.jsonl"), str(other)]
    assert "no such file" in rejects[0].reason and "'.docx'" in rejects[1].reason


def test_json_document_errors(tmp_path):
    path = tmp_path / "array.json"
    path.write_text('[{"id": "a", "text": "Iran accused Israel."}, 5]', encoding="utf-8")
    stories, [reject], _ = read_all(path)
    assert [s.id for s in stories] == ["a"] and reject.source == f"{path}[1]"
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "a", "text": ', encoding="utf-8")
    _, [reject], _ = read_all(broken)
    assert reject.reason.startswith("malformed JSON")


def test_csv_bad_row_does_not_stop_the_file(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"id,text\nr1,Iran accused Israel.\nr2,Caf\xe9 owners protested.\n"
                     b"r3,,\nr4,Lavrov met Mikdad.\n")
    stories, rejects, _ = read_all(path)
    assert [s.id for s in stories] == ["r1", "r4"]
    assert [r.source for r in rejects] == [f"{path}:3", f"{path}:4"]
    assert "invalid UTF-8" in rejects[0].reason and "blank" in rejects[1].reason


def test_stories_are_read_lazily(tmp_path):
    path = tmp_path / "lazy.jsonl"
    path.write_text('{"id": "first", "text": "Iran accused Israel."}\n', encoding="utf-8")
    stream = read_stories([str(path), str(tmp_path / "later.jsonl")])
    assert next(stream).id == "first"
    # Created after the first story was read: a lazy reader still finds it.
    (tmp_path / "later.jsonl").write_text('{"id": "later", "text": "Lavrov met Mikdad."}\n', encoding="utf-8")
    assert next(stream).id == "later"


def test_rejects_file_and_message(tmp_path):
    rejects = [Reject("in.jsonl:2", None, "malformed JSON: Expecting value: line 1 column 1 (char 0)"),
               Reject("in.jsonl:5", "x7", "text is blank")]
    out = tmp_path / "rejects.jsonl"
    assert write_rejects(rejects[:1], out) == 1
    assert write_rejects(rejects[1:], out) == 1  # appends
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == [r.to_record() for r in rejects]
    assert format_reject(rejects[1]) == "rejected in.jsonl:5 (id x7): text is blank"
    assert "\n" not in format_reject(Reject("a", None, "two\nlines"))
