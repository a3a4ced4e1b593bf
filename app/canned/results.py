"""Run a canned query over a viewer's dataset and cut one page out of its solutions.

Every canned query has an ORDER BY, so `offset`/`limit` pages are stable: the same store gives
the same rows on the same page. One row past the page is read to tell whether more follow.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Triple,
    parse_query_results,
)

from app.canned.params import XSD, Binding
from app.canned.registry import CannedQuery
from app.sparql.execution import Dataset, QueryError, QueryExecutor, QueryJob
from app.sparql.substitutions import encode_substitutions
from app.store.base import GraphStore, QueryResult

Cell = NamedNode | BlankNode | Literal | Triple | None
Plain = str | int | float | bool | None

DEFAULT_LIMIT = 100
_INTEGERS = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}
_NUMBERS = {XSD + "decimal", XSD + "double", XSD + "float"}
# Shown in compact form in tables; links keep the full IRI.
_SHORT = {
    "https://w3id.org/cdkg/ontology#": "cdo:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/ns/org#": "org:",
    "https://w3id.org/dpv#": "dpv:",
}
_BOOLEAN = XSD + "boolean"


class CannedQueryFailed(QueryError):
    """The engine stopped a canned query with an error (message from pyoxigraph)."""


@dataclass(frozen=True)
class Page:
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    offset: int
    limit: int | None
    truncated: bool  # more rows follow this page

    def plain_rows(self) -> Iterator[dict[str, Plain]]:
        for row in self.rows:
            yield {name: plain(cell) for name, cell in zip(self.columns, row, strict=True)}

    @property
    def next_offset(self) -> int | None:
        if not self.truncated or self.limit is None:
            return None
        return self.offset + self.limit


def run_page(
    store: GraphStore,
    query: CannedQuery,
    binding: Binding,
    dataset: Dataset,
    *,
    offset: int = 0,
    limit: int | None = DEFAULT_LIMIT,
    executor: QueryExecutor | None = None,
) -> Page:
    """The rows `offset` .. `offset + limit` of `query` (all from `offset` when limit is None).

    With an `executor` the query runs where the service runs every query (worker processes with
    the time limit, for the server); without one it runs on `store` directly (the local CLI).
    """
    result: QueryResult
    try:
        if executor is not None:
            result = _through_executor(executor, query, binding, dataset, offset, limit)
        else:
            result = store.query(
                query.text,
                default_graphs=dataset.default_graphs,
                named_graphs=dataset.named_graphs,
                substitutions=binding.terms,
            )
        if not isinstance(result, QuerySolutions):
            raise CannedQueryFailed(f"the canned query {query.name!r} did not return a table")
        columns = tuple(v.value for v in result.variables)
        solutions = iter(result)
        for _skipped in islice(solutions, offset):
            pass
        wanted = solutions if limit is None else islice(solutions, limit + 1)
        rows = [tuple(solution[i] for i in range(len(columns))) for solution in wanted]
    except (OSError, RuntimeError, ValueError) as exc:
        raise CannedQueryFailed(f"the canned query {query.name!r} failed: {exc}") from None
    truncated = limit is not None and len(rows) > limit
    return Page(columns, rows[:limit] if truncated else rows, offset, limit, truncated)


def _through_executor(
    executor: QueryExecutor,
    query: CannedQuery,
    binding: Binding,
    dataset: Dataset,
    offset: int,
    limit: int | None,
) -> QuerySolutions | QueryBoolean:
    job = QueryJob(
        query.text,
        dataset,
        solutions_media_type=_RESULTS_JSON,
        # One row past the page tells whether another page follows.
        row_limit=None if limit is None else offset + limit + 1,
        substitutions=encode_substitutions(binding.terms),
    )
    output = executor.run_query(job)
    body = output.body if output.body is not None else b"".join(output.chunks)
    return parse_query_results(body, format=QueryResultsFormat.JSON)


_RESULTS_JSON = "application/sparql-results+json"


def plain(cell: Cell) -> Plain:
    """A cell as a JSON value: IRIs and texts as strings, numbers and booleans as such."""
    if cell is None:
        return None
    if isinstance(cell, NamedNode):
        return cell.value
    if isinstance(cell, BlankNode):
        return f"_:{cell.value}"
    if isinstance(cell, Literal):
        datatype = cell.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(cell.value)
            if datatype in _NUMBERS:
                number = float(cell.value)
                # JSON has no NaN or infinity: keep their lexical form.
                return number if math.isfinite(number) else cell.value
        except ValueError:
            return cell.value
        if datatype == _BOOLEAN:
            return cell.value in ("true", "1")
        return cell.value
    return str(cell)


def display(cell: Cell) -> str:
    """A cell as text for people: vocabulary IRIs prefixed, booleans as yes/no."""
    if isinstance(cell, NamedNode):
        return compact_iri(cell.value)
    value = plain(cell)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def compact_iri(iri: str) -> str:
    """`cdo:EmailMedium` for a vocabulary IRI; other IRIs unchanged."""
    for full, short in _SHORT.items():
        if iri.startswith(full) and iri != full:
            return short + iri[len(full) :]
    return iri
