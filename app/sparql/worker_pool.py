"""Long-lived query worker processes: start, hand out, take back, kill and replace.

A worker is a plain child process (`python -m app.sparql.worker_main`) talking over two pipes.
It is never forked from the server, so it inherits no threads, locks or open RocksDB handle.

Callers wait for a worker and for its answer either in a thread (`acquire`, `next_frame`) or
on the running event loop (`acquire_async`, `next_frame_async`); the pool serves both kinds.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
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
# Pipes as large as Linux lets a user make them without privileges: a whole DATA frame then
# crosses in one write, and most jobs fit in the empty pipe without ever blocking the sender.
_PIPE_BYTES = 1024 * 1024
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent


_NOT_IN_TIME = "no query worker became free within the time limit; try again later"


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


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
        self.job_capacity = _widen(self._to_worker.fileno())
        _widen(self._from_worker.fileno())

    @property
    def pid(self) -> int:
        return self._proc.pid

    def send(self, data: bytes) -> None:
        """Write a job. An idle worker has emptied its pipe, so a job of at most
        `job_capacity` bytes is written at once, without waiting for the worker."""
        try:
            write_all(self._to_worker.fileno(), data)
        except BrokenPipeError as exc:
            raise WorkerGone(f"worker {self.pid} is not running") from exc

    def next_frame(self, deadline: float) -> tuple[bytes, bytes]:
        """The next frame the worker sends; `DeadlinePassed` if it does not come in time."""
        while True:
            found = self._buffered_frame()
            if found is not None:
                return found
            remaining_ms = (deadline - time.monotonic()) * 1000
            if remaining_ms <= 0 or not self._poll.poll(max(1, int(remaining_ms))):
                raise DeadlinePassed
            # An event loop that waited on this pipe before left it non-blocking.
            with contextlib.suppress(BlockingIOError):
                self._read_some()

    async def next_frame_async(self, deadline: float) -> tuple[bytes, bytes]:
        """`next_frame` for a caller on the event loop: waits without holding a thread."""
        found = self._buffered_frame()
        if found is not None:
            return found
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlinePassed
        loop = asyncio.get_running_loop()
        fd = self._from_worker.fileno()
        arrived: asyncio.Future[tuple[bytes, bytes]] = loop.create_future()

        def on_readable() -> None:
            if arrived.done():  # timed out or cancelled: the caller is on its way out
                loop.remove_reader(fd)
                return
            try:
                self._read_some()
                found = self._buffered_frame()
            except BlockingIOError:
                return  # a wake-up with nothing to read (the loop made the pipe non-blocking)
            except Exception as exc:  # handed to the waiting caller, which owns the worker
                loop.remove_reader(fd)
                arrived.set_exception(exc)
                return
            if found is not None:
                loop.remove_reader(fd)
                arrived.set_result(found)

        loop.add_reader(fd, on_readable)
        try:
            return await asyncio.wait_for(arrived, remaining)
        except TimeoutError:
            raise DeadlinePassed from None
        finally:
            loop.remove_reader(fd)

    def _buffered_frame(self) -> tuple[bytes, bytes] | None:
        buffered = len(self._buffer)
        if buffered < HEADER_SIZE:
            return None
        end = HEADER_SIZE + int.from_bytes(self._buffer[1:HEADER_SIZE], "big")
        if buffered < end:
            return None
        kind = bytes(self._buffer[:1])
        payload = bytes(self._buffer[HEADER_SIZE:end])
        del self._buffer[:end]
        return kind, payload

    def _read_some(self) -> None:
        chunk = os.read(self._from_worker.fileno(), _READ_BYTES)
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


def _widen(fd: int) -> int:
    """Grow the pipe behind `fd` to `_PIPE_BYTES` where the system allows; its capacity."""
    try:
        return fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (OSError, AttributeError):
        pass
    try:
        return fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)
    except (OSError, AttributeError):
        # No way to ask: POSIX promises at least PIPE_BUF (512 bytes), Linux gives 4 KiB.
        return 512


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
    a caller that cannot be served soon is better told to retry than left to pile up. Threads
    and event-loop callers share the queue; a freed worker wakes one of each kind, and whoever
    comes first takes it (the other waits on).
    """

    def __init__(self, size: int, max_queued: int, spawn: Callable[[], WorkerProcess]) -> None:
        self._spawn = spawn
        self._max_queued = max_queued
        self._cond = threading.Condition()
        self._idle: list[WorkerProcess] = [spawn() for _ in range(size)]
        self._busy: set[WorkerProcess] = set()
        self._waiting = 0
        # Event-loop callers waiting for a worker, first come first woken.
        self._wakers: list[Callable[[], None]] = []
        self._closed = False

    def acquire(self, deadline: float) -> WorkerProcess:
        with self._cond:
            worker = self._take()
            if worker is not None:
                return worker
            self._join_queue()
            try:
                while (worker := self._take()) is None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise ServerBusy(_NOT_IN_TIME)
                    self._cond.wait(remaining)
            finally:
                self._waiting -= 1
            return worker

    async def acquire_async(self, deadline: float) -> WorkerProcess:
        """`acquire` for a caller on the event loop: waits without holding a thread."""
        loop = asyncio.get_running_loop()
        loop_thread = threading.get_ident()
        with self._cond:
            worker = self._take()
            if worker is not None:
                return worker
            self._join_queue()
        try:
            while True:
                freed: asyncio.Future[None] = loop.create_future()

                def wake(freed: asyncio.Future[None] = freed) -> None:
                    if threading.get_ident() == loop_thread:
                        _settle(freed)
                        return
                    with contextlib.suppress(RuntimeError):  # the loop has closed
                        loop.call_soon_threadsafe(_settle, freed)

                with self._cond:
                    worker = self._take()
                    if worker is not None:
                        return worker
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise ServerBusy(_NOT_IN_TIME)
                    self._wakers.append(wake)
                try:
                    await asyncio.wait((freed,), timeout=remaining)
                except BaseException:
                    with self._cond:
                        if wake in self._wakers:
                            self._wakers.remove(wake)
                        else:
                            # Woken, but leaving (cancelled) without the worker: pass it on.
                            self._wake_one()
                    raise
                with self._cond:
                    if wake in self._wakers:
                        self._wakers.remove(wake)
        finally:
            with self._cond:
                self._waiting -= 1

    def release(self, worker: WorkerProcess) -> None:
        with self._cond:
            self._busy.discard(worker)
            if self._closed:
                worker.kill()
                return
            self._idle.append(worker)
            self._wake_one()

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
            self._wake_one()

    def _take(self) -> WorkerProcess | None:
        """An idle worker, now busy, or None; call with the lock held."""
        if self._closed:
            raise ServerBusy("the server is shutting down")
        if not self._idle:
            return None
        worker = self._idle.pop()
        self._busy.add(worker)
        return worker

    def _join_queue(self) -> None:
        if self._waiting >= self._max_queued:
            raise ServerBusy(
                f"all {len(self._busy)} query workers are busy and "
                f"{self._waiting} queries are waiting; try again shortly"
            )
        self._waiting += 1

    def _wake_one(self) -> None:
        self._cond.notify()
        if self._wakers:
            self._wakers.pop(0)()

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
            wakers, self._wakers = self._wakers, []
        for wake in wakers:
            wake()
        for worker in idle:
            worker.kill()
        # A busy worker's pipes belong to its caller, which sees them close, answers 503 and
        # reaps the worker through `replace`.
        for worker in busy:
            worker.stop()
