"""The remembered catalogue generation: read once, forgotten by every write this process makes
through the catalogue or the query executors, and never kept when a write overlapped the read."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

import app.store.generation as generation_module
from app.sparql.execution import UpdateJob
from app.sparql.workers import InProcessExecutor
from app.store import CATALOGUE_GRAPH, AccessLevel
from app.store.base import CDKG
from app.store.catalogue import (
    GENERATION_BUMP,
    GraphEntry,
    SourceEntry,
    drop_source,
    forget_generation,
    known_generation,
    publish_study,
    visible_graphs,
)
from app.store.oxigraph_store import OxigraphStore

EX = "http://example.org/s/"
STUDY = EX + "study/S"
PUB = EX + "graph/a/public/1"
RES = EX + "graph/a/restricted/1"
LATE = EX + "graph/b/public/1"


def _source(name: str, *graphs: tuple[str, AccessLevel]) -> SourceEntry:
    return SourceEntry(
        f"{EX}source/{name}",
        f"{name}.yaml",
        name[0] * 64,
        tuple(GraphEntry(g, lv, 1) for g, lv in graphs),
    )


def _nquads(*graphs: str) -> io.BytesIO:
    return io.BytesIO("".join(f'<{EX}x> <{EX}in> "{g}" <{g}> .\n' for g in graphs).encode())


def _publish(store: OxigraphStore, *sources: SourceEntry) -> None:
    graphs = [g.iri for s in sources for g in s.graphs]
    publish_study(store, STUDY, list(sources), _nquads(*graphs), datetime.now(UTC))


@pytest.fixture
def store() -> OxigraphStore:
    opened = OxigraphStore(None)
    _publish(opened, _source("a", (PUB, AccessLevel.PUBLIC), (RES, AccessLevel.RESTRICTED)))
    return opened


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    reads: list[int] = []
    real = generation_module.generation

    def counted(store: object) -> int:
        value = real(store)  # type: ignore[arg-type]
        reads.append(value)
        return value

    monkeypatch.setattr(generation_module, "generation", counted)
    return reads


def test_generation_is_read_once_until_a_write(
    store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _count_reads(monkeypatch)
    assert [known_generation(store) for _ in range(3)] == [1, 1, 1]
    assert reads == [1]
    forget_generation(store)
    assert known_generation(store) == 1
    assert reads == [1, 1]


def test_publishing_is_seen_by_the_next_reader(store: OxigraphStore) -> None:
    assert visible_graphs(store, AccessLevel.PUBLIC) == (PUB,)
    _publish(
        store,
        _source("a", (PUB, AccessLevel.PUBLIC), (RES, AccessLevel.RESTRICTED)),
        _source("b", (LATE, AccessLevel.PUBLIC)),
    )
    assert known_generation(store) == 2
    assert visible_graphs(store, AccessLevel.PUBLIC) == (PUB, LATE)
    assert visible_graphs(store, AccessLevel.RESTRICTED) == (PUB, RES, LATE)


def test_dropping_is_seen_by_the_next_reader(store: OxigraphStore) -> None:
    assert visible_graphs(store, AccessLevel.RESTRICTED) == (PUB, RES)
    drop_source(store, "a.yaml")
    assert visible_graphs(store, AccessLevel.RESTRICTED) == ()
    assert known_generation(store) == 2


def test_update_through_the_executor_is_seen_by_the_next_reader(store: OxigraphStore) -> None:
    assert visible_graphs(store, AccessLevel.PUBLIC) == (PUB,)
    # An owner's SPARQL update may write the catalogue graph itself; the executor bumps the
    # generation after it.
    InProcessExecutor(store).run_update(
        UpdateJob(
            f"INSERT DATA {{ GRAPH <{CATALOGUE_GRAPH}> {{ <{LATE}> a <{CDKG}Graph> ; "
            f"<{CDKG}accessLevel> <{AccessLevel.PUBLIC.iri}> }} }}"
        )
    )
    assert known_generation(store) == 2
    assert visible_graphs(store, AccessLevel.PUBLIC) == (PUB, LATE)


def test_a_write_during_the_read_is_not_remembered_stale(
    store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = generation_module.generation

    def overlapped(read_from: OxigraphStore) -> int:
        value = real(read_from)
        # Another thread writes and reports it after this read saw the old generation.
        store.update(GENERATION_BUMP)
        forget_generation(store)
        return value

    monkeypatch.setattr(generation_module, "generation", overlapped)
    assert known_generation(store) == 1
    monkeypatch.setattr(generation_module, "generation", real)
    assert known_generation(store) == 2


def test_each_store_has_its_own_memory(store: OxigraphStore) -> None:
    other = OxigraphStore(None)
    assert known_generation(store) == 1
    assert known_generation(other) == 0
    assert visible_graphs(other, AccessLevel.CONFIDENTIAL) == ()
