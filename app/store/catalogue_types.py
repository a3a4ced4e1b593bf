"""What the catalogue holds and answers, as plain values, and the errors its operations raise.

An entry names a graph or a source file as the catalogue lists it (docs/model.md, "Catalogue");
an outcome tells the caller of a publish or drop what changed and at which generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.store.base import AccessLevel


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
class PublishOutcome:
    study_iri: str
    unchanged: bool
    graphs_written: int
    triples: int
    generation: int


@dataclass(frozen=True)
class DropOutcome:
    source_iri: str
    study_iri: str
    file: str
    graphs_dropped: int
    triples: int
    generation: int
