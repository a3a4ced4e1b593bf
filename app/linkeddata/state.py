"""What the linked-data layer keeps per application: the vocabulary, the templates, and
results that cost a scan of the store, each kept until the store's generation changes.

It lives on `app.state` (created on first use by `get_linked_data`), or is built directly by
`cdkg publish`; nothing is opened at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

from fastapi import Request

from app.linkeddata.iris import IriMap, read_iri_map
from app.linkeddata.render import Renderer
from app.linkeddata.vocab import Vocabulary
from app.store.base import AccessLevel, GraphStore
from app.store.catalogue import known_generation, visible_graphs

T = TypeVar("T")


@dataclass(frozen=True)
class Reader:
    """One reader's view of the store: the graphs of their level and the studies in them."""

    store: GraphStore
    level: AccessLevel
    generation: int
    graphs: tuple[str, ...]
    iris: IriMap
    vocabulary: Vocabulary


class LinkedData:
    def __init__(self, ontology_dir: Path) -> None:
        self.ontology_dir = ontology_dir
        self.renderer = Renderer()
        self._vocabulary: Vocabulary | None = None
        self._lock = threading.Lock()
        self._cache: dict[tuple[object, ...], tuple[object, object]] = {}

    @property
    def vocabulary(self) -> Vocabulary:
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.from_file(self.ontology_dir / "cdo.ttl")
        return self._vocabulary

    def reader(self, store: GraphStore, level: AccessLevel) -> Reader:
        current = known_generation(store)
        graphs = visible_graphs(store, level)
        iris = self.cached(("iris", level), current, lambda: read_iri_map(store, graphs))
        return Reader(store, level, current, graphs, iris, self.vocabulary)

    def cached(self, key: tuple[object, ...], current: object, build: Callable[[], T]) -> T:
        """`build()`'s result, kept until the generation (or whatever version `current`
        names) moves on."""
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == current:
            return cast(T, hit[1])
        value = build()
        with self._lock:
            self._cache[key] = (current, value)
        return value


def get_linked_data(request: Request) -> LinkedData:
    """FastAPI dependency: the app's linked-data state, created on first use."""
    state = request.app.state
    found: LinkedData | None = getattr(state, "linked_data", None)
    if found is None:
        found = LinkedData(state.settings.ontology_dir)
        state.linked_data = found
    return found
