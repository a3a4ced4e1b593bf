"""Publishing a study's graphs and dropping a source: the catalogue's all-or-nothing writes.

Readers only ever query graphs the catalogue lists, so a load can bulk-write fresh graphs (fast,
not transactional) where nobody looks, then switch the catalogue to them in one small SPARQL
update that also bumps the generation. A crash before the switch leaves the old catalogue, hence
every reader's view, intact; the graphs it left behind are collected by the next write
(`app.store.pending`). Terms and shapes: docs/model.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import IO

from pyoxigraph import Literal, NamedNode

from app.store.base import CATALOGUE_GRAPH, GraphStore
from app.store.catalogue_read import PREFIXES, holds, resolve_source
from app.store.catalogue_read import sources as catalogued_sources
from app.store.catalogue_types import CatalogueError, DropOutcome, PublishOutcome, SourceEntry
from app.store.generation import GENERATION_BUMP, forget_generation, generation
from app.store.pending import collect_garbage, drop_pending, mark_pending, pending_update


def publish_study(
    store: GraphStore,
    study_iri: str,
    sources: Sequence[SourceEntry],
    nquads: IO[bytes],
    loaded_at: datetime,
    progress: Callable[[int], None] | None = None,
) -> PublishOutcome:
    """Make `sources` (whose quads are `nquads`) the catalogued content of `study_iri`;
    `progress` hears how many bytes of `nquads` the store has taken so far.

    All or nothing: readers see the old study or the new one, never a mix, whatever the moment
    the process dies. Publishing what is already catalogued writes nothing, so loading the same
    files twice leaves exactly the same quads (load times included).
    """
    try:
        return _publish_study(store, study_iri, sources, nquads, loaded_at, progress)
    finally:
        forget_generation(store)


def _publish_study(
    store: GraphStore,
    study_iri: str,
    sources: Sequence[SourceEntry],
    nquads: IO[bytes],
    loaded_at: datetime,
    progress: Callable[[int], None] | None,
) -> PublishOutcome:
    _check_entries(study_iri, sources)
    stamp = _timestamp(loaded_at)
    new_sources = {s.iri for s in sources}
    new_graphs = {g.iri for s in sources for g in s.graphs}
    with store.write_lock:
        collect_garbage(store)
        if holds(store, study_iri, sources):
            return PublishOutcome(study_iri, True, 0, 0, generation(store))
        current = [
            s for s in catalogued_sources(store) if s.study == study_iri or s.iri in new_sources
        ]
        old_graphs = {g.iri for s in current for g in s.graphs}
        retired = old_graphs - new_graphs
        # Marked before writing, so that whatever a crash leaves behind is known to be ours.
        mark_pending(store, new_graphs)
        store.bulk_load_quads(nquads, progress)
        store.update(
            PREFIXES
            + _delete_sources_update(study_iri, new_sources)
            + " ;\n"
            + _insert_sources_update(study_iri, sources, stamp)
            + " ;\n"
            + pending_update(add=retired, remove=new_graphs)
            + " ;\n"
            + GENERATION_BUMP
        )
        drop_pending(store, retired)
        return PublishOutcome(
            study_iri,
            False,
            len(new_graphs),
            sum(g.triples for s in sources for g in s.graphs),
            generation(store),
        )


def drop_source(store: GraphStore, source: str) -> DropOutcome:
    """Remove one source (named by IRI, file path or slug) and its graphs in one step."""
    try:
        return _drop_source(store, source)
    finally:
        forget_generation(store)


def _drop_source(store: GraphStore, source: str) -> DropOutcome:
    with store.write_lock:
        target = resolve_source(catalogued_sources(store), source)
        store.update(
            PREFIXES
            + f"""DELETE {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?src ?p ?o . ?g ?gp ?go }} }}
                  WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{
                    VALUES ?src {{ <{target.iri}> }}
                    {{ ?src ?p ?o }} UNION {{ ?src cdkg:graph ?g . ?g ?gp ?go }} }} }} ;\n"""
            + pending_update(add={g.iri for g in target.graphs}, remove=set())
            + " ;\n"
            + GENERATION_BUMP
        )
        drop_pending(store, {g.iri for g in target.graphs})
        return DropOutcome(
            target.iri,
            target.study,
            target.file,
            len(target.graphs),
            target.triples,
            generation(store),
        )


def _check_entries(study_iri: str, entries: Sequence[SourceEntry]) -> None:
    iris = [study_iri, *(s.iri for s in entries), *(g.iri for s in entries for g in s.graphs)]
    for iri in iris:
        try:
            NamedNode(iri)
        except ValueError as exc:
            raise CatalogueError(f"not a valid IRI: {iri!r} ({exc})") from exc
    graphs = [g.iri for s in entries for g in s.graphs]
    if CATALOGUE_GRAPH in graphs or len(set(graphs)) != len(graphs):
        raise CatalogueError(f"study {study_iri}: graph IRIs must be unique and not the catalogue")
    if len({s.iri for s in entries}) != len(entries):
        raise CatalogueError(f"study {study_iri}: source IRIs must be unique")


def _delete_sources_update(study_iri: str, source_iris: Iterable[str]) -> str:
    values = " ".join(f"<{iri}>" for iri in sorted(source_iris))
    return f"""DELETE {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?src ?p ?o . ?g ?gp ?go }} }}
      WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{
        {{ ?src cdkg:study <{study_iri}> }} UNION {{ VALUES ?src {{ {values} }} }}
        {{ ?src ?p ?o }} UNION {{ ?src cdkg:graph ?g . ?g ?gp ?go }} }} }}"""


def _insert_sources_update(study_iri: str, entries: Sequence[SourceEntry], stamp: str) -> str:
    lines: list[str] = []
    for source in entries:
        src = f"<{source.iri}>"
        lines += [
            f"{src} a cdkg:Source ; cdkg:study <{study_iri}> ;",
            f"  cdkg:file {Literal(source.file)} ; cdkg:sha256 {Literal(source.sha256)} ;",
            f'  cdkg:loadedAt "{stamp}"^^xsd:dateTime .',
        ]
        for graph in source.graphs:
            lines += [
                f"{src} cdkg:graph <{graph.iri}> .",
                f"<{graph.iri}> a cdkg:Graph ; cdkg:accessLevel <{graph.level.iri}> ;",
                f"  void:triples {int(graph.triples)} ; cdkg:source {src} .",
            ]
    body = "\n".join(lines)
    return f"INSERT DATA {{ GRAPH <{CATALOGUE_GRAPH}> {{\n{body}\n}} }}"


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise CatalogueError("loaded_at must carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
