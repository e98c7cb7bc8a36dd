"""Cut a text into pieces marked actor / recipient / trigger from an event's character offsets.

Offsets in an event are story offsets; the sentence starts at ``sentence_start`` in the story. A span
whose offsets do not land on its own words (an old store, a hand-edited row) falls back to the first
occurrence of its words in the sentence, and is dropped if they are not there: a highlight never
marks wrong text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Piece:
    text: str
    roles: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @property
    def css(self) -> str:
        return " ".join(f"hl-{role}" for role in self.roles)

    @property
    def title(self) -> str:
        return "; ".join(self.labels)


def event_spans(event: dict, sentence_start: int, story_text: str | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, role, label) of the event's actor, recipient and trigger words.

    Offsets are in the sentence, or in the story when ``story_text`` is given; then actors named
    outside the event's sentence (e.g. "the two sides" resolved to ministers named earlier) are
    marked where they are named.
    """
    sentence = event["sentence"]
    spans: list[tuple[int, int, str, str]] = []
    parts = [("actor", a) for a in event.get("actor") or []]
    parts += [("recipient", r) for r in event.get("recipient") or []]
    if event.get("trigger"):
        parts.append(("trigger", event["trigger"]))
    for role, part in parts:
        code = part.get("code") or part.get("country") or ""
        label = f"{role}: {code}" if role != "trigger" else f"trigger: {event.get('cameo', '')}"
        if story_text is not None and _fits(story_text, part, 0):
            spans.append((part["start"], part["end"], role, label))
            continue
        located = _locate(sentence, part, sentence_start)
        if located is None:
            continue
        shift = sentence_start if story_text is not None else 0
        spans.append((located[0] + shift, located[1] + shift, role, label))
    return spans


def outside_sentence(event: dict, sentence_start: int) -> list[dict]:
    """Actors and recipients whose words are not in the event's sentence (named elsewhere in the story)."""
    return [part for part in (event.get("actor") or []) + (event.get("recipient") or [])
            if part.get("text") and _locate(event["sentence"], part, sentence_start) is None]


def _fits(text: str, part: dict, origin: int) -> bool:
    start, end, words = part.get("start"), part.get("end"), part.get("text") or ""
    if start is None or end is None or not words:
        return False
    s, e = start - origin, end - origin
    return 0 <= s < e <= len(text) and text[s:e] == words


def _locate(sentence: str, part: dict, sentence_start: int) -> tuple[int, int] | None:
    """Sentence-relative (start, end) of a span, checked against its words."""
    words = part.get("text") or ""
    if not words:
        return None
    for origin in (sentence_start, 0):  # story offsets as documented; sentence offsets tolerated
        if _fits(sentence, part, origin):
            return part["start"] - origin, part["end"] - origin
    if part.get("start") is not None and not (
            sentence_start <= part["start"] < sentence_start + len(sentence)):
        return None  # its offsets point elsewhere in the story: not these words in this sentence
    found = sentence.find(words)
    return (found, found + len(words)) if found >= 0 else None


def pieces(text: str, spans: list[tuple[int, int, str, str]], *,
           region: tuple[int, int, str] | None = None) -> list[Piece]:
    """Split ``text`` at every span boundary; each piece lists the roles covering it.

    ``region`` (start, end, role) marks a larger stretch, e.g. the event's sentence in the story.
    """
    marks = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    if region and 0 <= region[0] < region[1] <= len(text):
        marks.append((region[0], region[1], region[2], ""))
    cuts = sorted({0, len(text), *(s[0] for s in marks), *(s[1] for s in marks)})
    out: list[Piece] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in marks if m[0] <= lo and hi <= m[1]]
        roles = sorted({m[2] for m in covering}, key=_ROLE_ORDER.get)
        labels = [m[3] for m in covering if m[3]]
        out.append(Piece(text[lo:hi], roles, labels))
    return out


_ROLE_ORDER = {"sentence": 0, "actor": 1, "recipient": 2, "trigger": 3}
