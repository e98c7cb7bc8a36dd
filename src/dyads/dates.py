"""Event dates: a temporal expression near the trigger, resolved against the story date.

News reports events relative to the day of the story: "on Wednesday" in a story dated Wednesday
2021-02-17 is that same day, "yesterday" the day before, "last month" a date in the previous month.
Weekday names are resolved here (the most recent such day not after the story date, which is how
wire stories use them); everything else goes to ``dateparser`` with the story date as base.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SAME_DAY = re.compile(r"^(today|tonight|this (morning|afternoon|evening)|earlier today|now)$")
# Expressions that do not point at a day (durations, ages, vague periods) are not dates of events.
NOT_A_DAY = re.compile(r"\b(years? old|for \d+|decades?|centur(y|ies)|recent (days|weeks|months|years)|"
                       r"the past|the last \d+|since)\b")


def _clean(text: str) -> str:
    text = text.lower().strip(" ,.;:")
    text = re.sub(r"^(on|in|at|by|during|since|from|early|late|last)\s+(?=(monday|tuesday|wednesday|"
                  r"thursday|friday|saturday|sunday)\b)", "", text)
    text = re.sub(r"^(on|at|by|during)\s+", "", text)
    return re.sub(r"\s+(morning|afternoon|evening|night)$", "", text)


@functools.lru_cache(maxsize=4096)
def resolve_date(expression: str, story_date: date | None) -> date | None:
    """The calendar day an expression refers to, or None when it names no particular day."""
    if story_date is None:
        return _absolute(expression)
    text = _clean(expression)
    if not text or NOT_A_DAY.search(text):
        return None
    if SAME_DAY.match(text):
        return story_date
    if text in WEEKDAYS:
        back = (story_date.weekday() - WEEKDAYS.index(text)) % 7
        return story_date - timedelta(days=back)
    if text == "yesterday" or text == "last night":
        return story_date - timedelta(days=1)
    parsed = _parse(text, story_date)
    if parsed is None:
        return None
    # A bare month-day without a year ("March 3") after the story date is last year's.
    if parsed > story_date and not re.search(r"\b(19|20)\d\d\b", text) and not text.startswith(("next", "tomorrow")):
        try:
            parsed = parsed.replace(year=parsed.year - 1)
        except ValueError:
            return None
    return parsed


def _absolute(expression: str) -> date | None:
    text = _clean(expression)
    if not re.search(r"\b(19|20)\d\d\b", text):
        return None  # without a story date only explicit calendar dates can be placed
    return _parse(text, None)


def _parse(text: str, base: date | None) -> date | None:
    import dateparser  # imported on first use: it is slow to import and most stories need it rarely

    settings = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day"], "STRICT_PARSING": False,
                "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day, 12, 0)
    if re.search(r"\b(week|month|year)\b", text):
        settings.pop("REQUIRE_PARTS")  # "last week" names a period: its reference day is still useful
    try:
        result = dateparser.parse(text, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    return result.date() if result else None
