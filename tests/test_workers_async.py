"""Worker executors driven from an event loop: the same answers, limits and clean-up as the
thread-blocking calls, with the waiting done on the loop (asyncio's and uvloop's)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
import uvloop
from pyoxigraph import Literal, NamedNode, Quad

from app.sparql.execution import (
    Dataset,
    QueryJob,
    QueryOutput,
    QuerySyntaxError,
    QueryTimeout,
    ServerBusy,
)
from app.sparql.worker_pool import WorkerPool, WorkerProcess
from app.sparql.workers import InProcessExecutor, QueryFailed, WorkerExecutor, WorkerLost
from app.store.oxigraph_store import OxigraphStore

EX = "http://example.org/"
G = EX + "graph/people"
NAME = NamedNode(EX + "name")
NAMES = f"SELECT ?name WHERE {{ ?p <{EX}name> ?name }} ORDER BY ?name"
# Twelve triples: an eight-way cross product is 12^8 (430 million) rows, far past any limit.
EXPLOSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l ."
    " ?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x }"
)
# 12 x 12 x 12 = 1,728 rows, each with nine terms: about a megabyte of SPARQL XML, so several
# 256 KiB frames.
LARGE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

T = TypeVar("T")
Runner = Callable[[Coroutine[Any, Any, T]], T]


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Runner[Any]:
    """Runs a coroutine to the end on a fresh loop of either kind."""
    return cast(Runner[Any], asyncio.run if request.param == "asyncio" else uvloop.run)


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path / "store")
    store.add_quads(
        Quad(NamedNode(f"{EX}p{n:02d}"), NAME, Literal(f"person {n:02d}"), NamedNode(G))
        for n in range(12)
    )
    yield store
    store.close()


def _executor(store: OxigraphStore, workers: int = 2, max_queued: int = 2) -> WorkerExecutor:
    assert store.path is not None
    return WorkerExecutor(store, store.path, workers=workers, max_queued=max_queued, timeout_s=10)


@pytest.fixture
def executor(disk_store: OxigraphStore) -> Iterator[WorkerExecutor]:
    made = _executor(disk_store)
    yield made
    made.close()


def _job(query: str, **kwargs: Any) -> QueryJob:
    return QueryJob(query, Dataset((G,), (G,)), **kwargs)


def _names(output: QueryOutput) -> list[str]:
    rows = json.loads(b"".join(output.chunks))["results"]["bindings"]
    return [row["name"]["value"] for row in rows]


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def _first_busy_pid(executor: WorkerExecutor) -> int:
    for _ in range(1000):
        busy = executor.busy_worker_pids()
        if busy:
            return busy[0]
        await asyncio.sleep(0.01)
    raise AssertionError("no query reached a worker")


def test_answers_like_the_blocking_call(executor: WorkerExecutor, run: Runner[Any]) -> None:
    job = _job(NAMES)
    output = run(executor.run_query_async(job))
    assert _names(output) == [f"person {n:02d}" for n in range(12)]
    assert output.body is not None
    assert b"".join(executor.run_query(job).chunks) == output.body


def test_result_of_many_frames_is_whole_and_in_order(
    executor: WorkerExecutor, disk_store: OxigraphStore, run: Runner[Any]
) -> None:
    job = _job(LARGE, solutions_media_type="application/sparql-results+xml")
    body = b"".join(run(executor.run_query_async(job)).chunks)
    assert len(body) > 3 * 256 * 1024
    assert body.count(b"<result>") == 12**3
    assert body == b"".join(InProcessExecutor(disk_store).run_query(job).chunks)


def test_errors_are_named_and_the_worker_stays(executor: WorkerExecutor, run: Runner[Any]) -> None:
    pids = executor.worker_pids()
    with pytest.raises(QuerySyntaxError, match="line 1, column 17, at the end of the query"):
        run(executor.run_query_async(_job("SELECT * WHERE {")))
    with pytest.raises(QueryFailed, match=r"custom function <http://example\.org/f>"):
        run(executor.run_query_async(_job("SELECT (<http://example.org/f>(1) AS ?x) WHERE {}")))
    assert executor.worker_pids() == pids
    assert len(_names(run(executor.run_query_async(_job(NAMES))))) == 12


def test_time_limit_kills_and_replaces_the_worker(
    executor: WorkerExecutor, run: Runner[Any]
) -> None:
    async def scenario() -> int:
        task = asyncio.ensure_future(executor.run_query_async(_job(EXPLOSIVE, timeout_s=1)))
        victim = await _first_busy_pid(executor)
        with pytest.raises(QueryTimeout, match="did not finish within 1 s"):
            await task
        return victim

    victim = run(scenario())
    assert not _pid_exists(victim)
    assert victim not in executor.worker_pids()
    assert len(executor.worker_pids()) == 2
    assert len(_names(run(executor.run_query_async(_job(NAMES))))) == 12


def test_dead_worker_is_reported_and_replaced(disk_store: OxigraphStore, run: Runner[Any]) -> None:
    executor = _executor(disk_store, workers=1, max_queued=0)
    try:
        (pid,) = executor.worker_pids()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerLost, match="stopped unexpectedly"):
            run(executor.run_query_async(_job(NAMES)))
        assert executor.worker_pids() != (pid,)
        assert len(_names(run(executor.run_query_async(_job(NAMES))))) == 12
    finally:
        executor.close()


def test_cancelled_query_leaves_no_worker_behind(
    executor: WorkerExecutor, run: Runner[Any]
) -> None:
    async def scenario() -> int:
        task = asyncio.ensure_future(executor.run_query_async(_job(EXPLOSIVE)))
        victim = await _first_busy_pid(executor)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return victim

    victim = run(scenario())
    assert not _pid_exists(victim)
    assert executor.busy_worker_pids() == ()
    assert len(executor.worker_pids()) == 2


def test_queued_query_waits_on_the_loop_for_a_free_worker(
    disk_store: OxigraphStore, run: Runner[Any]
) -> None:
    executor = _executor(disk_store, workers=1, max_queued=1)

    async def scenario() -> tuple[list[str], list[str]]:
        finished: list[str] = []

        async def explosive() -> None:
            with pytest.raises(QueryTimeout):
                await executor.run_query_async(_job(EXPLOSIVE, timeout_s=1))
            finished.append("explosive")

        first = asyncio.ensure_future(explosive())
        await _first_busy_pid(executor)
        names = _names(await executor.run_query_async(_job(NAMES)))
        finished.append("lookup")
        await first
        return names, finished

    try:
        names, finished = run(scenario())
        assert len(names) == 12
        assert finished == ["explosive", "lookup"]
    finally:
        executor.close()


def test_full_pool_and_queue_refuse_at_once(disk_store: OxigraphStore, run: Runner[Any]) -> None:
    executor = _executor(disk_store, workers=1, max_queued=0)

    async def scenario() -> None:
        first = asyncio.ensure_future(executor.run_query_async(_job(EXPLOSIVE, timeout_s=1)))
        await _first_busy_pid(executor)
        with pytest.raises(ServerBusy, match="busy"):
            await executor.run_query_async(_job(NAMES))
        # Refused while the explosive query still runs, not after waiting for it.
        assert not first.done()
        with pytest.raises(QueryTimeout):
            await first

    try:
        run(scenario())
    finally:
        executor.close()


def test_thread_and_loop_callers_share_the_workers(
    disk_store: OxigraphStore, run: Runner[Any]
) -> None:
    executor = _executor(disk_store, workers=1, max_queued=4)
    answers: list[int] = []

    def from_a_thread() -> None:
        for _ in range(20):
            answers.append(len(_names(executor.run_query(_job(NAMES)))))

    async def from_the_loop() -> None:
        for _ in range(20):
            answers.append(len(_names(await executor.run_query_async(_job(NAMES)))))

    thread = threading.Thread(target=from_a_thread)
    try:
        thread.start()
        run(asyncio.wait_for(from_the_loop(), 60))
        thread.join(timeout=60)
        assert answers == [12] * 40
        assert executor.status() == {"workers": 1, "busy": 0, "queued": 0}
    finally:
        executor.close()


def test_close_wakes_loop_callers_with_server_busy(
    disk_store: OxigraphStore, run: Runner[Any]
) -> None:
    executor = _executor(disk_store, workers=1, max_queued=2)

    async def scenario() -> None:
        first = asyncio.ensure_future(executor.run_query_async(_job(EXPLOSIVE)))
        await _first_busy_pid(executor)
        waiting = asyncio.ensure_future(executor.run_query_async(_job(NAMES)))
        while executor.status()["queued"] == 0:
            await asyncio.sleep(0.01)
        executor.close()
        with pytest.raises(ServerBusy, match="shutting down"):
            await waiting
        with pytest.raises(WorkerLost):
            await first

    run(asyncio.wait_for(scenario(), 60))


class _StandIn:
    """Takes a worker's place in a pool that never runs a query."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def kill(self) -> None:
        return None


