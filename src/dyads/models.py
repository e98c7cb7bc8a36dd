"""The plain data model that flows through the pipeline: story -> sentences -> mentions -> events.

Every object carries character offsets into the story text, so each coded event can be traced back
to the exact words it came from.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date


def content_hash(text: str) -> str:
    """Stable identity of a story that arrived without an id."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Story:
    """One news story as read from input, before any parsing."""

    id: str
    text: str
    date: date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    origin: str | None = None  # where it was read from: "file" or "file:line"


@dataclass
class Reject:
    """An input record that could not be coded, and why (written to the rejects file)."""

    source: str
    id: str | None
    reason: str

    def to_record(self) -> dict:
        return asdict(self)


@dataclass
class Span:
    text: str
    start: int
    end: int


@dataclass
class Actor:
    """A resolved participant: the words in the story and the code they resolve to.

    ``country`` is ISO-3, or a non-state code such as IGO / NGO / IMG; ``sector`` a CAMEO sector
    (GOV, MIL, COP, REB, ...) or, for an international organisation, its short code (UNO, EUR, ...).
    """

    text: str
    code: str | None
    country: str | None
    sector: str | None
    start: int | None
    end: int | None

    @property
    def is_resolved(self) -> bool:
        return bool(self.country or self.sector)


@dataclass
class Location:
    """Where an event happened. Geocoding fills the gazetteer fields; ``method`` says how it was chosen."""

    text: str
    country: str | None
    start: int | None
    end: int | None
    name: str | None = None
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    admin1: str | None = None
    feature: str | None = None
    method: str | None = None  # "clause", "dateline", "story" ...


@dataclass
class Event:
    """One coded event. ``to_record`` gives the JSON object of the public event format."""

    event_id: str
    doc_id: str
    sentence_index: int
    sentence: str
    date: str | None
    cameo: str
    event_type: str | None
    mode: str | None
    quad_class: int
    goldstein: float
    actor: list[Actor]
    recipient: list[Actor]
    trigger: Span
    rule: str
    confidence: float
    location: Location | None = None
    negated: bool = False
    hypothetical: bool = False
    reciprocal: bool = False  # "X discussed with Y": the act runs both ways
    cameo_label: str | None = None
    sentence_start: int = 0  # offset of the sentence in the story text

    def to_record(self) -> dict:
        rec = asdict(self)
        rec.pop("sentence_start")
        return rec


def make_event_id(doc_id: str, sentence_index: int, trigger_start: int, cameo: str,
                  actors: list[Actor], recipients: list[Actor]) -> str:
    """Deterministic event id: re-coding the same story yields the same ids."""
    key = "|".join([doc_id, str(sentence_index), str(trigger_start), cameo,
                    ",".join(f"{a.code}@{a.start}" for a in actors),
                    ",".join(f"{a.code}@{a.start}" for a in recipients)])
    return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
