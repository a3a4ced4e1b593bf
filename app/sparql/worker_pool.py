"""Long-lived query worker processes: start, hand out, take back, kill and replace.

A worker is a plain child process (`python -m app.sparql.worker_main`) talking over two pipes.
It is never forked from the server, so it inherits no threads, locks or open RocksDB handle.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app.sparql.execution import ServerBusy
from app.sparql.worker_protocol import HEADER_SIZE, WorkerGone, write_all

_READ_BYTES = 1024 * 1024
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


class DeadlinePassed(Exception):
    """The job's time limit ran out while waiting for the worker's answer."""


class WorkerProcess:
    """One worker and the server's ends of its pipes."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.stdin is None or proc.stdout is None:
            raise ValueError("a worker needs both pipes")
        self._proc = proc
        self._to_worker = proc.stdin
        self._from_worker = proc.stdout
        self._buffer = bytearray()
        self._poll = select.poll()
        self._poll.register(self._from_worker.fileno(), select.POLLIN)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def send(self, data: bytes) -> None:
        try:
            write_all(self._to_worker.fileno(), data)
        except BrokenPipeError as exc:
            raise WorkerGone(f"worker {self.pid} is not running") from exc

    def next_frame(self, deadline: float) -> tuple[bytes, bytes]:
        """The next frame the worker sends; `DeadlinePassed` if it does not come in time."""
        fd = self._from_worker.fileno()
        while True:
            buffered = len(self._buffer)
            if buffered >= HEADER_SIZE:
                end = HEADER_SIZE + int.from_bytes(self._buffer[1:HEADER_SIZE], "big")
                if buffered >= end:
                    kind = bytes(self._buffer[:1])
                    payload = bytes(self._buffer[HEADER_SIZE:end])
                    del self._buffer[:end]
                    return kind, payload
            remaining_ms = (deadline - time.monotonic()) * 1000
            if remaining_ms <= 0 or not self._poll.poll(max(1, int(remaining_ms))):
                raise DeadlinePassed
            chunk = os.read(fd, _READ_BYTES)
            if not chunk:
                raise WorkerGone(f"worker {self.pid} stopped (exit status {self._proc.poll()})")
            self._buffer += chunk

    def stop(self) -> None:
        """SIGKILL only; whoever owns the pipes reaps the worker with `kill`."""
        if self._proc.poll() is None:
            self._proc.kill()

    def kill(self) -> None:
        """SIGKILL, reap, close the pipes: the pid is gone when this returns."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._to_worker.close()
        self._from_worker.close()


def spawn_worker(store_path: Path) -> WorkerProcess:
    env = dict(os.environ)
    # The worker imports `app` even when cdkg runs from a source tree that is not installed.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.sparql.worker_main",
            str(store_path.resolve()),
            str(os.getpid()),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        close_fds=True,
    )
    return WorkerProcess(proc)


class WorkerPool:
    """A fixed number of workers and a short queue of callers waiting for one.

    When every worker is busy and the queue is full, `acquire` refuses at once (`ServerBusy`):
    a caller that cannot be served soon is better told to retry than left to pile up.
    """

    def __init__(self, size: int, max_queued: int, spawn: Callable[[], WorkerProcess]) -> None:
        self._spawn = spawn
        self._max_queued = max_queued
        self._cond = threading.Condition()
        self._idle: list[WorkerProcess] = [spawn() for _ in range(size)]
        self._busy: set[WorkerProcess] = set()
        self._waiting = 0
        self._closed = False

    def acquire(self, deadline: float) -> WorkerProcess:
        with self._cond:
            if self._closed:
                raise ServerBusy("the server is shutting down")
            if not self._idle and self._waiting >= self._max_queued:
                raise ServerBusy(
                    f"all {len(self._busy)} query workers are busy and "
                    f"{self._waiting} queries are waiting; try again shortly"
                )
            self._waiting += 1
            try:
                while not self._idle:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or self._closed:
                        raise ServerBusy(
                            "no query worker became free within the time limit; try again later"
                        )
                    self._cond.wait(remaining)
            finally:
                self._waiting -= 1
            worker = self._idle.pop()
            self._busy.add(worker)
            return worker

    def release(self, worker: WorkerProcess) -> None:
        with self._cond:
            self._busy.discard(worker)
            if self._closed:
                worker.kill()
                return
            self._idle.append(worker)
            self._cond.notify()

    def replace(self, worker: WorkerProcess) -> None:
        """Kill `worker` (it overran or died) and put a fresh one in its place."""
        worker.kill()
        fresh = None if self._closed else self._spawn()
        with self._cond:
            self._busy.discard(worker)
            if fresh is None:
                return
            if self._closed:
                fresh.kill()
                return
            self._idle.append(fresh)
            self._cond.notify()

    def pids(self) -> tuple[int, ...]:
        with self._cond:
            return tuple(sorted(w.pid for w in (*self._idle, *self._busy)))

    def busy_pids(self) -> tuple[int, ...]:
        with self._cond:
            return tuple(sorted(w.pid for w in self._busy))

    def counts(self) -> tuple[int, int, int]:
        """(workers, busy, waiting)."""
        with self._cond:
            return len(self._idle) + len(self._busy), len(self._busy), self._waiting

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, busy = self._idle, list(self._busy)
            self._idle = []
            self._cond.notify_all()
        for worker in idle:
            worker.kill()
        # A busy worker's pipes belong to its caller, which sees them close, answers 503 and
        # reaps the worker through `replace`.
        for worker in busy:
            worker.stop()
