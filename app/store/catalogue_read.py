"""Reading the catalogue: which sources are listed, with which graphs, and finding one by name.

Every answer comes from the catalogue graph alone, so what it reports is what readers see:
graphs that are written but not yet switched in, or retired but not yet dropped, are not listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import PurePosixPath

from pyoxigraph import QuerySolutions

from app.store.base import CATALOGUE_GRAPH, CDKG, AccessLevel, GraphStore
from app.store.catalogue_types import (
    AmbiguousSource,
    CatalogueError,
    GraphEntry,
    SourceEntry,
    SourceInfo,
    UnknownSource,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
VOID = "http://rdfs.org/ns/void#"
PREFIXES = f"PREFIX cdkg: <{CDKG}>\nPREFIX void: <{VOID}>\nPREFIX xsd: <{XSD}>\n"


def select(store: GraphStore, sparql: str) -> list[tuple[str, ...]]:
    """Run a catalogue SELECT; every cell as its lexical value ('' when unbound)."""
    result = store.query(PREFIXES + sparql)
    if not isinstance(result, QuerySolutions):
        raise CatalogueError("catalogue query did not return solutions")
    return [tuple("" if term is None else term.value for term in row) for row in result]


def sources(store: GraphStore) -> list[SourceInfo]:
    """Every catalogued source with its graphs, ordered by study and file."""
    rows = select(
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


def resolve_source(candidates: Sequence[SourceInfo], name: str) -> SourceInfo:
    """The one source among `candidates` that `name` means: its IRI, its file path as
    catalogued, its slug, or a path that ends with the catalogued one, tried in that order."""
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


def _same_content(current: Sequence[SourceInfo], new: Sequence[SourceEntry]) -> bool:
    def key(iri: str, file: str, sha: str, graphs: Iterable[GraphEntry]) -> tuple[object, ...]:
        return (iri, file, sha, frozenset(graphs))

    return bool(current) and {key(s.iri, s.file, s.sha256, s.graphs) for s in current} == {
        key(s.iri, s.file, s.sha256, s.graphs) for s in new
    }


def _ends_with(path: PurePosixPath, suffix: PurePosixPath) -> bool:
    n = len(suffix.parts)
    return n > 0 and path.parts[-n:] == suffix.parts
