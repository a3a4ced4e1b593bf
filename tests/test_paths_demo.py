"""The demo study answers every path, analytics and datasheet route with non-empty results."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from test_paths_support import DEMO, running_app, view_as

DEMO_BASE = "https://w3id.org/cdkg/demo/"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with running_app(DEMO) as (started, app):
        view_as(app, "owner")
        yield started


def test_connect_client_to_annotator(client: TestClient) -> None:
    body = client.get("/paths/connect", params={"from": "org/CL-KM", "to": "person/P05"}).json()
    assert body["paths"] and body["paths"][0]["length"] == 2
    assert all(step["edges"] for path in body["paths"] for step in path["steps"])


def test_chain_from_client_email_to_annotators(client: TestClient) -> None:
    body = client.get("/paths/chain/IMP03").json()
    assert body["root"]["id"] == "IMP01"
    assert len(body["steps"]) >= 3
    assert body["reached"]


def test_explain_a_label_in_its_dataset(client: TestClient) -> None:
    body = client.get("/explain/CAT-PED-PED", params={"dataset": "DS-PED"}).json()
    assert [c["id"] for p in body["projects"] for c in p["clients"]] == ["CL-KM"]
    assert body["impositions"] and body["documents"] and body["annotators"]
    assert body["final_label_items"] > 0


def test_analytics_and_datasheet(client: TestClient) -> None:
    figures = client.get("/analytics/authority").json()
    assert sum(a["impositions_made"] for a in figures["actors"]) > 0
    assert sum(a["overrides_made"] for a in figures["actors"]) > 0
    assert figures["decision_levels"] and figures["reporting_distances"]
    doc = client.get("/datasets/DS-PED/datasheet", params={"format": "jsonld"}).json()
    for key in (
        "dataAnnotationProtocol",
        "dataAnnotationPlatform",
        "dataLimitations",
        "dataAnnotationAnalysis",
        "annotatorDemographics",
    ):
        assert doc[f"rai:{key}"], key


def test_svg_of_a_demo_explanation_parses(client: TestClient) -> None:
    response = client.get("/explain/CAT-PED-PED", params={"dataset": "DS-PED", "format": "svg"})
    assert ET.fromstring(response.content).tag == "{http://www.w3.org/2000/svg}svg"
