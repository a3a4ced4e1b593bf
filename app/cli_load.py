"""`cdkg load` and `cdkg validate`: study records into the store, all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from app.cli_common import (
    CliError,
    StoreOption,
    guarded,
    opened_store,
    settings_for,
    stderr,
    stdout,
)
from app.settings import Settings
from app.store import AccessLevel
from app.store.catalogue import PublishOutcome, holds, sources
from app.store.oxigraph_store import OxigraphStore
from loaders.errors import LoadError
from loaders.pipeline import PreparedLoad, ProgressCallback, prepare, publish

PathsArgument = Annotated[
    list[Path],
    typer.Argument(help="Record files or folders (YAML, JSON, CSV) of one study."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


@guarded
def load(
    paths: PathsArgument,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing.")
    ] = False,
    if_empty: Annotated[
        bool,
        typer.Option("--if-empty", help="Load only when the store holds no source yet."),
    ] = False,
    quiet: QuietOption = False,
    store: StoreOption = None,
) -> None:
    """Validate study records, then replace the study's graphs in the store in one step.

    Example: cdkg load examples/
    """
    if dry_run:
        _validate(paths, quiet, "dry run: nothing written", settings_for(store))
        return
    settings = settings_for(store)
    with opened_store(settings, read_only=False) as opened:
        if if_empty and sources(opened):
            stdout().print(f"{settings.store} already holds data; nothing loaded (--if-empty)")
            return
        # One progress display from the first file read to the last megabyte written.
        with _progress(quiet) as progress:
            prepared = _checked(paths, progress)
            try:
                outcome = publish(prepared, opened, progress=progress)
            finally:
                prepared.close()
        _summary(prepared, outcome, opened)


@guarded
def validate(paths: PathsArgument, quiet: QuietOption = False, store: StoreOption = None) -> None:
    """Check study records (schema, references, shapes, consistency) without loading them,
    and say whether the store already holds exactly these records.

    Example: cdkg validate examples/
    """
    _validate(paths, quiet, "valid", settings_for(store))


def _validate(paths: list[Path], quiet: bool, verdict: str, settings: Settings) -> None:
    prepared = _prepare(paths, quiet)
    try:
        console = stdout()
        console.print(_counts_table(prepared))
        console.print(f"{prepared.study_id}: {prepared.triples} triples; {verdict}")
        if (settings.store / "CURRENT").is_file():
            with opened_store(settings, read_only=True) as opened:
                same = holds(opened, prepared.study_iri, prepared.sources)
            where = f"the store at {settings.store}"
            console.print(
                f"{where} already holds exactly these records"
                if same
                else f"loading would change what {where} holds for this study"
            )
    finally:
        prepared.close()


def _prepare(paths: list[Path], quiet: bool) -> PreparedLoad:
    with _progress(quiet) as progress:
        return _checked(paths, progress)


def _checked(paths: list[Path], progress: ProgressCallback | None) -> PreparedLoad:
    try:
        return prepare(paths, progress=progress)
    except LoadError as exc:
        console = stderr()
        for error in exc.errors:
            console.print(str(error), markup=False)
        if exc.omitted:
            console.print(f"... and {exc.omitted} more errors", markup=False)
        total = len(exc.errors) + exc.omitted
        raise CliError(f"{total} problem{'s' if total != 1 else ''}; nothing written") from exc


STAGES = {
    "read": "reading files",
    "check": "checking records",
    "map": "mapping table rows",
    "validate": "validating (shapes, qc)",
    "write": "writing to the store (MB)",
}


@contextmanager
def _progress(quiet: bool) -> Iterator[ProgressCallback | None]:
    if quiet:
        yield None
        return
    bar = Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
    )
    task = bar.add_task(STAGES["read"], total=None)
    current = "read"

    def report(stage: str, done: int, total: int | None) -> None:
        nonlocal task, current
        if stage != current:
            # A new stage gets a fresh task: `update(total=None)` would keep the last stage's
            # total, and a stage that cannot know its total must show as open-ended.
            current = stage
            bar.remove_task(task)
            task = bar.add_task(STAGES.get(stage, stage), total=total, completed=done)
        else:
            bar.update(task, completed=done, total=total)

    with bar:
        yield report


def _counts_table(prepared: PreparedLoad) -> Table:
    table = Table("records", "count", title=f"study {prepared.study_id}")
    for kind, count in sorted(prepared.counts.items()):
        table.add_row(kind, str(count))
    return table


def _summary(prepared: PreparedLoad, outcome: PublishOutcome, store: OxigraphStore) -> None:
    graphs = [g for s in sources(store) if s.study == outcome.study_iri for g in s.graphs]
    levels = Table("level", "graphs", "triples", title="graphs")
    for level in AccessLevel:
        mine = [g for g in graphs if g.level == level]
        levels.add_row(level.slug, str(len(mine)), str(sum(g.triples for g in mine)))
    console = stdout()
    console.print(_counts_table(prepared))
    console.print(levels)
    verdict = (
        "unchanged: the store already holds exactly these records"
        if outcome.unchanged
        else f"wrote {outcome.graphs_written} graphs, {outcome.triples} triples"
    )
    console.print(f"{outcome.study_iri}: {verdict}; generation {outcome.generation}")
