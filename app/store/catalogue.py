"""The catalogue: which named graphs hold which source of which study, at which access level.

Readers only ever query graphs the catalogue lists, so a load can bulk-write fresh graphs (fast,
not transactional) where nobody looks, then switch the catalogue to them in one small SPARQL
update. A crash before the switch leaves the old catalogue, hence every reader's view, intact;
the graphs it left behind are collected by the next write. Terms and shapes: docs/model.md.

The old graphs are dropped right after the switch, so a reader in the same process that read
the graph list just before it may query graphs that are gone by then (an empty answer, never a
mixed one); comparing `generation()` before and after its query tells it to ask again.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import IO

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions

from app.store.base import CATALOGUE_GRAPH, CDKG, STORE_NODE, AccessLevel, GraphStore

XSD = "http://www.w3.org/2001/XMLSchema#"
VOID = "http://rdfs.org/ns/void#"
_PREFIXES = f"PREFIX cdkg: <{CDKG}>\nPREFIX void: <{VOID}>\nPREFIX xsd: <{XSD}>\n"

# Appended to a write so that it and the generation bump commit in one transaction.
_GENERATION_OLD = f"GRAPH <{CATALOGUE_GRAPH}> {{ <{STORE_NODE}> <{CDKG}generation> ?old }}"
GENERATION_BUMP = (
    f"DELETE {{ {_GENERATION_OLD} }}\n"
    f"INSERT {{ {_GENERATION_OLD.replace('?old', '?new')} }}\n"
    f"WHERE {{ OPTIONAL {{ {_GENERATION_OLD} }} BIND (COALESCE(?old + 1, 1) AS ?new) }}"
)


class CatalogueError(Exception):
    """A catalogue operation was asked for something inconsistent or missing."""


class UnknownSource(CatalogueError):
    """No catalogued source matches what was named."""


class AmbiguousSource(CatalogueError):
    """Several catalogued sources match what was named."""


@dataclass(frozen=True)
class GraphEntry:
    iri: str
    level: AccessLevel
    triples: int


@dataclass(frozen=True)
class SourceEntry:
    iri: str
    file: str
    sha256: str
    graphs: tuple[GraphEntry, ...]


@dataclass(frozen=True)
class PublishOutcome:
    study_iri: str
    unchanged: bool
    graphs_written: int
    triples: int
    generation: int


@dataclass(frozen=True)
class SourceInfo:
    """A catalogued source as read back from the store."""

    iri: str
    study: str
    file: str
    sha256: str
    loaded_at: datetime
    graphs: tuple[GraphEntry, ...]

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/source/", 1)[-1]


@dataclass(frozen=True)
class DropOutcome:
    source_iri: str
    study_iri: str
    file: str
    graphs_dropped: int
    triples: int
    generation: int


def generation(store: GraphStore) -> int:
    """The catalogue's generation: 0 for a fresh store, bumped by every catalogue write."""
    rows = _select(
        store,
        f"SELECT ?n WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{ <{STORE_NODE}> cdkg:generation ?n }} }}",
    )
    return max((int(row[0]) for row in rows), default=0)


def known_generation(store: GraphStore) -> int:
    """`generation(store)`, read once and then remembered until this process reports a write
    to the store (`forget_generation`).

    This spares every request a catalogue query. It is sound because a store on disk admits one
    writer: while a server holds it, every write is this process's own, and each write path
    reports itself (publishing and dropping here, SPARQL and Graph Store updates in the query
    executors). Code that writes to the catalogue graph any other way must call
    `forget_generation` after it.
    """
    cache = _cache_for(store)
    with cache.lock:
        if cache.known is not None:
            return cache.known
        writes = cache.writes
    current = generation(store)
    with cache.lock:
        # A write reported while we read may not be in what we read: keep nothing then.
        if cache.writes == writes:
            cache.known = current
    return current


def forget_generation(store: GraphStore) -> None:
    """Report a write to `store`: the next `known_generation` reads the catalogue again."""
    cache = _cache_for(store)
    with cache.lock:
        cache.known = None
        cache.writes += 1


def visible_graphs(store: GraphStore, level: AccessLevel) -> tuple[str, ...]:
    """Catalogued graphs a reader at `level` may see, sorted; cached per generation."""
    cache = _cache_for(store)
    current = known_generation(store)
    with cache.lock:
        if cache.generation != current:
            cache.generation, cache.levels = _read_levels(store)
            cache.by_level = {}
        found = cache.by_level.get(level)
        if found is None:
            found = tuple(
                sorted(iri for iri, graph_level in cache.levels.items() if graph_level <= level)
            )
            cache.by_level[level] = found
        return found


