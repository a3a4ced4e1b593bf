"""The catalogue's generation: a counter every catalogue write bumps in its own transaction, and
what this process remembers of it (the generation itself, and the graphs each level may see).

The old graphs are dropped right after a publish's switch, so a reader in the same process that
read the graph list just before it may query graphs that are gone by then (an empty answer, never
a mixed one); comparing `generation()` before and after its query tells it to ask again.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

from app.store.base import CATALOGUE_GRAPH, CDKG, STORE_NODE, AccessLevel, GraphStore
from app.store.catalogue_read import select

_GENERATION_OLD = f"GRAPH <{CATALOGUE_GRAPH}> {{ <{STORE_NODE}> <{CDKG}generation> ?old }}"


def _bump(where: str) -> str:
    """Replace the generation ?old by ?new, with `where` binding both."""
    new = _GENERATION_OLD.replace("?old", "?new")
    return f"DELETE {{ {_GENERATION_OLD} }}\nINSERT {{ {new} }}\nWHERE {{ {where} }}"


# Appended to a write so that it and the generation bump commit in one transaction.
GENERATION_BUMP = _bump(f"OPTIONAL {{ {_GENERATION_OLD} }} BIND (COALESCE(?old + 1, 1) AS ?new)")
# The bump after a SPARQL or Graph Store update: a store that has never been loaded has no
# catalogue, hence nothing cached from one, and an update must not create one there (the
# update would leave a bookkeeping graph in a dataset its author expects to hold only theirs).
GENERATION_BUMP_IF_CATALOGUED = _bump(f"{_GENERATION_OLD} BIND (?old + 1 AS ?new)")


def generation(store: GraphStore) -> int:
    """The catalogue's generation: 0 for a fresh store, bumped by every catalogue write."""
    rows = select(
        store,
        f"SELECT ?n WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{ <{STORE_NODE}> cdkg:generation ?n }} }}",
    )
    return max((int(row[0]) for row in rows), default=0)


def known_generation(store: GraphStore) -> int:
    """`generation(store)`, read once and then remembered until this process reports a write
    to the store (`forget_generation`).

    This spares every request a catalogue query. It is sound because a store on disk admits one
    writer: while a server holds it, every write is this process's own, and each write path
    reports itself (publishing and dropping in `app.store.publishing`, SPARQL and Graph Store
    updates in the query executors). Code that writes to the catalogue graph any other way must
    call `forget_generation` after it.
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


def _read_levels(store: GraphStore) -> tuple[int, dict[str, AccessLevel]]:
    # One query, one snapshot: the generation and the graph list always belong together.
    rows = select(
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


# Keyed weakly so that a closed store's memory goes with it; one lock guards the table itself,
# each entry's own lock guards its contents.
_caches: weakref.WeakKeyDictionary[GraphStore, _LevelCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_for(store: GraphStore) -> _LevelCache:
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = _LevelCache(threading.Lock())
        return cache
