"""`cdkg stats`, `cdkg sources` and `cdkg drop`: what the store holds, and removing a source."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Annotated

import typer
from rich.table import Table

from app.cli_common import StoreOption, guarded, opened_store, settings_for, stdout
from app.store import AccessLevel
from app.store.catalogue import SourceInfo, collect_garbage, drop_source, generation, sources

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@dataclass(frozen=True)
class StoreStats:
    store: str
    store_bytes: int
    generation: int
    studies: int
    sources: int
    graphs: dict[str, int]
    triples: dict[str, int]


@guarded
def stats(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """Sources, graphs and triples per access level, generation and size on disk.

    Example: cdkg stats --store ./data/store
    """
    settings = settings_for(store)
    with opened_store(settings, read_only=True) as opened:
        catalogued = sources(opened)
        figures = StoreStats(
            store=str(settings.store),
            store_bytes=opened.size_bytes(),
            generation=generation(opened),
            studies=len({s.study for s in catalogued}),
            sources=len(catalogued),
            graphs=_per_level(catalogued, lambda _triples: 1),
            triples=_per_level(catalogued, lambda triples: triples),
        )
    if as_json:
        typer.echo(json.dumps(asdict(figures), indent=2))
        return
    table = Table("", *(level.slug for level in AccessLevel), "total")
    for name, counts in (("graphs", figures.graphs), ("triples", figures.triples)):
        table.add_row(name, *(str(counts[lv.slug]) for lv in AccessLevel), str(counts["total"]))
    console = stdout()
    console.print(f"store       {figures.store} ({_size(figures.store_bytes)})")
    console.print(f"generation  {figures.generation}")
    console.print(f"studies     {figures.studies}")
    console.print(f"sources     {figures.sources}")
    console.print(table)


@guarded
def sources_command(store: StoreOption = None, as_json: JsonOption = False) -> None:
    """List the catalogue: every loaded source file, its graphs and triples.

    Example: cdkg sources --json
    """
    settings = settings_for(store)
    with opened_store(settings, read_only=True) as opened:
        catalogued = sources(opened)
    if as_json:
        typer.echo(json.dumps([_source_json(s) for s in catalogued], indent=2))
        return
    if not catalogued:
        stdout().print("no sources loaded (cdkg load PATH adds some)")
        return
    table = Table("file", "study", "graphs", "triples", "sha256", "loaded at")
    for source in catalogued:
        levels = Counter(g.level.slug for g in source.graphs)
        table.add_row(
            source.file,
            source.study,
            ", ".join(f"{levels[lv.slug]} {lv.slug}" for lv in AccessLevel if levels[lv.slug]),
            str(source.triples),
            source.sha256[:12],
            source.loaded_at.isoformat(),
        )
    stdout().print(table)


@guarded
def drop(
    source: Annotated[str, typer.Argument(help="Source IRI, file path or slug.")],
    store: StoreOption = None,
) -> None:
    """Remove one loaded source and its graphs (in one step; readers never see half of it).

    Example: cdkg drop evidence.csv
    """
    settings = settings_for(store)
    with opened_store(settings, read_only=False) as opened:
        outcome = drop_source(opened, source)
        collect_garbage(opened)
    stdout().print(
        f"dropped {outcome.file} ({outcome.source_iri}): {outcome.graphs_dropped} graphs, "
        f"{outcome.triples} triples; generation {outcome.generation}"
    )


def _per_level(catalogued: list[SourceInfo], measure: Callable[[int], int]) -> dict[str, int]:
    counts = {level.slug: 0 for level in AccessLevel}
    for source in catalogued:
        for graph in source.graphs:
            counts[graph.level.slug] += measure(graph.triples)
    counts["total"] = sum(counts.values())
    return counts


def _source_json(source: SourceInfo) -> dict[str, object]:
    return {
        "iri": source.iri,
        "study": source.study,
        "file": source.file,
        "sha256": source.sha256,
        "loaded_at": source.loaded_at.isoformat(),
        "triples": source.triples,
        "graphs": [
            {"iri": g.iri, "level": g.level.slug, "triples": g.triples} for g in source.graphs
        ],
    }


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"
