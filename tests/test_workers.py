"""Query executors: worker processes and the in-process fallback, row cap, views, limits."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from app.settings import Settings
from app.sparql.execution import (
    Dataset,
    QueryJob,
    QueryOutput,
    QuerySyntaxError,
    QueryTimeout,
    ServerBusy,
    UpdateJob,
)
from app.sparql.workers import (
    InProcessExecutor,
    QueryFailed,
    Spool,
    WorkerExecutor,
    WorkerLost,
    create_executor,
)
from app.store.base import CATALOGUE_GRAPH
from app.store.catalogue import GENERATION_BUMP, forget_generation, generation
from app.store.oxigraph_store import OxigraphStore

EX = "http://example.org/"
G1 = EX + "graph/one"
G2 = EX + "graph/two"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
NAME = NamedNode(EX + "name")
AGE = NamedNode(EX + "age")
PREFIX = f"PREFIX ex: <{EX}>\n"
NAMES_IN_ORDER = PREFIX + "SELECT ?name WHERE { ?p ex:name ?name } ORDER BY STR(?name)"
CAROL = 'Carol\nline two\t"quoted"'
# Ten triples in G1: an eight-way cross product is 10^8 rows, far beyond any test's patience.
EXPLOSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l ."
    " ?m ?n1 ?o . ?p ?q ?r . ?s ?t ?u . ?v ?w ?x }"
)


def _quads() -> list[Quad]:
    g1, g2 = NamedNode(G1), NamedNode(G2)
    people = [
        ("alice", Literal("Alice"), 31),
        ("bob", Literal("Bob"), 27),
        ("carol", Literal(CAROL), 45),
        ("dan", Literal("Dan", language="en"), 52),
    ]
    quads = []
    for slug, name, age in people:
        person = NamedNode(EX + slug)
        quads.append(Quad(person, NAME, name, g1))
        quads.append(Quad(person, AGE, Literal(str(age), datatype=NamedNode(XSD_INTEGER)), g1))
    quads.append(Quad(BlankNode("anon"), NAME, Literal("Nobody"), g1))
    quads.append(
        Quad(NamedNode(EX + "zoe"), AGE, Literal("1", datatype=NamedNode(XSD_INTEGER)), g1)
    )
    quads.append(Quad(NamedNode(EX + "erin"), NAME, Literal("Erin"), g2))
    return quads


@pytest.fixture
def disk_store(tmp_path: Path) -> Iterator[OxigraphStore]:
    store = OxigraphStore(tmp_path / "store")
    store.add_quads(_quads())
    yield store
    store.close()


@pytest.fixture
def workers(disk_store: OxigraphStore) -> Iterator[WorkerExecutor]:
    assert disk_store.path is not None
    executor = WorkerExecutor(disk_store, disk_store.path, workers=2, max_queued=2, timeout_s=10)
    yield executor
    executor.close()


@pytest.fixture
def in_process(disk_store: OxigraphStore) -> InProcessExecutor:
    return InProcessExecutor(disk_store)


def _body(output: QueryOutput) -> bytes:
    return b"".join(output.chunks)


def _names(output: QueryOutput) -> list[str]:
    rows = json.loads(_body(output))["results"]["bindings"]
    return [row["name"]["value"] for row in rows]


def _job(query: str, **kwargs: object) -> QueryJob:
    dataset = kwargs.pop("dataset", Dataset((G1,), (G1, G2)))
    return QueryJob(query, dataset=dataset, **kwargs)  # type: ignore[arg-type]


def test_worker_answers_a_select_as_sparql_json(workers: WorkerExecutor) -> None:
    output = workers.run_query(_job(NAMES_IN_ORDER))
    assert output.kind == "solutions"
    assert output.media_type == "application/sparql-results+json"
    assert output.truncated is False
    assert _names(output) == ["Alice", "Bob", CAROL, "Dan", "Nobody"]


@pytest.mark.parametrize(
    "media_type",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_worker_and_in_process_bytes_are_identical(
    workers: WorkerExecutor, in_process: InProcessExecutor, media_type: str
) -> None:
    query = PREFIX + "SELECT ?p ?name ?age WHERE { ?p ex:name ?name OPTIONAL { ?p ex:age ?age } }"
    query += " ORDER BY STR(?name)"
    job = _job(query, solutions_media_type=media_type)
    assert _body(workers.run_query(job)) == _body(in_process.run_query(job))


def test_row_cap_cuts_and_flags(workers: WorkerExecutor) -> None:
    output = workers.run_query(_job(NAMES_IN_ORDER, row_limit=2))
    assert _names(output) == ["Alice", "Bob"]
    assert output.truncated is True


def test_row_cap_equal_to_the_row_count_does_not_flag(workers: WorkerExecutor) -> None:
    output = workers.run_query(_job(NAMES_IN_ORDER, row_limit=5))
    assert _names(output) == ["Alice", "Bob", CAROL, "Dan", "Nobody"]
    assert output.truncated is False


def test_row_cap_of_zero_keeps_the_header(workers: WorkerExecutor) -> None:
    output = workers.run_query(_job(NAMES_IN_ORDER, row_limit=0, solutions_media_type="text/csv"))
    assert _body(output) == b"name\r\n"
    assert output.truncated is True


@pytest.mark.parametrize(
    "media_type",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ],
)
def test_capped_result_under_the_cap_is_byte_identical(
    in_process: InProcessExecutor, media_type: str
) -> None:
    # The cap round-trips through TSV: escapes, language tags, datatypes, blank nodes survive.
    query = PREFIX + "SELECT * WHERE { ?p ?prop ?value } ORDER BY STR(?value)"
    capped = in_process.run_query(_job(query, row_limit=100, solutions_media_type=media_type))
    plain = in_process.run_query(_job(query, solutions_media_type=media_type))
    assert _body(capped) == _body(plain)
    assert capped.truncated is False


def test_row_cap_applies_to_graph_results(workers: WorkerExecutor) -> None:
    query = PREFIX + "CONSTRUCT { ?p ex:name ?name } WHERE { ?p ex:name ?name }"
    full = _body(workers.run_query(_job(query, graph_media_type="application/n-triples")))
    capped = workers.run_query(_job(query, graph_media_type="application/n-triples", row_limit=2))
    lines = _body(capped).decode().splitlines()
    assert len(full.decode().splitlines()) == 5
    assert len(lines) == 2
    assert capped.truncated is True
    assert capped.kind == "graph"


def test_boolean_result(workers: WorkerExecutor) -> None:
    output = workers.run_query(_job(PREFIX + "ASK { ex:bob ex:age 27 }"))
    assert output.kind == "boolean"
    assert json.loads(_body(output))["boolean"] is True


def test_dataset_is_what_the_job_says(workers: WorkerExecutor) -> None:
    only_two = workers.run_query(_job(NAMES_IN_ORDER, dataset=Dataset((G2,), ())))
    assert _names(only_two) == ["Erin"]
    empty = workers.run_query(_job(NAMES_IN_ORDER, dataset=Dataset((), ())))
    assert _names(empty) == []
    graphs = workers.run_query(
        _job(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            dataset=Dataset((), (G2,)),
        )
    )
    rows = json.loads(_body(graphs))["results"]["bindings"]
    assert [row["g"]["value"] for row in rows] == [G2]


def test_from_clause_cannot_widen_the_dataset(workers: WorkerExecutor) -> None:
    query = PREFIX + f"SELECT ?name FROM <{G1}> WHERE {{ ?p ex:name ?name }}"
    output = workers.run_query(_job(query, dataset=Dataset((G2,), ())))
    assert _names(output) == ["Erin"]


def test_syntax_error_names_the_position(workers: WorkerExecutor) -> None:
    with pytest.raises(QuerySyntaxError, match="line 1, column 17, at the end of the query"):
        workers.run_query(_job("SELECT * WHERE {"))
    # The worker that reported it is still in service.
    assert _names(workers.run_query(_job(NAMES_IN_ORDER))) == [
        "Alice",
        "Bob",
        CAROL,
        "Dan",
        "Nobody",
    ]


def test_evaluation_error_is_reported_and_the_worker_stays(workers: WorkerExecutor) -> None:
    pids = workers.worker_pids()
    with pytest.raises(QueryFailed, match=r"custom function <http://example\.org/f>"):
        workers.run_query(_job("SELECT (<http://example.org/f>(1) AS ?x) WHERE {}"))
    assert workers.worker_pids() == pids


def test_update_evaluation_error(workers: WorkerExecutor) -> None:
    with pytest.raises(QueryFailed, match="does not exist"):
        workers.run_update(UpdateJob("DROP GRAPH <http://example.org/none>"))


def test_large_result_spans_many_frames(
    workers: WorkerExecutor, in_process: InProcessExecutor
) -> None:
    # 10 x 10 x 10 x 10 = 10,000 rows of four IRIs/literals: several hundred KiB of CSV.
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    job = _job(query, solutions_media_type="text/csv")
    body = _body(workers.run_query(job))
    assert body.count(b"\r\n") == 10_001
    assert body == _body(in_process.run_query(job))


def test_update_is_seen_by_the_next_query(workers: WorkerExecutor) -> None:
    assert len(_names(workers.run_query(_job(NAMES_IN_ORDER)))) == 5
    workers.run_update(
        UpdateJob(PREFIX + f'INSERT DATA {{ GRAPH <{G1}> {{ ex:fred ex:name "Fred" }} }}')
    )
    names = _names(workers.run_query(_job(NAMES_IN_ORDER)))
    assert names == ["Alice", "Bob", CAROL, "Dan", "Fred", "Nobody"]


def test_reported_write_that_bumps_the_generation_is_seen(
    workers: WorkerExecutor, disk_store: OxigraphStore
) -> None:
    # A write outside the executor (as the catalogue's publish does) reports itself.
    assert len(_names(workers.run_query(_job(NAMES_IN_ORDER)))) == 5
    disk_store.update(
        PREFIX
        + f'INSERT DATA {{ GRAPH <{G1}> {{ ex:gina ex:name "Gina" }} }} ;\n'
        + GENERATION_BUMP
    )
    forget_generation(disk_store)
    assert "Gina" in _names(workers.run_query(_job(NAMES_IN_ORDER)))


def test_update_syntax_error(workers: WorkerExecutor) -> None:
    with pytest.raises(QuerySyntaxError):
        workers.run_update(UpdateJob("INSERT DATA {"))


def test_updates_that_succeed_bump_the_generation(
    workers: WorkerExecutor, disk_store: OxigraphStore
) -> None:
    # Caches kept per generation (path projections, linked-data pages, ETags) must see edits
    # to study graphs made through /sparql; failed updates change nothing.
    disk_store.update(GENERATION_BUMP)  # what a first load leaves: a catalogue at generation 1
    workers.run_update(
        UpdateJob(PREFIX + f'INSERT DATA {{ GRAPH <{G1}> {{ ex:hal ex:name "Hal" }} }}')
    )
    assert generation(disk_store) == 2
    with pytest.raises(QuerySyntaxError):
        workers.run_update(UpdateJob("INSERT DATA {"))
    with pytest.raises(QueryFailed):
        workers.run_update(UpdateJob("DROP GRAPH <http://example.org/none>"))
    assert generation(disk_store) == 2


def test_an_update_leaves_a_store_without_catalogue_without_one(
    workers: WorkerExecutor, disk_store: OxigraphStore
) -> None:
    workers.run_update(
        UpdateJob(PREFIX + f'INSERT DATA {{ GRAPH <{G1}> {{ ex:ida ex:name "Ida" }} }}')
    )
    assert generation(disk_store) == 0
    assert CATALOGUE_GRAPH not in disk_store.graph_names()


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _busy_pid(executor: WorkerExecutor) -> int:
    for _ in range(500):
        busy = executor.busy_worker_pids()
        if busy:
            return busy[0]
        time.sleep(0.01)
    raise AssertionError("the query never reached a worker")


def test_timeout_kills_the_worker_and_replaces_it(workers: WorkerExecutor) -> None:
    outcome: list[BaseException] = []

    def explode() -> None:
        try:
            workers.run_query(_job(EXPLOSIVE, timeout_s=1))
        except QueryTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=explode)
    thread.start()
    victim = _busy_pid(workers)
    thread.join()
    assert len(outcome) == 1
    assert "did not finish within 1 s" in str(outcome[0])
    assert not _pid_exists(victim)
    assert victim not in workers.worker_pids()
    assert len(workers.worker_pids()) == 2
    assert _names(workers.run_query(_job(NAMES_IN_ORDER)))[0] == "Alice"


def test_full_pool_and_queue_refuse_at_once(disk_store: OxigraphStore) -> None:
    assert disk_store.path is not None
    executor = WorkerExecutor(disk_store, disk_store.path, workers=1, max_queued=0, timeout_s=1)
    try:
        outcome: list[BaseException] = []

        def explode() -> None:
            try:
                executor.run_query(_job(EXPLOSIVE))
            except QueryTimeout as exc:
                outcome.append(exc)

        thread = threading.Thread(target=explode)
        thread.start()
        _busy_pid(executor)
        with pytest.raises(ServerBusy, match="busy"):
            executor.run_query(_job(NAMES_IN_ORDER, timeout_s=30))
        thread.join()
        assert len(outcome) == 1
    finally:
        executor.close()


def test_queued_query_runs_once_a_worker_is_free(disk_store: OxigraphStore) -> None:
    assert disk_store.path is not None
    executor = WorkerExecutor(disk_store, disk_store.path, workers=1, max_queued=1, timeout_s=30)
    finished: list[str] = []
    try:

        def explode() -> None:
            try:
                executor.run_query(_job(EXPLOSIVE, timeout_s=1))
            except QueryTimeout:
                finished.append("explosive")

        thread = threading.Thread(target=explode)
        thread.start()
        _busy_pid(executor)
        names = _names(executor.run_query(_job(NAMES_IN_ORDER)))
        finished.append("lookup")
        thread.join()
        assert names[0] == "Alice"
        assert finished == ["explosive", "lookup"]
    finally:
        executor.close()


def test_dead_worker_is_reported_and_replaced(disk_store: OxigraphStore) -> None:
    assert disk_store.path is not None
    executor = WorkerExecutor(disk_store, disk_store.path, workers=1, max_queued=0, timeout_s=10)
    try:
        (pid,) = executor.worker_pids()
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(WorkerLost, match="stopped unexpectedly"):
            executor.run_query(_job(NAMES_IN_ORDER))
        assert executor.worker_pids() != (pid,)
        assert _names(executor.run_query(_job(NAMES_IN_ORDER)))[0] == "Alice"
    finally:
        executor.close()


def test_close_stops_every_worker(disk_store: OxigraphStore) -> None:
    assert disk_store.path is not None
    executor = WorkerExecutor(disk_store, disk_store.path, workers=2, max_queued=0, timeout_s=10)
    pids = executor.worker_pids()
    executor.close()
    assert len(pids) == 2
    assert not any(_pid_exists(pid) for pid in pids)
    with pytest.raises(ServerBusy, match="shutting down"):
        executor.run_query(_job(NAMES_IN_ORDER))


def test_create_executor_picks_by_store_kind(tmp_path: Path) -> None:
    memory = OxigraphStore(None)
    assert isinstance(create_executor(Settings(store=Path(":memory:")), memory), InProcessExecutor)
    disk = OxigraphStore(tmp_path / "store")
    executor = create_executor(
        Settings(store=tmp_path / "store", query_workers=1, max_queued_queries=0), disk
    )
    try:
        assert isinstance(executor, WorkerExecutor)
        assert len(executor.worker_pids()) == 1
    finally:
        executor.close()
        disk.close()


def test_in_process_executor_runs_updates_and_queries() -> None:
    store = OxigraphStore(None)
    executor = InProcessExecutor(store)
    executor.run_update(
        UpdateJob(PREFIX + f'INSERT DATA {{ GRAPH <{G1}> {{ ex:a ex:name "A" }} }}')
    )
    assert _names(executor.run_query(_job(NAMES_IN_ORDER))) == ["A"]
    with pytest.raises(QuerySyntaxError):
        executor.run_query(_job("ASK {"))


def test_spool_moves_to_a_file_past_its_memory_share() -> None:
    spool = Spool(memory_bytes=8)
    for part in (b"abcde", b"fghij", b"klmno"):
        spool.write(part)
    assert spool.size == 15
    assert b"".join(spool.chunks()) == b"abcdefghijklmno"


def test_spool_file_is_closed_when_its_chunks_are_dropped_unread() -> None:
    spool = Spool(memory_bytes=4)
    spool.write(b"more than four bytes")
    chunks = spool.chunks()
    del chunks  # with warnings as errors, an unclosed file would fail this test


def test_spool_in_memory() -> None:
    spool = Spool(memory_bytes=100)
    spool.write(b"one ")
    spool.write(b"two")
    assert list(spool.chunks()) == [b"one two"]