def sources(store: GraphStore) -> list[SourceInfo]:
    """Every catalogued source with its graphs, ordered by study and file."""
    rows = _select(
        store,
        f"""SELECT ?src ?study ?file ?sha ?at ?g ?level ?n WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{
              ?src a cdkg:Source ; cdkg:study ?study ; cdkg:file ?file ; cdkg:sha256 ?sha ;
                   cdkg:loadedAt ?at .
              OPTIONAL {{ ?src cdkg:graph ?g . ?g cdkg:accessLevel ?level ; void:triples ?n }}
            }} }}""",
    )
    found: dict[str, tuple[str, str, str, datetime, list[GraphEntry]]] = {}
    for src, study, file, sha, at, graph, level, triples in rows:
        entry = found.setdefault(src, (study, file, sha, datetime.fromisoformat(at), []))
        if graph:
            entry[4].append(GraphEntry(graph, AccessLevel.from_iri(level), int(triples)))
    infos = [
        SourceInfo(iri, study, file, sha, at, tuple(sorted(graphs, key=lambda g: g.iri)))
        for iri, (study, file, sha, at, graphs) in found.items()
    ]
    return sorted(infos, key=lambda s: (s.study, s.file, s.iri))


def holds(store: GraphStore, study_iri: str, entries: Sequence[SourceEntry]) -> bool:
    """Whether the catalogue already lists exactly `entries` for `study_iri` (same files, same
    checksums, same graphs): publishing them would write nothing."""
    wanted = {s.iri for s in entries}
    current = [s for s in sources(store) if s.study == study_iri or s.iri in wanted]
    return _same_content(current, entries)


def publish_study(
    store: GraphStore,
    study_iri: str,
    sources: Sequence[SourceEntry],
    nquads: IO[bytes],
    loaded_at: datetime,
) -> PublishOutcome:
    """Make `sources` (whose quads are `nquads`) the catalogued content of `study_iri`.

    All or nothing: readers see the old study or the new one, never a mix, whatever the moment
    the process dies. Publishing what is already catalogued writes nothing, so loading the same
    files twice leaves exactly the same quads (load times included).
    """
    try:
        return _publish_study(store, study_iri, sources, nquads, loaded_at)
    finally:
        forget_generation(store)


def _publish_study(
    store: GraphStore,
    study_iri: str,
    sources: Sequence[SourceEntry],
    nquads: IO[bytes],
    loaded_at: datetime,
) -> PublishOutcome:
    _check_entries(study_iri, sources)
    stamp = _timestamp(loaded_at)
    new_sources = {s.iri for s in sources}
    new_graphs = {g.iri for s in sources for g in s.graphs}
    with store.write_lock:
        collect_garbage(store)
        if holds(store, study_iri, sources):
            return PublishOutcome(study_iri, True, 0, 0, generation(store))
        current = [s for s in _all_sources(store) if s.study == study_iri or s.iri in new_sources]
        old_graphs = {g.iri for s in current for g in s.graphs}
        retired = old_graphs - new_graphs
        # Marked before writing, so that whatever a crash leaves behind is known to be ours.
        _mark_pending(store, new_graphs)
        store.bulk_load_quads(nquads)
        store.update(
            _PREFIXES
            + _delete_sources_update(study_iri, new_sources)
            + " ;\n"
            + _insert_sources_update(study_iri, sources, stamp)
            + " ;\n"
            + _pending_update(add=retired, remove=new_graphs)
            + " ;\n"
            + GENERATION_BUMP
        )
        _drop_pending(store, retired)
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
        target = _resolve_source(_all_sources(store), source)
        store.update(
            _PREFIXES
            + f"""DELETE {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?src ?p ?o . ?g ?gp ?go }} }}
                  WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{
                    VALUES ?src {{ <{target.iri}> }}
                    {{ ?src ?p ?o }} UNION {{ ?src cdkg:graph ?g . ?g ?gp ?go }} }} }} ;\n"""
            + _pending_update(add={g.iri for g in target.graphs}, remove=set())
            + " ;\n"
            + GENERATION_BUMP
        )
        _drop_pending(store, {g.iri for g in target.graphs})
        return DropOutcome(
            target.iri,
            target.study,
            target.file,
            len(target.graphs),
            target.triples,
            generation(store),
        )


def collect_garbage(store: GraphStore) -> tuple[str, ...]:
    """Drop what an interrupted load or drop left behind; return the IRIs of those graphs.

    Only graphs this module marked as pending (about to be written, or retired by a switch)
    and that no source lists are dropped: graphs written through the SPARQL Update or Graph
    Store protocols are never catalogued, and must survive the next load.
    """
    with store.write_lock:
        keep = {g.iri for s in _all_sources(store) for g in s.graphs} | {CATALOGUE_GRAPH}
        orphans = tuple(sorted(_pending_graphs(store) - keep))
        _drop_pending(store, set(orphans))
        stale_marks = _pending_graphs(store) & keep
        if stale_marks:
            _set_pending(store, remove=stale_marks)
        return orphans


