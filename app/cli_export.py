"""`cdkg export`: catalogued graphs as Turtle, N-Triples, N-Quads, TriG or JSON-LD.

Output is deterministic: graphs in IRI order, triples in the order of their N-Triples lines, so
the same data always gives the same bytes (diffable dumps, stable checksums).
"""

from __future__ import annotations

import heapq
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

from app.cli_common import (
    CliError,
    Level,
    LevelOption,
    StoreOption,
    guarded,
    opened_store,
    settings_for,
    stderr,
    write_bytes,
)
from app.cli_query import PREFIXES
from app.store import GraphStore
from app.store.catalogue import visible_graphs


class ExportFormat(StrEnum):
    ttl = "ttl"
    nt = "nt"
    nq = "nq"
    trig = "trig"
    jsonld = "jsonld"

    @property
    def rdf_format(self) -> RdfFormat:
        return {
            ExportFormat.ttl: RdfFormat.TURTLE,
            ExportFormat.nt: RdfFormat.N_TRIPLES,
            ExportFormat.nq: RdfFormat.N_QUADS,
            ExportFormat.trig: RdfFormat.TRIG,
            ExportFormat.jsonld: RdfFormat.JSON_LD,
        }[self]


@guarded
def export(
    output_format: Annotated[
        ExportFormat, typer.Option("--format", help="Serialisation to write.")
    ] = ExportFormat.nq,
    graph: Annotated[
        list[str] | None,
        typer.Option("--graph", help="Export only this catalogued graph (repeatable)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to FILE instead of stdout.")
    ] = None,
    level: LevelOption = Level.confidential,
    store: StoreOption = None,
) -> None:
    """Write catalogued graphs (all, or those named with --graph) in one RDF format.

    Example: cdkg export --format ttl --level public -o public.ttl
    """
    settings = settings_for(store)
    with opened_store(settings, read_only=True) as opened:
        visible = visible_graphs(opened, level.access)
        chosen = _choose(visible, graph or [], level)
        buffer = io.BytesIO() if output is None else None
        if buffer is not None:
            count = write_export(opened, chosen, output_format, buffer)
            write_bytes(buffer.getvalue())
        else:
            assert output is not None
            count = _write_file(opened, chosen, output_format, output)
    if output is not None:
        stderr().print(f"wrote {count} statements from {len(chosen)} graphs to {output}")


def write_export(
    store: GraphStore, graphs: Sequence[str], fmt: ExportFormat, out: IO[bytes]
) -> int:
    """Serialise `graphs` to `out` deterministically; returns the number of statements."""
    ordered = sorted(graphs)
    if fmt in (ExportFormat.nq, ExportFormat.trig):
        quads = list(_quads(store, ordered))
        serialize(quads, out, format=fmt.rdf_format, prefixes=_prefixes(fmt))
        return len(quads)
    triples = list(_merged_triples(store, ordered))
    serialize(triples, out, format=fmt.rdf_format, prefixes=_prefixes(fmt))
    return len(triples)


def _choose(visible: Sequence[str], wanted: Sequence[str], level: Level) -> list[str]:
    if not wanted:
        return list(visible)
    unknown = [g for g in wanted if g not in visible]
    if unknown:
        raise CliError(
            f"not a catalogued graph at level {level.value}: {', '.join(unknown)} "
            "(`cdkg sources` lists the graphs)"
        )
    return list(dict.fromkeys(wanted))


def _write_file(store: GraphStore, graphs: Sequence[str], fmt: ExportFormat, path: Path) -> int:
    # Written beside the target and renamed, so a failed export never leaves half a file.
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise CliError(f"{path}: cannot write there ({exc.strerror})") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            count = write_export(store, graphs, fmt, out)
        os.replace(temp, path)
    except OSError as exc:
        raise CliError(f"{path}: cannot write the export ({exc.strerror})") from exc
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return count


def _prefixes(fmt: ExportFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ExportFormat.ttl, ExportFormat.trig) else None


def _sorted_lines(store: GraphStore, graph: str) -> list[bytes]:
    dumped = io.BytesIO()
    store.dump(dumped, RdfFormat.N_TRIPLES, graph=graph)
    return sorted(line for line in dumped.getvalue().splitlines() if line.strip())


def _triples(lines: Iterable[bytes]) -> Iterator[Triple]:
    for quad in parse(b"\n".join(lines), format=RdfFormat.N_TRIPLES):
        yield quad.triple


def _quads(store: GraphStore, graphs: Sequence[str]) -> Iterator[Quad]:
    for graph in graphs:
        name = NamedNode(graph)
        for triple in _triples(_sorted_lines(store, graph)):
            yield Quad(triple.subject, triple.predicate, triple.object, name)


def _merged_triples(store: GraphStore, graphs: Sequence[str]) -> Iterator[Triple]:
    # The union of the graphs, each triple once, in line order.
    merged = heapq.merge(*(_sorted_lines(store, g) for g in graphs))
    return _triples(_unique(merged))


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    previous: bytes | None = None
    for line in lines:
        if line != previous:
            yield line
        previous = line
