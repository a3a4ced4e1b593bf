"""Query executors: where a query runs, how long it may run, and how its bytes come back.

`WorkerExecutor` (persistent stores) runs every query in a pool of worker processes that open
the store read-only. pyoxigraph has no query timeout and a running query cannot be interrupted
from Python, so on timeout the worker is killed (SIGKILL) and replaced: the work really stops.
The result is spooled (memory, then a temporary file) until the query has finished, so a query
that runs out of time always gets a clean 503 and never half a 200 response. The HTTP routes
use `run_query_async`, which waits for the worker on the event loop rather than in a thread
(docs/operations.md, "Request overhead").

`InProcessExecutor` (in-memory stores, used by unit tests) runs queries in the calling thread:
an in-memory store cannot be shared with another process, so it has NO time limit.

Updates always run in the server process, on its read-write store (RocksDB admits one writer).
"""

from __future__ import annotations

import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from anyio import to_thread

from app.settings import Settings
from app.sparql.execution import (
    QueryError,
    QueryExecutor,
    QueryJob,
    QueryOutput,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ResultKind,
    ServerBusy,
    UpdateJob,
)
from app.sparql.substitutions import decode_substitutions
from app.sparql.syntax import explain_syntax_error
from app.sparql.worker_pool import DeadlinePassed, WorkerPool, WorkerProcess, spawn_worker
from app.sparql.worker_protocol import (
    DATA,
    END,
    FAIL,
    SYNTAX,
    UNSUPPORTED,
    WorkerGone,
    decode_end,
    decode_failure,
    encode_job,
)
from app.sparql.worker_results import UnsupportedMediaType, write_result
from app.store.base import GraphStore
from app.store.catalogue import (
    GENERATION_BUMP_IF_CATALOGUED,
    forget_generation,
    known_generation,
)

SPOOL_MEMORY_BYTES = 8 * 1024 * 1024
_CHUNK_BYTES = 256 * 1024


class QueryFailed(QueryError):
    """The engine reported an error while evaluating the query (message from pyoxigraph)."""


class WorkerLost(ServerBusy):
    """The worker running the query died (for example, out of memory); it has been replaced."""


class Spool:
    """Result bytes held until the query has finished: in memory, then in a temporary file."""

    def __init__(self, memory_bytes: int = SPOOL_MEMORY_BYTES) -> None:
        self._memory_bytes = memory_bytes
        self._parts: list[bytes] = []
        self._size = 0
        self._file: IO[bytes] | None = None

    @property
    def size(self) -> int:
        return self._size

    def write(self, data: bytes) -> int:
        self._size += len(data)
        if self._file is not None:
            self._file.write(data)
        else:
            self._parts.append(data)
            if self._size > self._memory_bytes:
                # Closed by chunks() or close(): the spool outlives this call.
                self._file = tempfile.TemporaryFile(prefix="cdkg-result-")  # noqa: SIM115
                self._file.writelines(self._parts)
                self._parts = []
        return len(data)

    def flush(self) -> None:
        return None

    def chunks(self) -> Iterator[bytes]:
        """The bytes, in order, once; the spool's file is closed when they have been read or
        when the iterator is dropped unread."""
        if self._file is None:
            parts, self._parts = self._parts, []
            return iter([b"".join(parts)] if parts else [])
        file, self._file = self._file, None
        return _FileChunks(file)

    def output(self, kind: ResultKind, media_type: str, truncated: bool) -> QueryOutput:
        """The spooled bytes as a query's output, read once; a result still held in memory
        is handed over whole as `body` too."""
        if self._file is not None:
            return QueryOutput(kind, media_type, self.chunks(), truncated)
        body = b"".join(self._parts)
        self._parts = []
        return QueryOutput(kind, media_type, iter([body] if body else []), truncated, body)

    def close(self) -> None:
        self._parts = []
        if self._file is not None:
            self._file.close()


