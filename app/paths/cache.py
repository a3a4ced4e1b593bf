"""One projection per store and access level, rebuilt only when the catalogue's generation moves.

Every write bumps the generation in the same transaction as the data (app.store.catalogue), so a
projection tagged with the generation read before it was built is never newer than the data it
holds; a write during a build leaves it one generation behind, and the next request rebuilds it.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

from app.paths.projection import Projection, build_projection
from app.paths.vocabulary import ontology_labels
from app.store.base import AccessLevel, GraphStore
from app.store.catalogue import known_generation


class _StoreProjections:
    def __init__(self) -> None:
        self.built: dict[AccessLevel, Projection] = {}
        self.locks = {level: threading.Lock() for level in AccessLevel}


_by_store: weakref.WeakKeyDictionary[GraphStore, _StoreProjections] = weakref.WeakKeyDictionary()
_by_store_lock = threading.Lock()


def get_projection(store: GraphStore, level: AccessLevel, ontology_file: Path) -> Projection:
    """The projection of what `level` may see in `store`, as of the store's current generation."""
    with _by_store_lock:
        entry = _by_store.get(store)
        if entry is None:
            entry = _by_store[store] = _StoreProjections()
    current = known_generation(store)
    found = entry.built.get(level)
    if found is not None and found.generation == current:
        return found
    # One build per level at a time: concurrent requests wait for it instead of repeating it.
    with entry.locks[level]:
        found = entry.built.get(level)
        if found is None or found.generation != known_generation(store):
            found = build_projection(store, level, ontology_labels(ontology_file))
            entry.built[level] = found
        return found
