"""The demo study answers every canned query: each query's own example call returns rows for an
anonymous reader, and the answers agree with the story told in examples/README.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode

from app.canned.registry import load_registry
from app.main import create_app
from app.settings import Settings
from app.store.base import AccessLevel
from app.store.catalogue import visible_graphs
from loaders.pipeline import prepare, publish

ROOT = Path(__file__).parent.parent
D = "https://w3id.org/cdkg/demo/"
NAMES = sorted(path.stem for path in (ROOT / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    settings = Settings(store=Path(":memory:"))
    app = create_app(settings)
    with TestClient(app) as started:
        with prepare([ROOT / "examples"]) as prepared:
            publish(prepared, started.app.state.store)
        yield started


def rows(client: TestClient, url: str) -> list[dict[str, object]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    found: list[dict[str, object]] = response.json()["rows"]
    return found


@pytest.mark.parametrize("name", NAMES)
def test_every_example_call_has_answers(client: TestClient, name: str) -> None:
    query = load_registry(ROOT / "queries").get(name)
    assert query is not None
    assert rows(client, query.header.example), f"{name}: {query.header.example} gave no rows"


def test_kestrel_imposed_road_users_on_both_companies(client: TestClient) -> None:
    found = rows(client, "/queries/shared-taxonomies")
    assert [(r["client"], r["taxonomy"], r["vendorCount"], r["vendors"]) for r in found] == [
        (D + "org/CL-KM", D + "taxonomy/TX-PED", 2, "Sur Etiquetado; Vitosha Annotation")
    ]


def test_road_users_2_reached_the_annotators_through_the_line(client: TestClient) -> None:
    found = rows(
        client,
        f"/queries/imposition-chain?version={D}version/TX-PED-v2&person={D}person/P05",
    )
    through_meeting = [r["imposition"] for r in found if r["reached"] == D + "imposition/IMP08"]
    assert through_meeting == [
        D + "imposition/IMP06",
        D + "imposition/IMP07",
        D + "imposition/IMP08",
    ]


def test_the_tool_configuration_bypassed_the_team_lead(client: TestClient) -> None:
    found = rows(client, "/queries/bypassed-team-leads")
    bypassing = {r["imposition"] for r in found}
    assert {D + "imposition/IMP09", D + "imposition/IMP10"} <= bypassing


def test_p07_applied_pedestrian_after_the_overruled_objection(client: TestClient) -> None:
    found = rows(client, f"/queries/overruled-objections?objector={D}person/P07")
    assert [(r["disputed"], r["laterApplied"]) for r in found] == [
        (D + "category/CAT-PED-PED", True)
    ]


def test_p08_moved_from_annotation_to_qa(client: TestClient) -> None:
    found = rows(client, f"/queries/role-change-decisions?person={D}person/P08")
    roles = [str(r["role"]).rsplit("#", 1)[1] for r in found]
    assert roles == ["AnnotatorRole", "QAReviewerRole"]
    annotator, reviewer = found
    assert annotator["to"] == "2023-05-31" and reviewer["from"] == "2023-06-01"
    assert int(str(annotator["acts"])) > 0 and annotator["overridesMade"] == 0
    assert reviewer["acts"] == 0 and int(str(reviewer["overridesMade"])) > 0


def test_rider_merged_cyclist_and_scooter_rider(client: TestClient) -> None:
    found = rows(client, "/queries/version-changes?change_type=cdo:Merged")
    assert [(r["change"], r["before"], r["after"]) for r in found] == [
        (D + "change/CH-PED-1", "cyclist; scooter rider", "rider")
    ]


def _terms(client: TestClient, graphs: list[str]) -> set[str]:
    """The IRIs and texts (of eight characters or more) stated in `graphs`."""
    store = client.app.state.store
    found: set[str] = set()
    for graph in graphs:
        for row in store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"):
            for term in row:
                if isinstance(term, NamedNode) or (
                    isinstance(term, Literal) and len(term.value) >= 8
                ):
                    found.add(term.value)
    return found


def test_anonymous_answers_show_nothing_hidden(client: TestClient) -> None:
    store = client.app.state.store
    public = list(visible_graphs(store, AccessLevel.PUBLIC))
    hidden_graphs = [
        g for g in visible_graphs(store, AccessLevel.CONFIDENTIAL) if g not in set(public)
    ]
    hidden = _terms(client, hidden_graphs) - _terms(client, public)
    assert hidden, "the demo study should hold restricted or confidential records"
    texts = [h for h in hidden if not h.startswith("http")]
    registry = load_registry(ROOT / "queries")
    for query in registry:
        example = query.header.example
        for fmt in ("json", "csv", "html"):
            url = f"{example}{'&' if '?' in example else '?'}format={fmt}"
            response = client.get(url)
            assert response.status_code == 200, response.text
            body = response.text
            leaked = [h for h in hidden if h in body and (h in texts or _whole_iri(body, h))]
            assert not leaked, f"{url} shows hidden terms: {leaked[:3]}"


def _whole_iri(body: str, iri: str) -> bool:
    """Whether `iri` appears in `body` as a whole value, not as the start of a longer IRI."""
    return any(f"{iri}{end}" in body for end in ('"', ",", "\r", "\n", "<", ";"))