def _pool(size: int, max_queued: int) -> WorkerPool:
    pids = iter(range(1, 100))
    return WorkerPool(size, max_queued, lambda: cast(WorkerProcess, _StandIn(next(pids))))


def test_cancelled_waiter_passes_its_wake_up_on(run: Runner[Any]) -> None:
    pool = _pool(1, max_queued=2)

    async def scenario() -> int:
        held = pool.acquire(time.monotonic() + 10)
        deadline = time.monotonic() + 10
        first = asyncio.ensure_future(pool.acquire_async(deadline))
        second = asyncio.ensure_future(pool.acquire_async(deadline))
        while pool.counts()[2] < 2:
            await asyncio.sleep(0)
        pool.release(held)  # wakes the first waiter ...
        first.cancel()  # ... which leaves before it can take the worker
        got = await asyncio.wait_for(second, 5)
        assert first.cancelled()
        return got.pid

    assert run(scenario()) == 1
    assert pool.counts() == (1, 1, 0)


def test_waiter_gives_up_at_its_deadline(run: Runner[Any]) -> None:
    pool = _pool(1, max_queued=1)
    pool.acquire(time.monotonic() + 10)
    with pytest.raises(ServerBusy, match="no query worker became free"):
        run(pool.acquire_async(time.monotonic() + 0.2))
    assert pool.counts() == (1, 1, 0)
