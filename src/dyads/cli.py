"""The ``dyads`` command: a thin layer over the library.

Exit status of ``dyads code``: 0 when every record was coded, 2 when some were rejected (they are in
the rejects file, the rest was coded and stored), 1 on a fatal error (bad option, unreadable store).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .models import Reject, Story
from .store import EventFilter, Store

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="dyads: political event data from news text (who did what to whom, when, where).")
# Piped or captured output gets the table's natural width instead of Rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

EXIT_REJECTED = 2
TABLE_LIMIT = 200
SAVE_BATCH = 50

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB event store.")]
DateFrom = Annotated[str | None, typer.Option("--from", help="Earliest event date (YYYY-MM-DD).")]
DateTo = Annotated[str | None, typer.Option("--to", help="Latest event date (YYYY-MM-DD).")]
Country = Annotated[str | None, typer.Option(help="Actor or recipient country (ISO-3, IGO, ...).")]
ActorCountry = Annotated[str | None, typer.Option(help="Actor country.")]
RecipientCountry = Annotated[str | None, typer.Option(help="Recipient country.")]
Sector = Annotated[str | None, typer.Option(help="Actor or recipient sector (GOV, MIL, REB, ...).")]
EventType = Annotated[str | None, typer.Option("--event-type", help="PLOVER event type (CONSULT, ...).")]
CameoRoot = Annotated[str | None, typer.Option("--cameo-root", help="CAMEO root, 01..20.")]
QuadClass = Annotated[int | None, typer.Option("--quad-class", min=1, max=4, help="Quad class 1-4.")]
FreeText = Annotated[str | None, typer.Option("--text", help="Words in the sentence.")]
ClassifierOption = Annotated[Path | None, typer.Option(
    "--classifier", help="A classifier trained by `dyads train`: re-ranks the rule events and backs off "
                         "to it where the rules find none.", show_default=False)]


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)


@app.command("code")
def code(
    inputs: Annotated[list[str], typer.Argument(
        help="Text files, directories, .jsonl/.csv files, or - for stdin.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write events to .jsonl, .csv or .parquet.")] = None,
    db: DbOption = Path("dyads.duckdb"),
    store: Annotated[bool, typer.Option("--store/--no-store", help="Store events in the DuckDB file.")] = True,
    rejects: Annotated[Path, typer.Option(
        "--rejects", help="Where rejected records are written (JSON Lines).")] = Path("dyads-rejects.jsonl"),
    dictionary: Annotated[list[Path] | None, typer.Option(
        "--dictionary", "-d", help="Extra YAML dictionary (repeatable).")] = None,
    processes: Annotated[int, typer.Option("--processes", "-p", min=1, help="Worker processes.")] = 1,
    geocode: Annotated[bool, typer.Option(
        "--geocode/--no-geocode", help="Resolve event places in the gazetteer.")] = True,
    max_chars: Annotated[int, typer.Option(help="Longest story accepted, in characters.")] = 2_000_000,
    all_events: Annotated[bool, typer.Option(
        "--all-events", help="Keep every event found, not only each sentence's main events.")] = False,
    classifier: ClassifierOption = None,
) -> None:
    """Code stories into events: print them (or write --output) and store them."""
    from .coder import Coder
    from .learned import ClassifierError
    from .output import output_format, print_events, write_events
    from .reader import format_reject, read_stories, write_rejects

    if output is not None:
        try:
            output_format(output)  # fail now on a bad --output, not after coding everything
        except ValueError as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(1) from exc

    try:
        coder = Coder(dictionaries=[str(d) for d in dictionary or []], n_process=processes, geocode=geocode,
                      max_chars=max_chars, all_events=all_events, classifier=classifier)
    except ClassifierError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    rejected: list[Reject] = []
    if rejects.exists():
        rejects.unlink()  # the file describes this run

    def stories() -> Iterator[Story]:
        for item in read_stories(inputs, max_chars=max_chars):
            if isinstance(item, Reject):
                rejected.append(item)
                write_rejects([item], rejects)
                err.print(format_reject(item), markup=False, highlight=False)
            else:
                yield item

    def set_aside(story: Story, reason: str) -> None:
        """A story the coder failed on is rejected like bad input: reported, and the batch goes on."""
        reject = Reject(source=story.origin or story.id, id=story.id, reason=reason)
        rejected.append(reject)
        write_rejects([reject], rejects)
        err.print(format_reject(reject), markup=False, highlight=False)

    records: list[dict] = []
    n_stories = 0
    event_store = Store(db) if store else None
    try:
        with _progress() as progress:
            task = progress.add_task("coding", total=None)
            batch: list = []
            for story, events in coder.code(stories(), on_failure=set_aside):
                n_stories += 1
                records.extend(e.to_record() for e in events)
                batch.append((story, events))
                if event_store is not None and len(batch) >= SAVE_BATCH:
                    event_store.save(batch)
                    batch = []
                progress.update(task, advance=1)
            if event_store is not None and batch:
                event_store.save(batch)
    finally:
        if event_store is not None:
            event_store.close()

    if output is not None:
        write_events(records, output)
    elif records:
        shown = records[:TABLE_LIMIT]
        more = f" (first {TABLE_LIMIT})" if len(records) > TABLE_LIMIT else ""
        print_events(shown, console=console, title=f"{len(records)} events{more}")
    summary = f"{n_stories} stories coded, {len(records)} events"
    if store:
        summary += f", stored in {db}"
    if output is not None:
        summary += f", written to {output}"
    if rejected:
        summary += f"; {len(rejected)} rejected (see {rejects})"
    err.print(summary, highlight=False)
    if rejected:
        raise typer.Exit(EXIT_REJECTED)


@app.command("train")
def train(
    gold: Annotated[list[Path], typer.Argument(
        help="Gold files (JSON Lines, the gold schema). Records of datasets with PLOVER event types, or only "
             "penta classes, become examples; other gold is skipped.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Directory the classifier is saved to.",
                                      show_default=False)],
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the examples.")] = 10,
    seed: Annotated[int, typer.Option(help="Random seed: the same gold and seed give the same model.")] = 0,
    threshold: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Probability at which the classifier adds an event where the rules found none.")] = 0.5,
    architecture: Annotated[str, typer.Option(help="spaCy text classifier: bow or ensemble.")] = "bow",
) -> None:
    """Train a sentence classifier of event types on gold, for `dyads code --classifier DIR`."""
    from .evaluate import GoldError
    from .learned import ClassifierError, train_classifier

    for path in gold:
        if not path.is_file():
            err.print(f"error: {path}: no such file", markup=False, highlight=False)
            raise typer.Exit(1)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "meta.json").exists())):
        err.print(f"error: {out}: exists and is not a classifier directory", markup=False, highlight=False)
        raise typer.Exit(1)
    bar = Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                   TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal)

    try:
        with bar:
            task = bar.add_task("", total=epochs)

            def on_epoch(epoch: int, loss: float) -> None:
                bar.update(task, advance=1, description=f"loss {loss:.4f}")
                err.print(f"epoch {epoch:>3}/{epochs}  loss {loss:.4f}", highlight=False)

            meta = train_classifier(gold, out, epochs=epochs, seed=seed, threshold=threshold,
                                    architecture=architecture, on_epoch=on_epoch)
    except (GoldError, ClassifierError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    for note in meta["skipped"]:
        err.print(f"skipped {note}", markup=False, highlight=False)
    labels = ", ".join(f"{label} {n}" for label, n in meta["positives"].items())
    err.print(f"{meta['examples']} examples ({labels}); {meta['train_seconds']} s; saved to {out}",
              markup=False, highlight=False)


def _filter(date_from, date_to, country, actor_country, recipient_country, sector, event_type,
            cameo_root, quad_class, text) -> EventFilter:
    return EventFilter(date_from=date_from, date_to=date_to, country=country, actor_country=actor_country,
                       recipient_country=recipient_country, sector=sector, event_type=event_type,
                       cameo_root=cameo_root, quad_class=quad_class, text=text)


def _open_store(db: Path) -> Store:
    try:
        return Store(db, read_only=True)
    except FileNotFoundError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from exc


@app.command("query")
def query(
    db: DbOption = Path("dyads.duckdb"), date_from: DateFrom = None, date_to: DateTo = None,
    country: Country = None, actor_country: ActorCountry = None, recipient_country: RecipientCountry = None,
    sector: Sector = None, event_type: EventType = None, cameo_root: CameoRoot = None,
    quad_class: QuadClass = None, text: FreeText = None,
    limit: Annotated[int, typer.Option(min=1, help="Most events shown.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
) -> None:
    """Show stored events that match the filters."""
    import json

    from .output import print_events

    flt = _filter(date_from, date_to, country, actor_country, recipient_country, sector, event_type,
                  cameo_root, quad_class, text)
    with _open_store(db) as st:
        total = st.count_events(flt)
        records = st.query_events(flt, limit=limit)
    if as_json:
        for rec in records:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    else:
        print_events(records, console=console, title=f"{len(records)} of {total} matching events")


@app.command("export")
def export(
    output: Annotated[Path, typer.Argument(help="Output file: .jsonl, .csv or .parquet.")],
    db: DbOption = Path("dyads.duckdb"), date_from: DateFrom = None, date_to: DateTo = None,
    country: Country = None, actor_country: ActorCountry = None, recipient_country: RecipientCountry = None,
    sector: Sector = None, event_type: EventType = None, cameo_root: CameoRoot = None,
    quad_class: QuadClass = None, text: FreeText = None,
) -> None:
    """Export stored events that match the filters."""
    flt = _filter(date_from, date_to, country, actor_country, recipient_country, sector, event_type,
                  cameo_root, quad_class, text)
    with _open_store(db) as st:
        try:
            n = st.export(output, flt)
        except ValueError as exc:
            err.print(f"error: {exc}")
            raise typer.Exit(1) from exc
    err.print(f"{n} events written to {output}")


def _register_commands() -> None:
    """Commands that live beside their library (geocoding, evaluation, web app)."""
    from .evaluate_cli import evaluate
    from .geo.cli import places
    from .web.cli import serve

    app.command("evaluate")(evaluate)
    app.command("places")(places)
    app.command("serve")(serve)


_register_commands()