_PENDING = f"<{CDKG}PendingGraph>"
_CATALOGUE = NamedNode(CATALOGUE_GRAPH)
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _pending_update(*, add: Iterable[str] = (), remove: Iterable[str] = ()) -> str:
    """SPARQL that marks graphs as pending (droppable when uncatalogued) or clears the mark."""

    def block(graphs: Iterable[str]) -> str:
        return " ".join(f"<{g}> {_RDF_TYPE} {_PENDING} ." for g in sorted(graphs))

    return (
        f"DELETE DATA {{ GRAPH <{CATALOGUE_GRAPH}> {{ {block(remove)} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{CATALOGUE_GRAPH}> {{ {block(add)} }} }}"
    )


def _set_pending(store: GraphStore, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    store.update(_pending_update(add=add, remove=remove))


def _mark_pending(store: GraphStore, graphs: Iterable[str]) -> None:
    # Plain quad insertion (one transaction), distinct from the switch's SPARQL update.
    store.add_quads(
        Quad(NamedNode(g), NamedNode(_RDF_TYPE[1:-1]), NamedNode(_PENDING[1:-1]), _CATALOGUE)
        for g in sorted(graphs)
    )


def _drop_pending(store: GraphStore, graphs: set[str]) -> None:
    for graph in sorted(graphs):
        store.drop_graph(graph)
    if graphs:
        _set_pending(store, remove=graphs)


def _pending_graphs(store: GraphStore) -> set[str]:
    result = store.query(
        f"SELECT ?g WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?g {_RDF_TYPE} {_PENDING} }} }}"
    )
    assert isinstance(result, QuerySolutions)
    return {row["g"].value for row in result}


def _all_sources(store: GraphStore) -> list[SourceInfo]:
    # publish_study's `sources` argument shadows `sources()` inside it.
    return sources(store)


def _same_content(current: Sequence[SourceInfo], new: Sequence[SourceEntry]) -> bool:
    def key(iri: str, file: str, sha: str, graphs: Iterable[GraphEntry]) -> tuple[object, ...]:
        return (iri, file, sha, frozenset(graphs))

    return bool(current) and {key(s.iri, s.file, s.sha256, s.graphs) for s in current} == {
        key(s.iri, s.file, s.sha256, s.graphs) for s in new
    }


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


def _resolve_source(candidates: Sequence[SourceInfo], name: str) -> SourceInfo:
    wanted = PurePosixPath(name.replace("\\", "/"))
    for match in (
        lambda s: s.iri == name,
        lambda s: s.file == name,
        lambda s: s.slug == name,
        lambda s: _ends_with(wanted, PurePosixPath(s.file)),
    ):
        hits = [s for s in candidates if match(s)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listed = ", ".join(s.iri for s in hits)
            raise AmbiguousSource(f"{name!r} matches several sources: {listed}; name one by IRI")
    raise UnknownSource(f"no catalogued source matches {name!r} (`cdkg sources` lists them)")


def _ends_with(path: PurePosixPath, suffix: PurePosixPath) -> bool:
    n = len(suffix.parts)
    return n > 0 and path.parts[-n:] == suffix.parts


def _select(store: GraphStore, sparql: str) -> list[tuple[str, ...]]:
    """Run a catalogue SELECT; every cell as its lexical value ('' when unbound)."""
    result = store.query(_PREFIXES + sparql)
    if not isinstance(result, QuerySolutions):
        raise CatalogueError("catalogue query did not return solutions")
    return [tuple("" if term is None else term.value for term in row) for row in result]


def _read_levels(store: GraphStore) -> tuple[int, dict[str, AccessLevel]]:
    # One query, one snapshot: the generation and the graph list always belong together.
    rows = _select(
        store,
        f"""SELECT ?n ?g ?level WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{
              {{ <{STORE_NODE}> cdkg:generation ?n }}
              UNION {{ ?g a cdkg:Graph ; cdkg:accessLevel ?level }} }} }}""",
    )
    gen = max((int(n) for n, _g, _l in rows if n), default=0)
    return gen, {g: AccessLevel.from_iri(level) for _n, g, level in rows if g}


@dataclass
class _LevelCache:
    lock: threading.Lock
    generation: int = -1
    levels: dict[str, AccessLevel] = field(default_factory=dict)
    by_level: dict[AccessLevel, tuple[str, ...]] = field(default_factory=dict)
    # The generation as last read; None once a write has been reported since.
    known: int | None = None
    # Writes reported so far: a read that overlapped one is not remembered.
    writes: int = 0


_caches: weakref.WeakKeyDictionary[GraphStore, _LevelCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_for(store: GraphStore) -> _LevelCache:
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = _LevelCache(threading.Lock())
        return cache