class _FileChunks:
    """Reads a spool file back in chunks; closes it at the end, or when garbage-collected."""

    def __init__(self, file: IO[bytes]) -> None:
        file.seek(0)
        self._file = file
        self._close = weakref.finalize(self, file.close)

    def __iter__(self) -> _FileChunks:
        return self

    def __next__(self) -> bytes:
        chunk = self._file.read(_CHUNK_BYTES) if self._close.alive else b""
        if not chunk:
            self._close()
            raise StopIteration
        return chunk


class WorkerExecutor:
    """Runs queries in killable worker processes over a persistent store."""

    def __init__(
        self,
        store: GraphStore,
        store_path: Path,
        *,
        workers: int,
        max_queued: int,
        timeout_s: float,
    ) -> None:
        self._store = store
        self._timeout_s = timeout_s
        self._update_lock = threading.Lock()
        # Counts this process's writes, so that workers reopen their view after each one.
        self._local_writes = 0
        self._pool = WorkerPool(workers, max_queued, lambda: spawn_worker(store_path))

    def run_query(self, job: QueryJob) -> QueryOutput:
        """Run `job` in a worker; blocks the calling thread (call it from a thread pool)."""
        timeout = self._timeout_for(job)
        deadline = time.monotonic() + timeout
        request = encode_job(job, self._view())
        worker = self._pool.acquire(deadline)
        spool = Spool()
        try:
            worker.send(request)
            while (output := _absorb(worker, *worker.next_frame(deadline), spool)) is None:
                pass
        except BaseException as exc:
            spool.close()
            replace, error = _after_failure(exc, timeout)
            if replace:
                self._pool.replace(worker)
            else:
                self._pool.release(worker)
            if error is exc:
                raise
            raise error from None
        self._pool.release(worker)
        return output

    async def run_query_async(self, job: QueryJob) -> QueryOutput:
        """`run_query` for a caller on the event loop: the same limits, errors and bytes, but
        no thread is held while the worker runs."""
        timeout = self._timeout_for(job)
        deadline = time.monotonic() + timeout
        request = encode_job(job, self._view())
        worker = await self._pool.acquire_async(deadline)
        spool = Spool()
        try:
            if len(request) <= worker.job_capacity:
                worker.send(request)
            else:
                # Longer than the pipe holds: the write waits for the worker to read.
                await to_thread.run_sync(worker.send, request)
            while (
                output := _absorb(worker, *await worker.next_frame_async(deadline), spool)
            ) is None:
                pass
        except BaseException as exc:
            spool.close()
            replace, error = _after_failure(exc, timeout)
            if replace:
                # Killing and spawning wait on processes: not on the event loop.
                await to_thread.run_sync(self._pool.replace, worker)
            else:
                self._pool.release(worker)
            if error is exc:
                raise
            raise error from None
        self._pool.release(worker)
        return output

    def run_update(self, job: UpdateJob) -> None:
        """Run an update on the server's read-write store, one at a time, without time limit."""
        with self._update_lock:
            try:
                _update(self._store, job)
            finally:
                self._local_writes += 1

    def worker_pids(self) -> tuple[int, ...]:
        return self._pool.pids()

    def busy_worker_pids(self) -> tuple[int, ...]:
        return self._pool.busy_pids()

    def status(self) -> dict[str, int]:
        workers, busy, waiting = self._pool.counts()
        return {"workers": workers, "busy": busy, "queued": waiting}

    def close(self) -> None:
        self._pool.close()

    def _timeout_for(self, job: QueryJob) -> float:
        return job.timeout_s if job.timeout_s is not None else self._timeout_s

    def _view(self) -> str:
        # Workers reopen their read-only store when this changes: a read-only RocksDB handle
        # sees the store as it was when opened.
        return f"{known_generation(self._store)}.{self._local_writes}"


