"""The store interface every backend implements.

Kept small on purpose so that a remote SPARQL 1.1 server (speaking the SPARQL Protocol and the
Graph Store Protocol) can implement it later: every method maps onto one protocol request.
Results are pyoxigraph's own result objects; a remote backend builds them with
`pyoxigraph.parse_query_results`, so callers never care where the data lives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from enum import IntEnum
from typing import IO, Protocol

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
    Variable,
)

QueryResult = QuerySolutions | QueryBoolean | QueryTriples
Term = NamedNode | BlankNode | Literal | Triple

CATALOGUE_GRAPH = "urn:cdkg:catalogue"
STORE_NODE = "urn:cdkg:store"
CDKG = "https://w3id.org/cdkg/catalogue#"
CDO = "https://w3id.org/cdkg/ontology#"


class AccessLevel(IntEnum):
    """Ordered access levels: a reader at level L sees every graph at level <= L."""

    PUBLIC = 0
    RESTRICTED = 1
    CONFIDENTIAL = 2

    @property
    def iri(self) -> str:
        return CDO + self.name.capitalize()

    @property
    def slug(self) -> str:
        return self.name.lower()

    @classmethod
    def from_slug(cls, value: str) -> AccessLevel:
        return cls[value.upper()]

    @classmethod
    def from_iri(cls, iri: str) -> AccessLevel:
        if not iri.startswith(CDO):
            raise ValueError(f"not an access level IRI: <{iri}>")
        return cls[iri.removeprefix(CDO).upper()]


class StoreError(Exception):
    """The store cannot be opened or read; the message says which store and why."""


class StoreLocked(StoreError):
    """Another process holds the store open for writing (RocksDB allows one writer)."""


class StoreNotFound(StoreError):
    """A read-only open was asked for a store that does not exist."""


class GraphStore(Protocol):
    """What cdkg needs from a quad store."""

    @property
    def write_lock(self) -> AbstractContextManager[object]:
        """Held around multi-step writes (bulk load, catalogue switch, drop) in this process so
        that two of them never interleave; readers never take it."""
        ...

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[Variable, Term] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query. `default_graphs`/`named_graphs`, when given, fix that part of the
        dataset (overriding FROM / FROM NAMED in the text; an empty sequence means no graph);
        None leaves it to the text, else the store's default graph / all named graphs.
        Raises SyntaxError when the text does not parse."""
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update (all its operations) in one transaction."""
        ...

    def load_graph(self, graph: str, data: bytes | IO[bytes], fmt: RdfFormat) -> None:
        """Bulk-load triples into `graph` (fast, NOT transactional: load into fresh graphs)."""
        ...

    def bulk_load_quads(
        self, data: IO[bytes], progress: Callable[[int], None] | None = None
    ) -> None:
        """Bulk-load N-Quads (graph names inside the data); fast, NOT transactional.
        `progress`, when given, is called with the number of bytes loaded so far."""
        ...

    def add_quads(self, quads: Iterable[Quad]) -> None:
        """Add quads in one transaction."""
        ...

    def replace_graph(self, graph: str, data: bytes, fmt: RdfFormat) -> None:
        """Replace the content of `graph` in one transaction."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove `graph` and its triples (no error when absent)."""
        ...

    def graph_names(self) -> list[str]:
        """Every named graph in the store, catalogued or not."""
        ...

    def dump(self, out: IO[bytes], fmt: RdfFormat, *, graph: str | None = None) -> None:
        """Serialise the store (or one graph) to `out`."""
        ...

    def size_bytes(self) -> int | None:
        """Space the store takes on disk; 0 in memory, None when unknown (a remote store)."""
        ...

    def close(self) -> None:
        """Flush and release the store."""
        ...
