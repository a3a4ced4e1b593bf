"""Pending graphs: the marks that let the next write collect what an interrupted one left behind.

A publish marks the graphs it is about to write, and its switch marks the graphs it retires, in
the catalogue graph itself. Whatever a crash leaves behind is then known to be the catalogue's
own and safe to drop; any other uncatalogued graph was written through the SPARQL Update or Graph
Store protocols and is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Quad, QuerySolutions

from app.store.base import CATALOGUE_GRAPH, CDKG, GraphStore
from app.store.catalogue_read import sources

_PENDING = f"<{CDKG}PendingGraph>"
_CATALOGUE = NamedNode(CATALOGUE_GRAPH)
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def collect_garbage(store: GraphStore) -> tuple[str, ...]:
    """Drop what an interrupted load or drop left behind; return the IRIs of those graphs.

    Only graphs marked as pending (about to be written, or retired by a switch) and that no
    source lists are dropped: graphs written through the SPARQL Update or Graph Store protocols
    are never catalogued, and must survive the next load.
    """
    with store.write_lock:
        keep = {g.iri for s in sources(store) for g in s.graphs} | {CATALOGUE_GRAPH}
        orphans = tuple(sorted(_pending_graphs(store) - keep))
        drop_pending(store, set(orphans))
        stale_marks = _pending_graphs(store) & keep
        if stale_marks:
            _set_pending(store, remove=stale_marks)
        return orphans


def pending_update(*, add: Iterable[str] = (), remove: Iterable[str] = ()) -> str:
    """SPARQL that marks graphs as pending (droppable when uncatalogued) or clears the mark."""

    def block(graphs: Iterable[str]) -> str:
        return " ".join(f"<{g}> {_RDF_TYPE} {_PENDING} ." for g in sorted(graphs))

    return (
        f"DELETE DATA {{ GRAPH <{CATALOGUE_GRAPH}> {{ {block(remove)} }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{CATALOGUE_GRAPH}> {{ {block(add)} }} }}"
    )


def mark_pending(store: GraphStore, graphs: Iterable[str]) -> None:
    """Mark `graphs` as pending before anything is written to them."""
    # Plain quad insertion (one transaction), distinct from the switch's SPARQL update.
    store.add_quads(
        Quad(NamedNode(g), NamedNode(_RDF_TYPE[1:-1]), NamedNode(_PENDING[1:-1]), _CATALOGUE)
        for g in sorted(graphs)
    )


def drop_pending(store: GraphStore, graphs: set[str]) -> None:
    """Drop `graphs`, then clear their pending marks."""
    for graph in sorted(graphs):
        store.drop_graph(graph)
    if graphs:
        _set_pending(store, remove=graphs)


def _set_pending(store: GraphStore, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    store.update(pending_update(add=add, remove=remove))


def _pending_graphs(store: GraphStore) -> set[str]:
    result = store.query(
        f"SELECT ?g WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?g {_RDF_TYPE} {_PENDING} }} }}"
    )
    assert isinstance(result, QuerySolutions)
    return {row["g"].value for row in result}
