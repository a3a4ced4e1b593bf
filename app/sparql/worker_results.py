"""Serialise one query result into bytes, in Rust, honouring the row cap.

Shared by the worker processes and the in-process executor, so both answer byte for byte alike.
Rows are never built in Python: pyoxigraph writes every format itself.
"""

from __future__ import annotations

import contextlib
import itertools
from dataclasses import dataclass
from typing import IO, Protocol, cast

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse_query_results,
    serialize,
)

from app.sparql.execution import QueryJob, ResultKind

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


class Sink(Protocol):
    """Where bytes go: pyoxigraph only ever calls `write` and `flush`."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


def _io(sink: Sink) -> IO[bytes]:
    # pyoxigraph's stubs ask for IO[bytes], but it only uses the two methods of Sink.
    return cast(IO[bytes], sink)


class UnsupportedMediaType(ValueError):
    """The job asks for a media type pyoxigraph cannot write for this kind of result."""


@dataclass(frozen=True)
class Written:
    kind: ResultKind
    media_type: str
    truncated: bool


def write_result(result: QueryResult, job: QueryJob, out: Sink) -> Written:
    """Write `result` to `out` in the media type `job` chose for its kind."""
    target = _io(out)
    if isinstance(result, QuerySolutions):
        media_type = job.solutions_media_type
        fmt = _results_format(media_type, "solutions")
        truncated = (
            _write_capped_solutions(result, fmt, job.row_limit, out)
            if job.row_limit is not None
            else _write_all(result, fmt, target)
        )
        return Written("solutions", media_type, truncated)
    if isinstance(result, QueryBoolean):
        media_type = job.boolean_media_type
        result.serialize(target, _results_format(media_type, "boolean"))
        return Written("boolean", media_type, False)
    media_type = job.graph_media_type
    rdf_format = RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        raise UnsupportedMediaType(f"cannot write a graph result as {media_type!r}")
    if job.row_limit is None:
        result.serialize(target, rdf_format)
        return Written("graph", media_type, False)
    triples = iter(result)
    serialize(itertools.islice(triples, job.row_limit), target, rdf_format)
    return Written("graph", media_type, next(triples, None) is not None)


def _results_format(media_type: str, kind: str) -> QueryResultsFormat:
    fmt = QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise UnsupportedMediaType(f"cannot write a {kind} result as {media_type!r}")
    return fmt


def _write_all(result: QuerySolutions, fmt: QueryResultsFormat, out: IO[bytes]) -> bool:
    result.serialize(out, fmt)
    return False


class _CapReached(Exception):
    """Raised from inside pyoxigraph's serialiser to stop evaluation at the row cap."""


class _LineCap:
    """Keeps the first `lines` lines of a TSV stream and notices whether more follow.

    SPARQL TSV writes one solution per line (newlines inside literals are escaped), after one
    header line, so counting newlines counts rows exactly.
    """

    def __init__(self, lines: int) -> None:
        self._missing = lines
        self._kept = bytearray()
        self.more = False

    def write(self, data: bytes) -> int:
        if not data:
            return 0
        if self._missing == 0:
            self.more = True
            raise _CapReached
        end = 0
        while self._missing and end < len(data):
            found = data.find(b"\n", end)
            if found < 0:
                end = len(data)
                break
            end = found + 1
            self._missing -= 1
        self._kept += data[:end]
        if self._missing == 0 and end < len(data):
            self.more = True
            raise _CapReached
        return len(data)

    def flush(self) -> None:
        return None

    @property
    def kept(self) -> bytes:
        return bytes(self._kept)


def _write_capped_solutions(
    result: QuerySolutions, fmt: QueryResultsFormat, row_limit: int, out: Sink
) -> bool:
    # pyoxigraph cannot serialise a slice of solutions, but it can parse TSV back into
    # solutions: write TSV up to the cap (stopping evaluation there), then re-serialise.
    cap = _LineCap(row_limit + 1)
    with contextlib.suppress(_CapReached):
        result.serialize(_io(cap), QueryResultsFormat.TSV)
    if fmt == QueryResultsFormat.TSV:
        out.write(cap.kept)
    else:
        parse_query_results(cap.kept, QueryResultsFormat.TSV).serialize(_io(out), fmt)
    return cap.more
