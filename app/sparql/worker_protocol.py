"""The wire format between the server and its query workers.

Frames over a pipe: one type byte, a 4-byte big-endian length, the payload. The server sends
one `JOB` frame per query; the worker answers with `DATA` frames (serialised result bytes, never
pickled rows) and exactly one terminal frame: `END` (metadata) or `FAIL` (an error).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.sparql.execution import Dataset, QueryJob, ResultKind

JOB = b"J"
DATA = b"D"
END = b"E"
FAIL = b"F"

HEADER_SIZE = 5
# Big enough to amortise the per-frame system calls, small enough to keep the worker's buffer
# modest when the server is slow to drain the pipe.
DATA_FRAME_BYTES = 256 * 1024


class WorkerGone(Exception):
    """The other end of the pipe closed (the worker died or the server went away)."""


def frame(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exact(fd: int, size: int) -> bytes:
    """Blocking read of exactly `size` bytes; `WorkerGone` at end of file."""
    parts: list[bytes] = []
    missing = size
    while missing:
        chunk = os.read(fd, missing)
        if not chunk:
            raise WorkerGone("pipe closed")
        parts.append(chunk)
        missing -= len(chunk)
    return b"".join(parts)


def read_frame(fd: int) -> tuple[bytes, bytes]:
    header = read_exact(fd, HEADER_SIZE)
    return header[:1], read_exact(fd, int.from_bytes(header[1:], "big"))


@dataclass(frozen=True)
class WorkerJob:
    """A query job plus the store view (generation) the worker must answer from."""

    job: QueryJob
    view: str


def encode_job(job: QueryJob, view: str) -> bytes:
    body: dict[str, Any] = {
        "q": job.query,
        "v": view,
        "b": job.base_iri,
        "sm": job.solutions_media_type,
        "bm": job.boolean_media_type,
        "gm": job.graph_media_type,
        "n": job.row_limit,
        "s": job.substitutions,
    }
    head = json.dumps(body, separators=(",", ":"))
    # The graph lists are most of the text and the same for every job of a reader: their
    # JSON is made once and spliced into the object.
    text = (
        f'{head[:-1]},"dg":{_graphs_json(job.dataset.default_graphs)},'
        f'"ng":{_graphs_json(job.dataset.named_graphs)}}}'
    )
    return frame(JOB, text.encode("utf-8"))


@lru_cache(maxsize=64)
def _graphs_json(graphs: tuple[str, ...] | None) -> str:
    return json.dumps(graphs, separators=(",", ":"))


def decode_job(payload: bytes) -> WorkerJob:
    body = json.loads(payload)
    default_graphs = body["dg"]
    named_graphs = body["ng"]
    job = QueryJob(
        query=body["q"],
        dataset=Dataset(
            None if default_graphs is None else tuple(default_graphs),
            None if named_graphs is None else tuple(named_graphs),
        ),
        base_iri=body["b"],
        solutions_media_type=body["sm"],
        boolean_media_type=body["bm"],
        graph_media_type=body["gm"],
        row_limit=body["n"],
        substitutions=tuple((name, term) for name, term in body.get("s", ())),
    )
    return WorkerJob(job, body["v"])


@dataclass(frozen=True)
class Outcome:
    kind: ResultKind
    media_type: str
    truncated: bool


def encode_end(outcome: Outcome) -> bytes:
    body = {"k": outcome.kind, "m": outcome.media_type, "t": outcome.truncated}
    return frame(END, json.dumps(body).encode("utf-8"))


def decode_end(payload: bytes) -> Outcome:
    body = json.loads(payload)
    return Outcome(body["k"], body["m"], bool(body["t"]))


# Error classes a worker reports; the server maps each onto one of execution.py's errors.
SYNTAX = "syntax"
UNSUPPORTED = "unsupported"
FAILED = "failed"


def encode_failure(error: str, message: str) -> bytes:
    return frame(FAIL, json.dumps({"e": error, "m": message}).encode("utf-8"))


def decode_failure(payload: bytes) -> tuple[str, str]:
    body = json.loads(payload)
    return str(body["e"]), str(body["m"])
