"""A query worker process: `python -m app.sparql.worker_main STORE_PATH PARENT_PID`.

It opens the store read-only, runs one job at a time from its stdin, and writes the serialised
result to its stdout as frames (app/sparql/worker_protocol.py). The server kills it with
SIGKILL when a query overruns its time limit: nothing here needs to cooperate with that, which
is the point, since pyoxigraph cannot interrupt a running query.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from functools import lru_cache

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Store

from app.sparql.execution import QueryJob
from app.sparql.substitutions import decode_substitutions
from app.sparql.syntax import explain_syntax_error
from app.sparql.worker_protocol import (
    DATA,
    DATA_FRAME_BYTES,
    FAILED,
    SYNTAX,
    UNSUPPORTED,
    Outcome,
    WorkerGone,
    decode_job,
    encode_end,
    encode_failure,
    frame,
    read_frame,
    write_all,
)
from app.sparql.worker_results import UnsupportedMediaType, write_result

_PR_SET_PDEATHSIG = 1


class FrameSink:
    """Collects serialiser output and ships it as DATA frames of a few hundred KiB."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= DATA_FRAME_BYTES:
            write_all(self._fd, frame(DATA, bytes(self._buffer)))
            self._buffer.clear()
        return len(data)

    def flush(self) -> None:
        return None

    def finish(self, terminal: bytes) -> None:
        # The last data and the terminal frame go in one write: one wake-up for the server.
        tail = frame(DATA, bytes(self._buffer)) if self._buffer else b""
        self._buffer.clear()
        write_all(self._fd, tail + terminal)

    def drop(self) -> None:
        self._buffer.clear()


@lru_cache(maxsize=64)
def _default_graph(graphs: tuple[str, ...]) -> list[NamedNode | BlankNode | DefaultGraph]:
    # Every job of a reader names the same graphs: build their terms once, not per query.
    return [NamedNode(g) if g else DefaultGraph() for g in graphs]


@lru_cache(maxsize=64)
def _named_graphs(graphs: tuple[str, ...]) -> list[NamedNode | BlankNode]:
    return [NamedNode(g) for g in graphs]


def run_job(store: Store, job: QueryJob, sink: FrameSink) -> bytes:
    """Run one job, stream its data into `sink`, and return the terminal frame."""
    dataset = job.dataset
    try:
        result = store.query(
            job.query,
            base_iri=job.base_iri,
            default_graph=None
            if dataset.default_graphs is None
            else _default_graph(dataset.default_graphs),
            named_graphs=None
            if dataset.named_graphs is None
            else _named_graphs(dataset.named_graphs),
            substitutions=decode_substitutions(job.substitutions) if job.substitutions else None,
        )
        written = write_result(result, job, sink)
    except SyntaxError as exc:
        sink.drop()
        return encode_failure(SYNTAX, explain_syntax_error(job.query, str(exc)))
    except UnsupportedMediaType as exc:
        sink.drop()
        return encode_failure(UNSUPPORTED, str(exc))
    except (RuntimeError, OSError, ValueError) as exc:
        # Evaluation errors pyoxigraph reports (an unknown function, a failing store read):
        # the server answers with the message rather than a dead worker.
        sink.drop()
        return encode_failure(FAILED, str(exc))
    return encode_end(Outcome(written.kind, written.media_type, written.truncated))


def serve(store_path: str, inbox: int, outbox: int) -> None:
    store: Store | None = None
    view: str | None = None
    while True:
        try:
            _kind, payload = read_frame(inbox)
        except WorkerGone:
            return
        request = decode_job(payload)
        if store is None or request.view != view:
            # Drop the old view first: two open copies would double the memory held.
            store = None
            try:
                store = Store.read_only(store_path)
            except OSError as exc:
                write_all(outbox, encode_failure(FAILED, f"cannot open the store: {exc}"))
                continue
            view = request.view
        sink = FrameSink(outbox)
        sink.finish(run_job(store, request.job, sink))


def _die_with_parent(parent_pid: int) -> None:
    # A query the server has given up on must not outlive the server.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(0)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m app.sparql.worker_main STORE_PATH PARENT_PID", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(int(argv[2]))
    inbox = os.dup(0)
    outbox = os.dup(1)
    # Anything printed by accident must not corrupt the frame stream: stdout joins stderr.
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    serve(argv[1], inbox, outbox)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
