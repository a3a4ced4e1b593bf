"""The contract between the HTTP layer and whatever runs queries.

The protocol layer (`app/sparql/protocol*.py`, `app/routers/sparql.py`) parses a request, decides
the dataset the caller may see and the result media type, then hands a `QueryJob` to a
`QueryExecutor`. Executors run the query where it can be stopped (time limit), cap rows, and
serialise the result in Rust (pyoxigraph), returning an iterator of byte chunks so large results
stream without being held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

ResultKind = Literal["solutions", "boolean", "graph"]

# In a `Dataset`, this name stands for the store's own default graph (which has no IRI).
STORE_DEFAULT_GRAPH = ""


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs against; None means "the store's own"."""

    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class QueryJob:
    query: str
    dataset: Dataset = field(default_factory=Dataset)
    base_iri: str | None = None
    # Media type to serialise into, chosen by content negotiation per result kind.
    solutions_media_type: str = "application/sparql-results+json"
    boolean_media_type: str = "application/sparql-results+json"
    graph_media_type: str = "text/turtle"
    row_limit: int | None = None
    timeout_s: float | None = None
    # Variables bound to RDF terms before evaluation (name, term in N-Triples syntax); see
    # app.sparql.substitutions. Never spliced into `query`.
    substitutions: tuple[tuple[str, str], ...] = ()


@dataclass
class QueryOutput:
    kind: ResultKind
    media_type: str
    chunks: Iterator[bytes]
    # Set once `chunks` is exhausted: True when the row cap cut the result short.
    truncated: bool = False
    # The whole result when it is already in memory (then `chunks` yields exactly it): the
    # HTTP layer sends it in one piece instead of streaming.
    body: bytes | None = None


@dataclass(frozen=True)
class UpdateJob:
    update: str
    base_iri: str | None = None
    timeout_s: float | None = None


class QueryError(Exception):
    """Base class of errors a query or update can end with."""


class QuerySyntaxError(QueryError):
    """The text does not parse; `message` carries the parser's message and position."""


class QueryRefused(QueryError):
    """The text parses but asks for something cdkg never does (SERVICE, LOAD, ...)."""


class QueryTimeout(QueryError):
    """The time limit ran out; the work was stopped."""


class ServerBusy(QueryError):
    """Too many heavy queries are running; try again later."""


class QueryExecutor(Protocol):
    def run_query(self, job: QueryJob) -> QueryOutput: ...

    async def run_query_async(self, job: QueryJob) -> QueryOutput:
        """`run_query` without blocking the running event loop."""
        ...

    def run_update(self, job: UpdateJob) -> None: ...

    def close(self) -> None: ...
