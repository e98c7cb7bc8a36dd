"""``dyads evaluate``: code the texts of gold files and report agreement with the human coders.

Registered by the CLI as ``app.command("evaluate")(evaluate)``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .evaluate import Evaluation, GoldError, read_jsonl, render_report, run_evaluation

EXIT_BAD_INPUT = 2


def evaluate(
    gold: Annotated[list[Path], typer.Argument(
        help="Gold files (JSON Lines, the gold schema). The texts are read from the input file beside "
             "each gold file (<dataset>.input.jsonl) when there is one, else from the gold itself.",
        show_default=False)],
    json_output: Annotated[bool, typer.Option(
        "--json", help="Print one JSON object: every count, the confusion matrices, the misses.")] = False,
    limit: Annotated[int | None, typer.Option(
        "--limit", min=1, help="Code only the first N stories of each gold file (for sentence gold: "
                               "the first N documents, with all their sentences).")] = None,
    worst: Annotated[int, typer.Option(
        "--worst", min=0, help="How many of the worst misses to show per dataset.")] = 10,
    processes: Annotated[int, typer.Option(
        "--processes", "-p", min=1, help="Parsing processes for the coder.")] = 1,
    pred: Annotated[Path | None, typer.Option(
        "--pred", help="Score this prediction file (event JSON Lines, e.g. from `dyads code --output`) "
                       "instead of coding the gold texts.", show_default=False)] = None,
    save_predictions: Annotated[Path | None, typer.Option(
        "--save-predictions", help="Also write the coded events to this JSON Lines file.",
        show_default=False)] = None,
    classifier: Annotated[Path | None, typer.Option(
        "--classifier", help="A classifier trained by `dyads train`: re-ranks the rule events and backs off "
                             "to it where the rules find none.", show_default=False)] = None,
) -> None:
    """Measure how well dyads agrees with human-coded gold: the same metrics as the public scorer,
    a confusion matrix of event types and the worst misses with the rule that fired."""
    errors = Console(stderr=True)

    def fail(message: str) -> None:
        errors.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)

    for path in [*gold, *([pred] if pred else [])]:
        if not path.is_file():
            fail(f"{path}: no such file")
    if save_predictions is not None and not save_predictions.parent.is_dir():
        fail(f"{save_predictions}: its folder does not exist")
    try:
        predictions = read_jsonl(pred) if pred else None
        coder = _coder_with(classifier, processes, fail) if classifier is not None and pred is None else None
        if not errors.is_terminal:  # no progress bar in logs and pipes
            result = run_evaluation(gold, limit=limit, worst=worst, n_process=processes,
                                    predictions=predictions, coder=coder)
        else:
            with _progress_bar(errors) as progress:
                result = run_evaluation(gold, limit=limit, worst=worst, n_process=processes,
                                        predictions=predictions, progress=progress, coder=coder)
    except GoldError as exc:
        fail(str(exc))
        return
    except (ImportError, OSError) as exc:  # no coder, or its language model is missing
        fail(f"cannot load the coder: {exc}")
        return
    if save_predictions is not None:
        _write_predictions(result, save_predictions, fail)
    if json_output:
        sys.stdout.write(json.dumps(result.report, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    else:
        render_report(result.report, Console())


def _coder_with(classifier: Path, processes: int, fail: Callable[[str], None]):
    """The coder with a classifier trained by ``dyads train`` (a clear error for a bad directory)."""
    from .coder import Coder
    from .learned import ClassifierError

    try:
        return Coder(n_process=processes, classifier=classifier)  # as `dyads code` codes
    except ClassifierError as exc:
        fail(str(exc))


class _progress_bar:
    """A Rich progress bar over the stories being coded; usable as ``run_evaluation(progress=...)``."""

    def __init__(self, console: Console):
        self.bar = Progress(TextColumn("coding gold texts"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=console, transient=True)

    def __enter__(self) -> Callable[[int], Callable[[int], None]]:
        self.bar.__enter__()

        def start(total: int) -> Callable[[int], None]:
            task = self.bar.add_task("coding", total=total)
            return lambda n: self.bar.advance(task, n)

        return start

    def __exit__(self, *exc_info: object) -> None:
        self.bar.__exit__(*exc_info)


def _write_predictions(result: Evaluation, path: Path, fail: Callable[[str], None]) -> None:
    try:
        with path.open("w", encoding="utf-8") as out:
            for record in result.predictions:
                out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    except OSError as exc:
        fail(f"{path}: cannot write ({exc.strerror or exc})")
