"""The dyads web app: server-rendered pages over the event store, each with a JSON twin, and an API.

Every page ``/x`` answers ``/x.json`` (and ``/x?_format=json``) with the data it shows; the API under
``/api`` takes the same filters. Parameters are closed sets: an unknown or repeated parameter is a
422 naming it. Errors are JSON ``{"error": ..., "status": ...}`` for the API and JSON twins, and an
HTML page (with the same message) for pages.
"""

from __future__ import annotations

import csv
import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import duckdb
from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store import EventFilter
from .database import QUAD_CLASSES, Database
from .highlight import event_spans, outside_sentence, pieces
from .params import (
    MAX_PAGE_SIZE,
    DyadFilters,
    DyadList,
    EventPage,
    Filters,
    NoParams,
    PageFormat,
    PlaceList,
    SqlParams,
    StoryParams,
)

HERE = Path(__file__).parent
MAX_QUERY_STRING = 4096
MAX_SQL_ROWS = 1000
EVENT_ID = Annotated[str, PathParam(max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
DOC_ID = Annotated[str, PathParam(max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
# what a browser may load: nothing but this server (no CDN, no tiles); inline styles for Leaflet
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
                           "base-uri 'none'; form-action 'self'")

log = logging.getLogger("dyads.web")


class ApiError(Exception):
    """An error answered with ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str, details: list | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


def single_valued(request: Request) -> None:
    """Every parameter takes one value: ``?country=SYR&country=RUS`` is an error, not 'the last one wins'."""
    seen: set[str] = set()
    for key, _ in request.query_params.multi_items():
        if key in seen:
            raise ApiError(422, f"query parameter '{key}' is given more than once")
        seen.add(key)


def create_app(db_path: str, allow_sql: bool = False, *, sql_timeout: float = 5.0) -> FastAPI:
    """The app over the store at ``db_path``, opened read-only. ``allow_sql`` enables ``/api/sql``."""
    db = Database(db_path, sql_timeout=sql_timeout)
    options = db.options()
    cameo_roots = _cameo_root_labels()

    app = FastAPI(
        title="dyads",
        summary="Coded political events: who did what to whom, when and where.",
        description="Every page of the site has a JSON twin (`/events.json`, `?_format=json`); the API "
                    "below takes the same filters. Unknown or repeated parameters are rejected (422).",
        version="0.1.0",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; the schema is enough
        openapi_url="/openapi.json",
        dependencies=[Depends(single_valued)],
        lifespan=_closing(db),
    )
    app.state.db = db
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(
        quad_classes=QUAD_CLASSES, quad_labels={str(k): v for k, v in QUAD_CLASSES.items()},
        cameo_roots=cameo_roots, options=options, allow_sql=allow_sql,
        db_name=Path(db_path).name)
    templates.env.filters["actors"] = _actor_codes
    templates.env.filters["pathpart"] = lambda v: quote(str(v), safe="")
    templates.env.filters["signed"] = lambda v: f"{v:+.1f}" if v is not None else ""

    _install_error_handlers(app, templates)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if len(request.scope.get("query_string", b"")) > MAX_QUERY_STRING:
            response: Response = _error_response(
                request, templates, 414, f"query string longer than {MAX_QUERY_STRING} bytes")
        else:
            response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def render(request: Request, template: str, data: dict, q: PageFormat | None, **extra) -> Response:
        if q is not None and q.format_ == "json":
            return JSONResponse(data)
        return templates.TemplateResponse(request, template, {"data": data, "q": q, **extra})

    # ----------------------------------------------------------------- data

    def events_data(request: Request, q: EventPage) -> tuple[dict, list]:
        dyad = _dyad_or_none(q)
        total, rows = db.events(q.event_filter(), dyad, limit=q.page_size,
                                offset=(q.page - 1) * q.page_size, sort=q.sort)
        pages = max(1, math.ceil(total / q.page_size))
        path = request.url.path
        data = {
            "total": total, "page": q.page, "page_size": q.page_size, "pages": pages, "sort": q.sort,
            "filters": q.active_filters(),
            "dyad": {"a": dyad.a, "b": dyad.b, "directed": dyad.directed} if dyad else None,
            "next": f"{path}?{q.query_string(page=q.page + 1)}" if q.page < pages else None,
            "previous": f"{path}?{q.query_string(page=q.page - 1)}" if q.page > 1 else None,
            "events": [record for record, _ in rows],
        }
        return data, rows

    def highlighted(record: dict, sentence_start: int) -> list:
        return pieces(record["sentence"], event_spans(record, sentence_start))

    def event_data(event_id: str) -> tuple[dict, int]:
        found = db.event(event_id)
        if found is None:
            raise ApiError(404, f"no event with id {event_id!r}")
        record, sentence_start = found
        story = db.story(record["doc_id"])
        data = {
            "event": record,
            "sentence_start": sentence_start,
            "story": {k: story[k] for k in ("doc_id", "title", "date", "source", "url")} if story else None,
            "links": {"html": f"/events/{event_id}",
                      "story": f"/stories/{quote(record['doc_id'], safe='')}?event={event_id}"},
        }
        return data, sentence_start

    def story_data(doc_id: str, event_id: str | None) -> tuple[dict, list]:
        story = db.story(doc_id)
        if story is None:
            raise ApiError(404, f"no story with id {doc_id!r}")
        _, rows = db.events(EventFilter(doc_id=doc_id), limit=MAX_PAGE_SIZE)
        if event_id and not any(record["event_id"] == event_id for record, _ in rows):
            raise ApiError(404, f"story {doc_id!r} has no event {event_id!r}")
        return {"story": story, "events": [record for record, _ in rows]}, rows

    def dyad_data(request: Request, q: EventPage) -> tuple[dict, list]:
        dyad = _dyad_or_none(q)
        if dyad is None:
            return {"dyad": None, "timeline": None,
                    "suggestions": db.dyads(q.event_filter(), limit=20)}, []
        events, rows = events_data(request, q)
        data = {"dyad": events["dyad"], "timeline": db.timeline(q.event_filter(), dyad), "events": events}
        return data, rows

    def places_data(q: PlaceList) -> dict:
        places, unplaced = db.places(q.event_filter(), limit=q.limit)
        return {"filters": q.active_filters(), "places": places, "unplaced_events": unplaced}

    def actors_data(q: DyadList) -> dict:
        pairs = db.dyads(q.event_filter(), limit=q.limit)
        totals: dict[str, dict] = {}
        for pair in pairs:
            totals.setdefault(pair["source"], {"actor": pair["source"], "acts": 0, "received": 0})
            totals.setdefault(pair["target"], {"actor": pair["target"], "acts": 0, "received": 0})
            totals[pair["source"]]["acts"] += pair["events"]
            totals[pair["target"]]["received"] += pair["events"]
        actors = sorted(totals.values(), key=lambda t: (-(t["acts"] + t["received"]), t["actor"]))
        return {"filters": q.active_filters(), "dyads": pairs, "actors": actors}

    # ---------------------------------------------------------------- pages

    def index_data() -> dict:
        return {**db.summary(), "top_dyads": db.dyads(Filters().event_filter(), limit=10)}

    def marked(rows: list) -> list:
        """Event rows with their sentence cut into highlighted pieces, for the tables."""
        return [(record, highlighted(record, start)) for record, start in rows]

    @app.get("/", include_in_schema=False)
    def index(request: Request, q: Annotated[PageFormat, Query()]) -> Response:
        return render(request, "index.html", index_data(), q)

    @app.get("/index.json", summary="Store summary (JSON twin of /)", tags=["pages"])
    def index_json(q: Annotated[NoParams, Query()]) -> Response:
        return JSONResponse(index_data())

    @app.get("/events", include_in_schema=False)
    def events_page(request: Request, q: Annotated[EventPage, Query()]) -> Response:
        data, rows = events_data(request, q)
        return render(request, "events.html", data, q, rows=marked(rows))

    @app.get("/events.json", summary="Events (JSON twin of /events)", tags=["pages"])
    def events_json(request: Request, q: Annotated[EventPage, Query()]) -> Response:
        return JSONResponse(events_data(request, q)[0])

    @app.get("/events/{event_id}.json", summary="One event (JSON twin of /events/{id})", tags=["pages"])
    def event_json(event_id: EVENT_ID, q: Annotated[PageFormat, Query()]) -> Response:
        return JSONResponse(event_data(event_id)[0])

    @app.get("/events/{event_id}", include_in_schema=False)
    def event_page(request: Request, event_id: EVENT_ID, q: Annotated[PageFormat, Query()]) -> Response:
        data, sentence_start = event_data(event_id)
        return render(request, "event.html", data, q, pieces=highlighted(data["event"], sentence_start),
                      elsewhere=outside_sentence(data["event"], sentence_start))

    @app.get("/stories/{doc_id:path}.json", summary="One story with its events", tags=["pages"])
    def story_json(doc_id: DOC_ID, q: Annotated[StoryParams, Query()]) -> Response:
        return JSONResponse(story_data(doc_id, q.event)[0])

    @app.get("/stories/{doc_id:path}", include_in_schema=False)
    def story_page(request: Request, doc_id: DOC_ID, q: Annotated[StoryParams, Query()]) -> Response:
        data, rows = story_data(doc_id, q.event)
        story_pieces = None
        if q.event:
            record, start = next((r, s) for r, s in rows if r["event_id"] == q.event)
            story_pieces = pieces(data["story"]["text"], event_spans(record, start, data["story"]["text"]),
                                  region=(start, start + len(record["sentence"]), "sentence"))
        return render(request, "story.html", data, q, story_pieces=story_pieces, selected=q.event)

    @app.get("/dyad", include_in_schema=False)
    def dyad_page(request: Request, q: Annotated[EventPage, Query()]) -> Response:
        data, rows = dyad_data(request, q)
        return render(request, "dyad.html", data, q, rows=marked(rows))

    @app.get("/dyad.json", summary="A dyad's timeline and events (JSON twin of /dyad)", tags=["pages"])
    def dyad_json(request: Request, q: Annotated[EventPage, Query()]) -> Response:
        return JSONResponse(dyad_data(request, q)[0])

    @app.get("/map", include_in_schema=False)
    def map_page(request: Request, q: Annotated[PlaceList, Query()]) -> Response:
        return render(request, "map.html", places_data(q), q)

    @app.get("/map.json", summary="Event places (JSON twin of /map)", tags=["pages"])
    def map_json(q: Annotated[PlaceList, Query()]) -> Response:
        return JSONResponse(places_data(q))

    @app.get("/actors", include_in_schema=False)
    def actors_page(request: Request, q: Annotated[DyadList, Query()]) -> Response:
        return render(request, "actors.html", actors_data(q), q)

    @app.get("/actors.json", summary="Top dyads and actors (JSON twin of /actors)", tags=["pages"])
    def actors_json(q: Annotated[DyadList, Query()]) -> Response:
        return JSONResponse(actors_data(q))

    # ------------------------------------------------------------------ API

    @app.get("/api/events", tags=["api"], summary="Events matching the filters, one page at a time")
    def api_events(request: Request, q: Annotated[EventPage, Query()]) -> Response:
        return JSONResponse(events_data(request, q)[0])

    @app.get("/api/events/{event_id}", tags=["api"], summary="One event")
    def api_event(event_id: EVENT_ID, q: Annotated[NoParams, Query()]) -> Response:
        return JSONResponse(event_data(event_id)[0])

    @app.get("/api/stories/{doc_id:path}", tags=["api"], summary="One story: its text and events")
    def api_story(doc_id: DOC_ID, q: Annotated[NoParams, Query()]) -> Response:
        return JSONResponse(story_data(doc_id, None)[0])

    @app.get("/api/dyads", tags=["api"], summary="Directed actor-country pairs, most events first")
    def api_dyads(q: Annotated[DyadList, Query()]) -> Response:
        return JSONResponse({"filters": q.active_filters(), "dyads": db.dyads(q.event_filter(), limit=q.limit)})

    @app.get("/api/timeline", tags=["api"],
             summary="Monthly event counts by quad class and Goldstein sums (optionally of one dyad)")
    def api_timeline(q: Annotated[DyadFilters, Query()]) -> Response:
        dyad = _dyad_or_none(q)
        data = db.timeline(q.event_filter(), dyad)
        return JSONResponse({"filters": q.active_filters(),
                             "dyad": {"a": dyad.a, "b": dyad.b, "directed": dyad.directed} if dyad else None,
                             **data})

    @app.get("/api/places", tags=["api"], summary="Geocoded event places with event counts")
    def api_places(q: Annotated[PlaceList, Query()]) -> Response:
        return JSONResponse(places_data(q))

    if allow_sql:
        @app.get("/api/sql", tags=["api"],
                 summary=f"Run one read-only SELECT (enabled by --allow-sql; at most {MAX_SQL_ROWS} rows)")
        def api_sql(q: Annotated[SqlParams, Query()]) -> Response:
            try:
                return JSONResponse(db.run_sql(q.sql, max_rows=MAX_SQL_ROWS), headers={"Cache-Control": "no-store"})
            except ValueError as exc:
                raise ApiError(400, str(exc)) from exc
            except TimeoutError as exc:
                raise ApiError(408, str(exc)) from exc

    return app


def _closing(db: Database):
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    return lifespan


# ---------------------------------------------------------------- errors


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (path.startswith("/api") or path.endswith(".json")
            or request.query_params.get("_format") == "json"
            or "application/json" in request.headers.get("accept", "").split(",")[0])


def _error_response(request: Request, templates: Jinja2Templates, status: int, message: str,
                    details: list | None = None) -> Response:
    body: dict[str, Any] = {"error": message, "status": status}
    if details:
        body["details"] = details
    if _wants_json(request):
        return JSONResponse(body, status_code=status)
    return templates.TemplateResponse(request, "error.html", {"error": body, "q": None}, status_code=status)


def _install_error_handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error_response(request, templates, exc.status, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [_describe(err, request) for err in exc.errors()]
        return _error_response(request, templates, 422, "; ".join(d["message"] for d in details), details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return _error_response(request, templates, exc.status_code, message)

    @app.exception_handler(duckdb.InvalidInputException)
    @app.exception_handler(duckdb.ConversionException)
    @app.exception_handler(duckdb.OutOfRangeException)
    async def bad_value(request: Request, exc: duckdb.Error) -> Response:
        return _error_response(request, templates, 400, "a filter value cannot be used: "
                               + str(exc).splitlines()[0][:200])

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return JSONResponse({"error": "internal server error", "status": 500}, status_code=500)


def _describe(err: dict, request: Request) -> dict:
    """One validation error as {param, message}: plain words, no echo of the (possibly huge) value."""
    loc = [str(part) for part in err.get("loc", ())]
    where = loc[0] if loc else "query"
    name = loc[-1] if len(loc) > 1 else where
    if err.get("type") == "extra_forbidden":
        allowed = _allowed_params(request)
        hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
        return {"param": name, "message": f"unknown query parameter '{name}'{hint}"}
    label = "path parameter" if where == "path" else "query parameter"
    return {"param": name, "message": f"{label} '{name}': {err.get('msg', 'invalid value')}"}


def _allowed_params(request: Request) -> list[str]:
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    names: list[str] = []
    for param in getattr(dependant, "query_params", []):
        model = getattr(param.field_info, "annotation", None)
        if isinstance(model, type) and hasattr(model, "model_fields"):
            names += [f.alias or n for n, f in model.model_fields.items()]
        else:
            names.append(param.alias)
    return names


# --------------------------------------------------------------- helpers


def _dyad_or_none(q: DyadFilters):
    if bool(q.a) != bool(q.b):
        raise ApiError(422, "a dyad needs both actors: give a and b (e.g. a=SYR&b=RUS)")
    return q.dyad()


def _actor_codes(actors: list[dict] | None) -> str:
    return ", ".join(a.get("code") or a.get("country") or a.get("sector") or "?" for a in actors or [])


def _cameo_root_labels() -> dict[str, str]:
    """CAMEO root code -> label, from the packaged codebook."""
    text = resources.files("dyads.data").joinpath("cameo.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["code"]: row["label"] for row in csv.DictReader(lines, delimiter="\t") if len(row["code"]) == 2}