def _absorb(worker: WorkerProcess, kind: bytes, payload: bytes, spool: Spool) -> QueryOutput | None:
    """Take one frame of a worker's answer; the output once the answer is complete."""
    if kind == DATA:
        spool.write(payload)
        return None
    if kind == END:
        outcome = decode_end(payload)
        return spool.output(outcome.kind, outcome.media_type, outcome.truncated)
    if kind == FAIL:
        raise _failure(*decode_failure(payload))
    raise WorkerGone(f"worker {worker.pid} sent an unknown frame {kind!r}")


def _after_failure(exc: BaseException, timeout: float) -> tuple[bool, BaseException]:
    """For a run that ended in `exc`: whether its worker must be replaced, and what to raise."""
    if isinstance(exc, DeadlinePassed):
        return True, QueryTimeout(f"the query did not finish within {timeout:g} s and was stopped")
    if isinstance(exc, WorkerGone):
        return True, WorkerLost(
            "the query worker stopped unexpectedly while running this query (it crashed "
            "or ran out of memory); it has been replaced"
        )
    if isinstance(exc, QueryError):
        return False, exc
    # Anything else leaves the worker's state unknown: never hand it out again.
    return True, exc


def _failure(error: str, message: str) -> QueryError:
    if error == SYNTAX:
        return QuerySyntaxError(message)
    if error == UNSUPPORTED:
        return QueryRefused(message)
    return QueryFailed(message)


class InProcessExecutor:
    """Runs queries in the calling thread. NO time limit: for in-memory stores (unit tests)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._update_lock = threading.Lock()

    def run_query(self, job: QueryJob) -> QueryOutput:
        spool = Spool()
        try:
            result = self._store.query(
                job.query,
                default_graphs=job.dataset.default_graphs,
                named_graphs=job.dataset.named_graphs,
                base_iri=job.base_iri,
                substitutions=decode_substitutions(job.substitutions)
                if job.substitutions
                else None,
            )
            written = write_result(result, job, spool)
        except SyntaxError as exc:
            spool.close()
            raise QuerySyntaxError(explain_syntax_error(job.query, str(exc))) from None
        except UnsupportedMediaType as exc:
            spool.close()
            raise QueryRefused(str(exc)) from None
        except (RuntimeError, OSError, ValueError) as exc:
            spool.close()
            raise QueryFailed(str(exc)) from None
        return spool.output(written.kind, written.media_type, written.truncated)

    async def run_query_async(self, job: QueryJob) -> QueryOutput:
        # The query runs right here, so it must not run on the event loop.
        return await to_thread.run_sync(self.run_query, job)

    def run_update(self, job: UpdateJob) -> None:
        with self._update_lock:
            _update(self._store, job)

    def close(self) -> None:
        return None


def create_executor(settings: Settings, store: GraphStore) -> QueryExecutor:
    """The executor `create_app` installs: worker processes for a store on disk, else in-process.

    The in-process fallback (in-memory stores) has no time limit; say so wherever it is used.
    """
    if settings.in_memory:
        return InProcessExecutor(store)
    return WorkerExecutor(
        store,
        settings.store,
        workers=settings.query_workers,
        max_queued=settings.max_queued_queries,
        timeout_s=settings.query_timeout_s,
    )


def _update(store: GraphStore, job: UpdateJob) -> None:
    """Run an update on the read-write store, mapping engine errors to the executor's errors.

    A successful update bumps the catalogue's generation too: it may have changed study graphs,
    and everything cached per generation (path projections, linked-data pages, ETags) must
    see that. The bump is its own transaction, since appending it to the caller's text could
    change how that text parses; those caches live in this process, so a crash between the two
    leaves nothing stale behind.
    """
    try:
        store.update(job.update, base_iri=job.base_iri)
        store.update(GENERATION_BUMP_IF_CATALOGUED)
    except SyntaxError as exc:
        raise QuerySyntaxError(explain_syntax_error(job.update, str(exc))) from None
    except (RuntimeError, OSError) as exc:
        raise QueryFailed(str(exc)) from None
    finally:
        # An update may write to the catalogue graph itself.
        forget_generation(store)
