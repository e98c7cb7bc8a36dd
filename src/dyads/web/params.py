"""Query parameters of the pages and the API: typed, bounded, and closed (unknown names are rejected).

Every model forbids extra fields, so ``/api/events?contry=SYR`` is a 422 naming the unknown
parameter instead of silently returning every event. Empty values (``?country=`` as sent by an
empty form field) mean "no filter".
"""

from __future__ import annotations

from datetime import date
from typing import Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..store import EventFilter
from .database import Dyad

MAX_PAGE_SIZE = 500
MAX_PAGE = 100_000
MAX_DYADS = 1000
MAX_PLACES = 5000
MAX_TEXT = 200

COUNTRY = r"^[A-Za-z]{3}$"  # ISO-3 or a non-state code (IGO, NGO, IMG ...)
SECTOR = r"^[A-Za-z]{2,6}$"
EVENT_TYPE = r"^[A-Za-z][A-Za-z_]{1,31}$"
CAMEO_ROOT = r"^(0?[1-9]|1[0-9]|20)$"
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"

SortKey = Literal["date", "-date", "goldstein", "-goldstein", "-confidence"]


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    def query_string(self, **changes) -> str:
        """This query as a URL query string, with ``changes`` applied (None drops a parameter)."""
        values = {**self.model_dump(by_alias=True, exclude_defaults=True), **changes}
        return urlencode({k: _url_value(v) for k, v in values.items() if v is not None and k != "_format"})


class NoParams(Params):
    """For API resources named by their path: any query parameter is an error."""


class PageFormat(Params):
    """Only ``_format``: for pages whose identity is in the path."""

    format_: Literal["html", "json"] | None = Field(
        None, alias="_format", description="`json` gives the page's data instead of HTML")


class Filters(PageFormat):
    """The event filters shared by every list, chart and map."""

    date_from: date | None = Field(None, description="first day, YYYY-MM-DD")
    date_to: date | None = Field(None, description="last day, YYYY-MM-DD")
    country: str | None = Field(None, pattern=COUNTRY, description="actor or recipient country (ISO-3)")
    actor_country: str | None = Field(None, pattern=COUNTRY)
    recipient_country: str | None = Field(None, pattern=COUNTRY)
    sector: str | None = Field(None, pattern=SECTOR, description="actor or recipient sector (GOV, MIL ...)")
    actor_sector: str | None = Field(None, pattern=SECTOR)
    recipient_sector: str | None = Field(None, pattern=SECTOR)
    event_type: str | None = Field(None, pattern=EVENT_TYPE, description="PLOVER event type (CONSULT ...)")
    cameo_root: str | None = Field(None, pattern=CAMEO_ROOT, description="CAMEO root code, 01-20")
    quad_class: int | None = Field(None, ge=1, le=4, description="1 verbal coop ... 4 material conflict")
    doc_id: str | None = Field(None, max_length=200, pattern=NO_CONTROL)
    text: str | None = Field(None, max_length=MAX_TEXT, pattern=NO_CONTROL, description="words in the sentence")

    @field_validator("cameo_root")
    @classmethod
    def _two_digits(cls, value: str | None) -> str | None:
        return value.zfill(2) if value else value

    @field_validator("country", "actor_country", "recipient_country", "sector", "actor_sector",
                     "recipient_sector", "event_type")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    def event_filter(self) -> EventFilter:
        return EventFilter(
            date_from=self.date_from.isoformat() if self.date_from else None,
            date_to=self.date_to.isoformat() if self.date_to else None,
            country=self.country, actor_country=self.actor_country,
            recipient_country=self.recipient_country, sector=self.sector, actor_sector=self.actor_sector,
            recipient_sector=self.recipient_sector, event_type=self.event_type, cameo_root=self.cameo_root,
            quad_class=self.quad_class, doc_id=self.doc_id, text=self.text)

    def active_filters(self) -> dict:
        return {k: _url_value(v) for k, v in self.model_dump(exclude_none=True).items()
                if k in Filters.model_fields and k != "format_"}


class DyadFilters(Filters):
    """Filters plus an optional pair of actor countries (``a`` and ``b``)."""

    a: str | None = Field(None, pattern=COUNTRY, description="first actor country of a dyad")
    b: str | None = Field(None, pattern=COUNTRY, description="second actor country of a dyad")
    directed: bool = Field(False, description="only acts of `a` on `b` (default: both ways)")

    @field_validator("a", "b")
    @classmethod
    def _upper_code(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    def dyad(self) -> Dyad | None:
        if self.a and self.b:
            return Dyad(self.a.upper(), self.b.upper(), self.directed)
        return None


class EventPage(DyadFilters):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description=f"events per page, at most {MAX_PAGE_SIZE}")
    sort: SortKey = "date"


class DyadList(Filters):
    limit: int = Field(100, ge=1, le=MAX_DYADS, description=f"at most {MAX_DYADS} pairs")


class PlaceList(Filters):
    limit: int = Field(2000, ge=1, le=MAX_PLACES, description=f"at most {MAX_PLACES} places")


class StoryParams(PageFormat):
    event: str | None = Field(None, max_length=64, pattern=r"^[0-9A-Za-z_-]+$",
                              description="event whose sentence is highlighted")


class SqlParams(Params):
    sql: str = Field(..., min_length=1, max_length=10_000)


def _url_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else None
    return value
