"""/paths/connect, /paths/chain and /explain over the mini study (answers derived by hand from
tests/fixtures/mini/README.md), JSON and SVG, and at each access level."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_paths_support import MINI, mini, running_app, view_as

from app.security.access import ViewerRole

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[TestClient, FastAPI]]:
    with running_app(MINI) as started:
        yield started


@pytest.fixture
def client(api: tuple[TestClient, FastAPI]) -> Iterator[TestClient]:
    test_client, app = api
    view_as(app, "owner")
    yield test_client
    app.dependency_overrides.clear()


def as_role(api: tuple[TestClient, FastAPI], role: ViewerRole) -> TestClient:
    view_as(api[1], role)
    return api[0]


def test_connect_finds_the_one_short_path_with_directions(client: TestClient) -> None:
    # Client One and A1 share exactly one neighbour: project PJ1 (its client; A1 is staff).
    response = client.get(
        "/paths/connect", params={"from": "org/C1", "to": "person/A1", "max_length": 2}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["truncated"] is False
    assert [p["nodes"] for p in body["paths"]] == [
        [mini("org", "C1"), mini("project", "PJ1"), mini("person", "A1")]
    ]
    first, second = body["paths"][0]["steps"]
    assert [(e["label"], e["direction"]) for e in first["edges"]] == [("client", "backward")]
    assert [(e["label"], e["direction"]) for e in second["edges"]] == [("staff", "forward")]
    assert {n["label"] for n in body["nodes"]} == {"Client One", "Pet photos", "A1"}


def test_connect_orders_shortest_first_and_caps_the_count(client: TestClient) -> None:
    body = client.get(
        "/paths/connect",
        params={"from": "person/K1", "to": "person/A1", "max_length": 4, "limit": 3},
    ).json()
    lengths = [p["length"] for p in body["paths"]]
    assert lengths == sorted(lengths) and len(lengths) == 3
    assert body["truncated"] is True
    # K1 decided A1's proposal PP1: the one path of length 2; none is shorter.
    assert lengths[0] == 2 and lengths[1] == 3
    for path in body["paths"]:
        assert len(set(path["nodes"])) == len(path["nodes"])


def test_connect_edges_carry_evidence_ids(client: TestClient) -> None:
    body = client.get(
        "/paths/connect", params={"from": "person/K1", "to": "person/M1", "max_length": 2}
    ).json()
    via_im1 = next(p for p in body["paths"] if mini("imposition", "IM1") in p["nodes"])
    evidence = {
        ev["id"] for step in via_im1["steps"] for e in step["edges"] for ev in e["evidence"]
    }
    assert evidence == {"EV1"}


def test_chain_runs_from_the_root_to_the_annotators(client: TestClient) -> None:
    body = client.get("/paths/chain/IM3").json()
    assert body["root"]["id"] == "IM1"
    assert [p["ref"] for p in body["root_imposers"]] == ["person/K1"]
    steps = [(s["imposition"]["ref"], s["depth"], s["date"], s["medium"]) for s in body["steps"]]
    assert steps == [
        ("imposition/IM1", 0, "2024-01-10", "email"),
        ("imposition/IM2", 1, "2024-01-11", "meeting"),
        ("imposition/IM3", 2, "2024-01-12", "training session"),
    ]
    assert [(r["agent"]["ref"], r["date"]) for r in body["reached"]] == [
        ("person/A1", "2024-01-12"),
        ("person/A2", "2024-01-12"),
    ]


def test_chain_bypassing_the_team_lead_reaches_only_a1(client: TestClient) -> None:
    body = client.get("/paths/chain/imposition/IM4").json()
    assert [s["imposition"]["id"] for s in body["steps"]] == ["IM4", "IM5"]
    assert body["steps"][1]["medium"] == "tool configuration"
    assert [d["ref"] for d in body["steps"][1]["documents"]] == ["document/D6"]
    assert [r["agent"]["ref"] for r in body["reached"]] == ["person/A1"]


def test_chain_through_a_company_counts_its_member_as_the_relay(client: TestClient) -> None:
    # IM6 C2 -> V1 (the company), relayed by IM7 L1 (of V1) -> A1: V1 passed it on.
    body = client.get(f"/paths/chain/{mini('imposition', 'IM7')}").json()
    assert body["root"]["id"] == "IM6"
    assert [r["agent"]["ref"] for r in body["reached"]] == ["person/A1"]


def test_explain_pet_in_ds1(client: TestClient) -> None:
    body = client.get("/explain/c-pet", params={"dataset": "DS1"}).json()
    assert [p["ref"] for p in body["projects"][0]["clients"]] == ["org/C1"]
    assert [i["id"] for i in body["impositions"]] == ["IM4", "IM5"]
    assert [d["ref"] for d in body["documents"]] == ["document/D2", "document/D6"]
    assert [
        (a["annotator"]["ref"], a["acts"], a["overridden"], a["own_choice"])
        for a in body["annotators"]
    ] == [("person/A1", 2, 1, 1)]
    assert body["overrides"]["of_it"] == 1
    assert body["overrides"]["to_it"] == []
    assert [(c["id"], c["change_type"]) for c in body["changes"]] == [("CH1", "merged")]
    assert body["final_label_items"] == 1  # i5; i4's latest act (X11) was overridden to other


def test_explain_other_shows_the_exclusion_and_the_override_to_it(client: TestClient) -> None:
    body = client.get("/explain/category/c-other").json()
    assert [(e["id"], e["decision_level"]) for e in body["exclusions"]] == [("PP1", "client")]
    assert [(o["reviewer"]["ref"], o["count"], o["by"]) for o in body["overrides"]["to_it"]] == [
        ("person/Q1", 1, {"gold set": 1})
    ]
    assert body["dataset"] is None


@pytest.mark.parametrize(
    "url",
    [
        "/paths/connect?from=org/C1&to=person/A1&format=svg",
        "/paths/chain/IM3?format=svg",
        "/explain/c-pet?dataset=DS1&format=svg",
    ],
)
def test_svg_pictures_parse_as_xml_and_carry_labels(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == SVG + "svg"
    texts = {t.text for t in root.iter(SVG + "text")}
    assert "A1" in texts
    assert not list(root.iter(SVG + "script"))
    assert b"javascript" not in response.content.lower()


def test_svg_is_chosen_by_accept_and_406_when_nothing_fits(client: TestClient) -> None:
    svg = client.get("/paths/chain/IM3", headers={"Accept": "image/svg+xml"})
    assert svg.headers["content-type"].startswith("image/svg+xml")
    for answer in (svg, client.get("/paths/chain/IM3")):
        assert {"Accept", "Authorization"} <= set(answer.headers["vary"].split(", "))
    refused = client.get("/paths/chain/IM3", headers={"Accept": "text/csv"})
    assert refused.status_code == 406
    assert "image/svg+xml" in refused.json()["detail"]


def test_hidden_nodes_answer_exactly_like_unknown_ones(api: tuple[TestClient, FastAPI]) -> None:
    anonymous = as_role(api, "anonymous")
    hidden = anonymous.get("/paths/connect", params={"from": "document/D7", "to": "person/A1"})
    unknown = anonymous.get("/paths/connect", params={"from": "document/D0", "to": "person/A1"})
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["detail"].replace("D7", "?") == unknown.json()["detail"].replace("D0", "?")
    owner = as_role(api, "owner")
    assert (
        owner.get("/paths/connect", params={"from": "document/D7", "to": "person/A1"}).status_code
        == 200
    )
    api[1].dependency_overrides.clear()


def test_anonymous_answers_hold_no_restricted_record(api: tuple[TestClient, FastAPI]) -> None:
    anonymous = as_role(api, "anonymous")
    body = anonymous.get("/explain/p-unknown", params={"dataset": "DS2"}).json()
    iris = {n["iri"] for n in body["nodes"]}
    assert mini("document", "D4") not in iris
    assert "EV4" not in anonymous.get("/explain/p-unknown").text
    api[1].dependency_overrides.clear()


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/paths/connect?from=C1&to=person/A1", 400, "names no kind"),
        ("/paths/connect?from=planet/X&to=person/A1", 400, "unknown kind"),
        ("/paths/connect?from=org/C1&to=person/A1&max_length=0", 400, "max_length"),
        ("/paths/connect?from=org/C1", 400, "to"),
        ("/paths/chain/IM99", 404, "no imposition 'IM99'"),
        ("/paths/chain/person/A1", 404, "is not of kind imposition"),
        ("/explain/c-pet?dataset=DS9", 404, "no dataset 'DS9'"),
        ("/paths/chain/IM3?format=png", 406, "format='png'"),
    ],
)
def test_bad_input_gets_a_clear_error(
    client: TestClient, url: str, status: int, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert words in response.json()["detail"]
