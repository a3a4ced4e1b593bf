"""The catalogue: which named graphs hold which source of which study, at which access level.

Readers only ever query graphs the catalogue lists; that one rule is what lets a load be all or
nothing. The catalogue's parts live in modules of their own, and this module gathers their public
names so callers import from one place:

- `app.store.catalogue_types`: entries, outcomes and errors;
- `app.store.catalogue_read`: the sources and graphs listed, and finding a source by name;
- `app.store.generation`: the generation counter and what this process remembers of it;
- `app.store.publishing`: publishing a study and dropping a source, each in one switch;
- `app.store.pending`: the marks that let the next write collect an interrupted one's graphs.

Terms and shapes: docs/model.md.
"""

from app.store.catalogue_read import VOID, XSD, holds, resolve_source, sources
from app.store.catalogue_types import (
    AmbiguousSource,
    CatalogueError,
    DropOutcome,
    GraphEntry,
    PublishOutcome,
    SourceEntry,
    SourceInfo,
    UnknownSource,
)
from app.store.generation import (
    GENERATION_BUMP,
    GENERATION_BUMP_IF_CATALOGUED,
    forget_generation,
    generation,
    known_generation,
    visible_graphs,
)
from app.store.pending import collect_garbage
from app.store.publishing import drop_source, publish_study

__all__ = [
    "GENERATION_BUMP",
    "GENERATION_BUMP_IF_CATALOGUED",
    "VOID",
    "XSD",
    "AmbiguousSource",
    "CatalogueError",
    "DropOutcome",
    "GraphEntry",
    "PublishOutcome",
    "SourceEntry",
    "SourceInfo",
    "UnknownSource",
    "collect_garbage",
    "drop_source",
    "forget_generation",
    "generation",
    "holds",
    "known_generation",
    "publish_study",
    "resolve_source",
    "sources",
    "visible_graphs",
]
