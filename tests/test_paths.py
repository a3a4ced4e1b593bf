"""The projection of the decision layer: what each access level sees, folded edges, the cache.

Expected values come from tests/fixtures/mini (its README states the facts used here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyoxigraph import QuerySolutions
from test_paths_support import MINI, ONTOLOGY, loaded_store, mini

from app.paths.cache import get_projection
from app.paths.projection import Projection, build_projection
from app.paths.reading import summary_records
from app.paths.vocabulary import APPLIED, JUSTIFIED_BY, OVERRODE_TO, ontology_labels
from app.store.base import AccessLevel, GraphStore
from app.store.catalogue import GENERATION_BUMP, forget_generation, visible_graphs
from app.store.oxigraph_store import OxigraphStore


@pytest.fixture(scope="module")
def store() -> Iterator[OxigraphStore]:
    opened = loaded_store(MINI)
    yield opened
    opened.close()


def projection(store: GraphStore, level: AccessLevel) -> Projection:
    return build_projection(store, level, ontology_labels(ONTOLOGY))


def test_each_level_sees_the_documents_of_its_level(store: OxigraphStore) -> None:
    public = projection(store, AccessLevel.PUBLIC)
    restricted = projection(store, AccessLevel.RESTRICTED)
    owner = projection(store, AccessLevel.CONFIDENTIAL)
    docs = [{n.id for n in p.nodes("document")} for p in (public, restricted, owner)]
    assert docs[0] == {"D1", "D2", "D3", "D5", "D6"}
    assert docs[1] == docs[0] | {"D4"}
    assert docs[2] == docs[1] | {"D7"}


def test_public_projection_holds_no_restricted_node_or_evidence(store: OxigraphStore) -> None:
    hidden = store.query(
        """SELECT DISTINCT ?s WHERE { ?s <https://w3id.org/cdkg/ontology#accessLevel> ?level
           FILTER (?level != <https://w3id.org/cdkg/ontology#Public>) }""",
        default_graphs=visible_graphs(store, AccessLevel.CONFIDENTIAL),
    )
    assert isinstance(hidden, QuerySolutions)
    hidden_iris = {row[0].value for row in hidden if row[0] is not None}
    assert mini("document", "D4") in hidden_iris
    public = projection(store, AccessLevel.PUBLIC)
    assert not hidden_iris & set(public.graph.nodes)
    cited = {e for _s, _t, edge in public.graph.edges(data="edge") for e in edge.evidence}
    cited |= {e for n in public.nodes() for e in n.evidence}
    # EV3 (withdrawn consent), EV4 (restricted) and EV5 (confidential) never show.
    assert cited == {mini("evidence", "EV1"), mini("evidence", "EV2")}


def test_evidence_on_edges_follows_the_level(store: OxigraphStore) -> None:
    def relay_evidence(level: AccessLevel) -> tuple[str, ...]:
        p = projection(store, level)
        (edge,) = p.out_edges(mini("imposition", "IM5"), "https://w3id.org/cdkg/ontology#relays")
        return edge.evidence

    assert relay_evidence(AccessLevel.PUBLIC) == ()
    assert relay_evidence(AccessLevel.RESTRICTED) == ()
    assert relay_evidence(AccessLevel.CONFIDENTIAL) == (mini("evidence", "EV5"),)


def test_acts_fold_into_applied_edges_per_project(store: OxigraphStore) -> None:
    p = projection(store, AccessLevel.PUBLIC)
    applied = {
        (p.node(e.source).id, p.node(e.target).id, p.node(e.project or "").id): dict(e.details)
        for e in (edge for _s, _t, edge in p.graph.edges(data="edge"))
        if e.predicate == APPLIED
    }
    # A1: X01 cat, X03 other, X05+X11 pet (X11 overridden), X06 cat, X07 usable, X08 unusable
    # (overridden); PJ2: X09 unknown (overridden), X10 man. A2: X02 dog, X04 cat (overridden).
    assert applied == {
        ("A1", "c-cat", "PJ1"): {"acts": 2, "overridden": 0, "own_choice": 2},
        ("A1", "c-other", "PJ1"): {"acts": 1, "overridden": 0, "own_choice": 1},
        ("A1", "c-pet", "PJ1"): {"acts": 2, "overridden": 1, "own_choice": 1},
        ("A1", "q-ok", "PJ1"): {"acts": 1, "overridden": 0, "own_choice": 1},
        ("A1", "q-bad", "PJ1"): {"acts": 1, "overridden": 1, "own_choice": 0},
        ("A1", "p-unknown", "PJ2"): {"acts": 1, "overridden": 1, "own_choice": 0},
        ("A1", "p-man", "PJ2"): {"acts": 1, "overridden": 0, "own_choice": 1},
        ("A2", "c-dog", "PJ1"): {"acts": 1, "overridden": 0, "own_choice": 1},
        ("A2", "c-cat", "PJ1"): {"acts": 1, "overridden": 1, "own_choice": 0},
    }
    assert not any(n.kind == "act" for n in p.nodes())


def test_overrides_fold_into_reviewer_edges(store: OxigraphStore) -> None:
    p = projection(store, AccessLevel.PUBLIC)

    def folded(predicate: str) -> dict[tuple[str, str], dict[str, int]]:
        return {
            (p.node(e.source).id, p.node(e.target).id): dict(e.details)
            for _s, _t, e in p.graph.edges(data="edge")
            if e.predicate == predicate
        }

    assert folded(OVERRODE_TO) == {
        ("Q1", "c-dog"): {"document": 1},
        ("Q1", "p-woman"): {"rule": 1},
        ("Q1", "c-other"): {"gold set": 1},
        ("A2", "q-ok"): {"none": 1},
    }
    assert folded(JUSTIFIED_BY) == {
        ("Q1", "D1"): {"document": 1},
        ("Q1", "RU3"): {"rule": 1},
        ("Q1", "D5"): {"gold set": 1},
    }


def test_nodes_carry_labels_attributes_and_kind_refs(store: OxigraphStore) -> None:
    p = projection(store, AccessLevel.PUBLIC)
    node = p.resolve("imposition/IM5")
    assert (node.kind, node.label, node.ref) == ("imposition", "IM5", "imposition/IM5")
    assert node.attrs == {"date": "2024-04-02", "medium": "tool configuration"}
    assert p.resolve(mini("org", "C1")).label == "Client One"
    assert p.resolve("organization/C1").iri == mini("org", "C1")
    assert p.resolve("c-pet", kind="category").label == "pet"
    edge_labels = {e.label for e in p.out_edges(node.iri)}
    assert {"imposed by", "imposed on", "imposes", "via document", "relays"} <= edge_labels


def test_cache_rebuilds_only_when_the_generation_moves(store: OxigraphStore) -> None:
    first = get_projection(store, AccessLevel.PUBLIC, ONTOLOGY)
    assert get_projection(store, AccessLevel.PUBLIC, ONTOLOGY) is first
    assert get_projection(store, AccessLevel.RESTRICTED, ONTOLOGY) is not first
    store.update(GENERATION_BUMP)
    # A write that bypasses the service's write paths must say so (see known_generation).
    forget_generation(store)
    second = get_projection(store, AccessLevel.PUBLIC, ONTOLOGY)
    assert second is not first
    assert second.generation == first.generation + 1
    assert set(second.graph.nodes) == set(first.graph.nodes)


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        (
            "https://example.org/mini/summary/applied/public/A1/PJ1/c-pet",
            ("applied", (mini("person", "A1"), mini("project", "PJ1"), mini("category", "c-pet"))),
        ),
        (
            "https://x.org/s#summary/final/restricted/DS1/summary",
            ("final", ("https://x.org/s#dataset/DS1", "https://x.org/s#category/summary")),
        ),
        (
            "https://example.org/mini/summary/overrides/confidential/A2",
            ("overrides", (mini("person", "A2"),)),
        ),
        ("https://example.org/mini/person/A1", None),
    ],
)
def test_summary_iris_name_the_records_they_count(
    iri: str, expected: tuple[str, tuple[str, ...]] | None
) -> None:
    assert summary_records(iri) == expected
