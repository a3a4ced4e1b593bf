"""The time limit really stops a query, over a real server, while other requests go on."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from app.main import create_app
from app.settings import Settings
from app.sparql.workers import WorkerExecutor
from app.store.base import AccessLevel
from app.store.catalogue import GraphEntry, SourceEntry, publish_study
from app.store.oxigraph_store import OxigraphStore

EX = "http://example.org/"
GRAPH = EX + "graph/public"
TRIPLES = 3000
# A six-way cross product of 3,000 triples: 7 * 10^20 combinations to count.
EXPLOSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"
)
LOOKUP = f"SELECT ?o WHERE {{ <{EX}item/1234> <{EX}value> ?o }}"


def _fill(path: Path) -> None:
    store = OxigraphStore(path)
    nquads = "".join(
        f'<{EX}item/{n}> <{EX}value> "value {n}" <{GRAPH}> .\n' for n in range(TRIPLES)
    )
    entry = SourceEntry(
        iri=EX + "source/items",
        file="items.yaml",
        sha256="0" * 64,
        graphs=(GraphEntry(GRAPH, AccessLevel.PUBLIC, TRIPLES),),
    )
    publish_study(store, EX + "study", [entry], io.BytesIO(nquads.encode()), datetime.now(UTC))
    store.close()


@dataclass
class LiveServer:
    url: str
    app: FastAPI

    @property
    def executor(self) -> WorkerExecutor:
        executor = self.app.state.executor
        assert isinstance(executor, WorkerExecutor)
        return executor


@contextmanager
def _serving(settings: Settings) -> Iterator[LiveServer]:
    """uvicorn on 127.0.0.1 (a free port) in a thread, stopped on exit."""
    app = create_app(settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(1000):
            if server.started:
                break
            time.sleep(0.01)
        assert server.started, "the server did not start"
        port = server.servers[0].sockets[0].getsockname()[1]
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    _fill(tmp_path / "store")
    return Settings(
        store=tmp_path / "store",
        query_timeout_s=1,
        tokens_file=tmp_path / "tokens.json",
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    with _serving(_settings(tmp_path, query_workers=2)) as server:
        yield server


def _busy_pid(server: LiveServer) -> int:
    for _ in range(1000):
        busy = server.executor.busy_worker_pids()
        if busy:
            return busy[0]
        time.sleep(0.01)
    raise AssertionError("the explosive query never reached a worker")


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_explosive_query_is_stopped_while_others_are_served(live_server: LiveServer) -> None:
    finished: list[str] = []
    answers: dict[str, httpx.Response] = {}

    def explode() -> None:
        with httpx.Client(timeout=60) as client:
            answers["explosive"] = client.get(
                live_server.url + "/sparql", params={"query": EXPLOSIVE}
            )
        finished.append("explosive")

    thread = threading.Thread(target=explode)
    thread.start()
    victim = _busy_pid(live_server)

    with httpx.Client(timeout=60) as client:
        answers["lookup"] = client.get(
            live_server.url + "/sparql",
            params={"query": LOOKUP},
            headers={"Accept": "text/csv"},
        )
        finished.append("lookup")
        answers["health"] = client.get(live_server.url + "/health")
        finished.append("health")
    thread.join()

    # The other requests were answered while the explosive one was still running.
    assert finished == ["lookup", "health", "explosive"]
    assert answers["lookup"].status_code == 200
    assert answers["lookup"].text == "o\r\nvalue 1234\r\n"
    assert answers["health"].status_code == 200

    timed_out = answers["explosive"]
    assert timed_out.status_code == 503
    assert timed_out.headers["content-type"] == "application/problem+json"
    assert timed_out.headers["retry-after"] == "1"
    problem = timed_out.json()
    assert set(problem) == {"type", "title", "status", "detail"}
    assert problem["detail"] == "the query did not finish within 1 s and was stopped"

    # The worker that ran it was killed, and a fresh one took its place.
    assert not _pid_exists(victim)
    pids = live_server.executor.worker_pids()
    assert victim not in pids
    assert len(pids) == 2
    again = httpx.get(
        live_server.url + "/sparql", params={"query": LOOKUP}, headers={"Accept": "text/csv"}
    )
    assert again.text == "o\r\nvalue 1234\r\n"


def test_server_busy_when_workers_and_queue_are_full(tmp_path: Path) -> None:
    settings = _settings(tmp_path, query_workers=1, max_queued_queries=0)
    with _serving(settings) as server:
        url = server.url + "/sparql"
        answers: list[httpx.Response] = []
        explosive = threading.Thread(
            target=lambda: answers.append(httpx.get(url, params={"query": EXPLOSIVE}, timeout=60))
        )
        explosive.start()
        _busy_pid(server)
        busy = httpx.get(url, params={"query": LOOKUP}, timeout=60)
        explosive.join()
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert "busy" in busy.json()["detail"]
    assert answers[0].status_code == 503
    assert "did not finish within 1 s" in answers[0].json()["detail"]
