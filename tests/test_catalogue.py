"""The catalogue: all-or-nothing publishing, what readers see, dropping sources, garbage."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat

from app.store import CATALOGUE_GRAPH, AccessLevel, GraphStore
from app.store.catalogue import (
    AmbiguousSource,
    CatalogueError,
    DropOutcome,
    GraphEntry,
    PublishOutcome,
    SourceEntry,
    SourceInfo,
    UnknownSource,
    collect_garbage,
    drop_source,
    generation,
    publish_study,
    sources,
    visible_graphs,
)
from app.store.oxigraph_store import OxigraphStore

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PENDING_GRAPH = NamedNode("https://w3id.org/cdkg/catalogue#PendingGraph")
BASE = "http://example.org/s1/"
STUDY = BASE + "study/S1"
OTHER_BASE = "http://example.org/s2/"
OTHER_STUDY = OTHER_BASE + "study/S2"
T1 = datetime(2024, 5, 2, 10, 15, tzinfo=UTC)
T2 = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
PUBLIC, RESTRICTED, CONFIDENTIAL = AccessLevel

Layout = dict[str, dict[AccessLevel, int]]
FIRST: Layout = {"study.yaml": {PUBLIC: 2, CONFIDENTIAL: 1}, "acts.csv": {PUBLIC: 3}}
SECOND: Layout = {"study.yaml": {PUBLIC: 1, RESTRICTED: 2}, "evidence.csv": {CONFIDENTIAL: 2}}


def graph_iri(file: str, level: AccessLevel, digest: str, base: str = BASE) -> str:
    return f"{base}graph/{file.replace('.', '-')}/{level.slug}/{digest}"


def study_load(digest: str, layout: Layout, base: str = BASE) -> tuple[list[SourceEntry], bytes]:
    """Sources and N-Quads of a small study: `n` distinct triples per file and level."""
    entries, lines = [], []
    for file, levels in layout.items():
        graphs = []
        for level, count in levels.items():
            graph = graph_iri(file, level, digest, base)
            for i in range(count):
                lines.append(
                    f'<{base}item/{file}-{i}> <{base}value> "{level.slug} {i}" <{graph}> .'
                )
            graphs.append(GraphEntry(graph, level, count))
        sha = hashlib.sha256(f"{file} {digest}".encode()).hexdigest()
        entries.append(
            SourceEntry(f"{base}source/{file.replace('.', '-')}", file, sha, tuple(graphs))
        )
    return entries, "\n".join(lines).encode() + b"\n"


def publish(
    store: GraphStore, digest: str, layout: Layout, when: datetime = T1, base: str = BASE
) -> PublishOutcome:
    entries, nquads = study_load(digest, layout, base)
    study = STUDY if base == BASE else OTHER_STUDY
    return publish_study(store, study, entries, io.BytesIO(nquads), when)


def all_quads(store: GraphStore) -> set[str]:
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    return set(out.getvalue().decode().splitlines())


def visible_quads(store: GraphStore) -> set[str]:
    """What a reader at the highest level can see, plus the catalogue itself (without the
    pending-graph marks, which are the loader's own bookkeeping for garbage collection)."""
    graphs = {*visible_graphs(store, CONFIDENTIAL), CATALOGUE_GRAPH}
    return {
        line
        for line in all_quads(store)
        if line.rsplit(" ", 2)[-2].strip("<>") in graphs and "#PendingGraph>" not in line
    }


def test_publish_into_an_empty_store(store: OxigraphStore) -> None:
    outcome = publish(store, "d1", FIRST)
    assert outcome == PublishOutcome(STUDY, False, graphs_written=3, triples=6, generation=1)
    assert generation(store) == 1
    sha_acts = hashlib.sha256(b"acts.csv d1").hexdigest()
    sha_study = hashlib.sha256(b"study.yaml d1").hexdigest()
    assert sources(store) == [
        SourceInfo(
            BASE + "source/acts-csv",
            STUDY,
            "acts.csv",
            sha_acts,
            T1,
            (GraphEntry(graph_iri("acts.csv", PUBLIC, "d1"), PUBLIC, 3),),
        ),
        SourceInfo(
            BASE + "source/study-yaml",
            STUDY,
            "study.yaml",
            sha_study,
            T1,
            (
                GraphEntry(graph_iri("study.yaml", CONFIDENTIAL, "d1"), CONFIDENTIAL, 1),
                GraphEntry(graph_iri("study.yaml", PUBLIC, "d1"), PUBLIC, 2),
            ),
        ),
    ]


def test_visible_graphs_by_level(store: OxigraphStore) -> None:
    publish(store, "d1", SECOND)
    public = (graph_iri("study.yaml", PUBLIC, "d1"),)
    restricted = (graph_iri("study.yaml", RESTRICTED, "d1"), *public)
    everything = (graph_iri("evidence.csv", CONFIDENTIAL, "d1"), *restricted)
    assert visible_graphs(store, PUBLIC) == public
    assert visible_graphs(store, RESTRICTED) == tuple(sorted(restricted))
    assert visible_graphs(store, CONFIDENTIAL) == tuple(sorted(everything))


def test_visible_graphs_follow_every_write(store: OxigraphStore) -> None:
    assert visible_graphs(store, PUBLIC) == ()
    publish(store, "d1", {"a.yaml": {PUBLIC: 1}})
    assert visible_graphs(store, PUBLIC) == (graph_iri("a.yaml", PUBLIC, "d1"),)
    publish(store, "d2", {"a.yaml": {PUBLIC: 1}})
    assert visible_graphs(store, PUBLIC) == (graph_iri("a.yaml", PUBLIC, "d2"),)


def test_publishing_the_same_load_twice_changes_nothing(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST, when=T1)
    before = all_quads(store)
    again = publish(store, "d1", FIRST, when=T2)
    assert again == PublishOutcome(STUDY, True, graphs_written=0, triples=0, generation=1)
    assert all_quads(store) == before
    assert {s.loaded_at for s in sources(store)} == {T1}


def test_a_changed_study_replaces_its_graphs_and_entries(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST)
    outcome = publish(store, "d2", SECOND, when=T2)
    assert outcome == PublishOutcome(STUDY, False, graphs_written=3, triples=5, generation=2)
    assert [(s.file, s.loaded_at) for s in sources(store)] == [
        ("evidence.csv", T2),
        ("study.yaml", T2),
    ]
    expected_graphs = {
        graph_iri("study.yaml", PUBLIC, "d2"),
        graph_iri("study.yaml", RESTRICTED, "d2"),
        graph_iri("evidence.csv", CONFIDENTIAL, "d2"),
    }
    assert set(store.graph_names()) == expected_graphs | {CATALOGUE_GRAPH}
    fresh = OxigraphStore(None)
    publish(fresh, "d2", SECOND, when=T2)
    publish(fresh, "d2", SECOND, when=T2)
    # Same visible state as a store that only ever saw the second load (generation aside).
    strip = {line for line in visible_quads(fresh) if "generation" not in line}
    assert {line for line in visible_quads(store) if "generation" not in line} == strip


def test_other_studies_are_left_alone(store: OxigraphStore) -> None:
    publish(store, "b1", {"other.yaml": {PUBLIC: 2}}, base=OTHER_BASE)
    publish(store, "d1", FIRST)
    publish(store, "d2", SECOND)
    assert graph_iri("other.yaml", PUBLIC, "b1", OTHER_BASE) in visible_graphs(store, PUBLIC)
    assert [s.study for s in sources(store)] == [STUDY, STUDY, OTHER_STUDY]


def test_load_time_is_stored_in_utc(store: OxigraphStore) -> None:
    buenos_aires = timezone(timedelta(hours=-3))
    publish(
        store, "d1", {"a.yaml": {PUBLIC: 1}}, when=datetime(2024, 5, 2, 7, 15, tzinfo=buenos_aires)
    )
    assert [s.loaded_at for s in sources(store)] == [T1]


def test_a_failed_bulk_load_leaves_the_catalogue_untouched(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST)
    before = visible_quads(store)
    entries, nquads = study_load("d2", SECOND)
    with pytest.raises(SyntaxError):
        publish_study(store, STUDY, entries, io.BytesIO(nquads + b"<broken"), T2)
    assert visible_quads(store) == before
    assert generation(store) == 1
    publish(store, "d2", SECOND)
    catalogued = set(visible_graphs(store, CONFIDENTIAL))
    assert set(store.graph_names()) == catalogued | {CATALOGUE_GRAPH}


class Killed(Exception):
    """Stands for the process dying at one step of a publish."""


class DyingStore:
    """Delegates to a real store, but dies on the first call of `method`."""

    def __init__(self, inner: OxigraphStore, method: str) -> None:
        self.inner = inner
        self.method = method

    def __getattr__(self, name: str) -> Any:
        if name == self.method:
            raise Killed(name)
        return getattr(self.inner, name)


def test_dying_before_the_switch_changes_no_reader_view(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST)
    before = visible_quads(store)
    with pytest.raises(Killed):
        publish(cast(GraphStore, DyingStore(store, "update")), "d2", SECOND)
    assert visible_quads(store) == before
    assert graph_iri("evidence.csv", CONFIDENTIAL, "d2") in store.graph_names()
    publish(store, "d2", SECOND)
    assert set(store.graph_names()) == {*visible_graphs(store, CONFIDENTIAL), CATALOGUE_GRAPH}


def test_dying_after_the_switch_leaves_only_garbage(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST)
    with pytest.raises(Killed):
        publish(cast(GraphStore, DyingStore(store, "drop_graph")), "d2", SECOND)
    assert [s.file for s in sources(store)] == ["evidence.csv", "study.yaml"]
    old = {graph_iri("study.yaml", PUBLIC, "d1"), graph_iri("acts.csv", PUBLIC, "d1")}
    assert old <= set(store.graph_names())
    assert not old & set(visible_graphs(store, CONFIDENTIAL))
    dropped = collect_garbage(store)
    assert set(dropped) == old | {graph_iri("study.yaml", CONFIDENTIAL, "d1")}


def test_collect_garbage_keeps_catalogued_graphs(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST)
    orphan = BASE + "graph/left-over"
    written_by_hand = BASE + "graph/by-hand"
    store.add_quads(
        [
            Quad(NamedNode(BASE + "x"), NamedNode(BASE + "p"), Literal("1"), NamedNode(orphan)),
            Quad(NamedNode(orphan), RDF_TYPE, PENDING_GRAPH, NamedNode(CATALOGUE_GRAPH)),
            Quad(
                NamedNode(BASE + "x"),
                NamedNode(BASE + "p"),
                Literal("2"),
                NamedNode(written_by_hand),
            ),
        ]
    )
    # Only graphs a load marked as pending are garbage; others were written on purpose.
    assert collect_garbage(store) == (orphan,)
    assert written_by_hand in store.graph_names()
    store.drop_graph(written_by_hand)
    assert set(store.graph_names()) == {*visible_graphs(store, CONFIDENTIAL), CATALOGUE_GRAPH}
    assert collect_garbage(store) == ()


@pytest.mark.parametrize(
    "name",
    [BASE + "source/acts-csv", "acts.csv", "acts-csv", "examples/acts.csv", "./examples/acts.csv"],
)
def test_drop_source_by_iri_file_slug_or_path(store: OxigraphStore, name: str) -> None:
    publish(store, "d1", FIRST)
    outcome = drop_source(store, name)
    assert outcome == DropOutcome(
        BASE + "source/acts-csv", STUDY, "acts.csv", graphs_dropped=1, triples=3, generation=2
    )
    assert [s.file for s in sources(store)] == ["study.yaml"]
    assert graph_iri("acts.csv", PUBLIC, "d1") not in store.graph_names()
    assert visible_graphs(store, PUBLIC) == (graph_iri("study.yaml", PUBLIC, "d1"),)


def test_drop_unknown_source(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST)
    with pytest.raises(UnknownSource, match=r"no catalogued source matches 'flags\.csv'"):
        drop_source(store, "flags.csv")
    assert generation(store) == 1


def test_drop_ambiguous_source(store: OxigraphStore) -> None:
    publish(store, "d1", FIRST)
    publish(store, "b1", {"study.yaml": {PUBLIC: 1}}, base=OTHER_BASE)
    with pytest.raises(AmbiguousSource, match="matches several sources"):
        drop_source(store, "study.yaml")
    assert drop_source(store, OTHER_BASE + "source/study-yaml").study_iri == OTHER_STUDY


def test_publish_refuses_a_naive_load_time(store: OxigraphStore) -> None:
    entries, nquads = study_load("d1", FIRST)
    with pytest.raises(CatalogueError, match="time zone"):
        publish_study(store, STUDY, entries, io.BytesIO(nquads), datetime(2024, 5, 2))
    assert store.graph_names() == []


def test_publish_refuses_the_catalogue_as_a_data_graph(store: OxigraphStore) -> None:
    entry = SourceEntry(
        BASE + "source/x", "x.yaml", "0" * 64, (GraphEntry(CATALOGUE_GRAPH, PUBLIC, 1),)
    )
    with pytest.raises(CatalogueError, match="not the catalogue"):
        publish_study(store, STUDY, [entry], io.BytesIO(b""), T1)


def test_publish_refuses_a_bad_iri(store: OxigraphStore) -> None:
    entry = SourceEntry("not an iri", "x.yaml", "0" * 64, ())
    with pytest.raises(CatalogueError, match="not a valid IRI: 'not an iri'"):
        publish_study(store, STUDY, [entry], io.BytesIO(b""), T1)
