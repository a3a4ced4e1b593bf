"""`/queries` over HTTP: the index, renderings, negotiation, paging, typed errors, OpenAPI,
access, and values that try to break out of the query."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.canned.registry import load_registry
from app.main import create_app
from app.settings import Settings
from loaders.pipeline import prepare, publish

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
QUERIES_DIR = Path(__file__).parent.parent / "queries"
M = "https://example.org/mini/"
CANNED = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tokens = tmp_path_factory.mktemp("tokens") / "tokens.json"
    settings = Settings(store=Path(":memory:"), tokens_file=tokens, row_limit=50)
    app = create_app(settings)
    with TestClient(app) as started:
        with prepare([MINI_DIR]) as prepared:
            publish(prepared, started.app.state.store)
        yield started


def problem(client: TestClient, url: str, status: int, **params: str) -> str:
    response = client.get(url, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    detail: str = response.json()["detail"]
    return detail


def test_index_lists_every_query(client: TestClient) -> None:
    response = client.get("/queries")
    assert response.status_code == 200
    entries = response.json()["queries"]
    assert [e["name"] for e in entries] == CANNED
    chain = next(e for e in entries if e["name"] == "imposition-chain")
    assert chain["path"] == "/queries/imposition-chain"
    assert [(p["name"], p["type"], p["required"]) for p in chain["parameters"]] == [
        ("version", "iri", True),
        ("person", "iri", True),
    ]
    assert all(e["title"] and e["description"] and e["example"] for e in entries)


def test_index_as_html(client: TestClient) -> None:
    response = client.get("/queries", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for name in CANNED:
        assert f'href="/queries/{name}?format=html"' in response.text


def test_json_page(client: TestClient) -> None:
    response = client.get("/queries/residual-share", params={"dataset": M + "dataset/DS2"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["query"] == "residual-share"
    assert body["parameters"] == {"dataset": M + "dataset/DS2"}
    assert body["columns"] == [
        "dataset",
        "datasetLabel",
        "labelledItems",
        "residualItems",
        "residualShare",
    ]
    assert body["rows"] == [
        {
            "dataset": M + "dataset/DS2",
            "datasetLabel": "Portrait set",
            "labelledItems": 2,
            "residualItems": 0,
            "residualShare": 0.0,
        }
    ]
    # The default page (100 rows) is capped by this app's row limit (50).
    assert (body["offset"], body["limit"], body["truncated"], body["next"]) == (0, 50, False, None)


def test_pages_follow_next_links(client: TestClient) -> None:
    whole = client.get(
        "/queries/imposition-chain",
        params={"version": M + "version/T1-v1", "person": M + "person/A1"},
    ).json()["rows"]
    assert len(whole) == 3
    seen: list[object] = []
    url: str | None = "/queries/imposition-chain"
    params: dict[str, str] | None = {
        "version": M + "version/T1-v1",
        "person": M + "person/A1",
        "limit": "2",
    }
    pages = 0
    while url is not None:
        response = client.get(url, params=params)
        assert response.status_code == 200
        body = response.json()
        seen += body["rows"]
        pages += 1
        if body["truncated"]:
            assert response.headers["cdkg-truncated"] == "true"
            assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        url, params = body["next"], None
    assert pages == 2
    assert seen == whole


def test_offset_past_the_end(client: TestClient) -> None:
    body = client.get("/queries/residual-share", params={"offset": "5"}).json()
    assert (body["rows"], body["truncated"], body["next"]) == ([], False, None)


def test_limit_is_capped_by_the_row_limit(client: TestClient) -> None:
    body = client.get("/queries/residual-share", params={"limit": "100000"}).json()
    assert body["limit"] == 50


def test_csv(client: TestClient) -> None:
    response = client.get("/queries/residual-share", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert {"Accept", "Authorization"} <= set(response.headers["vary"].split(", "))
    assert list(csv.reader(io.StringIO(response.text))) == [
        ["dataset", "datasetLabel", "labelledItems", "residualItems", "residualShare"],
        [M + "dataset/DS1", "Pet photo set", "6", "2", "0.3333"],
        [M + "dataset/DS2", "Portrait set", "2", "0", "0.0"],
    ]
    by_token = client.get("/queries/residual-share", params={"format": "csv"})
    assert by_token.text == response.text


class _Cells(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.scripts = 0
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self._in_cell = True
            self.cells.append("")
        self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


def test_html_table(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(
        "/queries/flagged-then-excluded", params={"limit": "1"}, headers={"Accept": browser}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = _Cells()
    page.feed(response.text)
    assert page.scripts == 0
    assert M + "item/i3" in page.cells
    assert "hamster" in page.cells
    assert "yes" in page.cells  # the residual flag, for people
    assert 'rel="next"' in response.text
    assert '<form class="params" method="get"' in response.text


@pytest.mark.parametrize(
    ("accept", "token"),
    [("image/png", None), ("application/sparql-results+xml", None), (None, "xml")],
)
def test_nothing_acceptable(client: TestClient, accept: str | None, token: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    params = {"format": token} if token else {}
    response = client.get("/queries/residual-share", params=params, headers=headers)
    assert response.status_code == 406
    assert "json" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "params", "mentions"),
    [
        ("imposition-chain", {"person": M + "person/A1"}, ["'version'", "required"]),
        ("residual-share", {"dataset": "not an iri"}, ["'dataset'", "IRI"]),
        ("residual-share", {"dataset": "DS1"}, ["'dataset'", "IRI"]),
        ("shared-taxonomies", {"min_vendors": "two"}, ["'min_vendors'", "whole number"]),
        ("shared-taxonomies", {"min_vendors": "1.5"}, ["'min_vendors'", "whole number"]),
        ("unpublishable-evidence", {"only_unpublishable": "yes"}, ["only_unpublishable", "true"]),
        ("excluded-proposals", {"decision_level": "cdo:Boss"}, ["'decision_level'", "one of"]),
        ("override-justifications", {"source": "vendor"}, ["'source'", "client"]),
        ("residual-share", {"datset": M + "dataset/DS1"}, ["'datset'", "dataset"]),
        ("residual-share", {"limit": "0"}, ["'limit'"]),
        ("residual-share", {"limit": "ten"}, ["'limit'"]),
        ("residual-share", {"offset": "-1"}, ["'offset'"]),
    ],
)
def test_bad_values_are_typed_400s(
    client: TestClient, name: str, params: dict[str, str], mentions: list[str]
) -> None:
    detail = problem(client, f"/queries/{name}", 400, **params)
    for word in mentions:
        assert word in detail


def test_a_parameter_given_twice(client: TestClient) -> None:
    response = client.get(
        "/queries/residual-share?dataset=" + M + "dataset/DS1&dataset=" + M + "dataset/DS2"
    )
    assert response.status_code == 400
    assert "'dataset' is given 2 times" in response.json()["detail"]


def test_unknown_query(client: TestClient) -> None:
    assert client.get("/queries/no-such-question").status_code == 404


def test_bad_token_is_401(client: TestClient) -> None:
    response = client.get("/queries/residual-share", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_empty_form_fields_mean_not_given(client: TestClient) -> None:
    # An HTML form sends every field; empty ones leave the parameter unbound ("all").
    body = client.get(
        "/queries/excluded-proposals", params={"taxonomy": "", "decision_level": "", "label": ""}
    ).json()
    assert len(body["rows"]) == 2
    assert body["parameters"] == {}


HOSTILE_TEXTS = [
    'hamster" } UNION { ?s ?p ?o } #',
    "hamster' . ?s ?p ?o #",
    "hamster\n} UNION { ?excluded ?p ?o }",
    "<https://example.org/mini/person/A1>",
    "hamster # } }",
    '{ } \\" \\u0022 ) ) ;',
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_text_is_only_data(client: TestClient, text: str) -> None:
    response = client.get("/queries/excluded-proposals", params={"label": text})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["rows"] == []
    assert body["parameters"] == {"label": text}


def test_exact_text_matches(client: TestClient) -> None:
    rows = client.get("/queries/excluded-proposals", params={"label": "hamster"}).json()["rows"]
    assert [r["excluded"] for r in rows] == [M + "excluded-category/PP1"]


HOSTILE_IRIS = [
    M + "dataset/DS1> } UNION { ?s ?p ?o } #",
    M + "dataset/DS1 ?p ?o",
    M + 'dataset/"DS1"',
    M + "dataset/{DS1}",
    M + "dataset/DS1\n} ?s ?p ?o",
    "cdo:x> ?p ?o . #",
    "javascript:alert(1)<",
]


@pytest.mark.parametrize("iri", HOSTILE_IRIS)
def test_hostile_iris_are_typed_400s_or_match_nothing(client: TestClient, iri: str) -> None:
    response = client.get("/queries/residual-share", params={"dataset": iri})
    if response.status_code == 400:
        assert "'dataset'" in response.json()["detail"]
    else:
        assert response.status_code == 200, response.text
        assert response.json()["rows"] == []


def test_spaces_around_a_typed_value_are_trimmed(client: TestClient) -> None:
    rows = client.get("/queries/residual-share", params={"dataset": f" {M}dataset/DS1\n"})
    assert [r["dataset"] for r in rows.json()["rows"]] == [M + "dataset/DS1"]


def test_a_fragment_is_part_of_the_iri(client: TestClient) -> None:
    response = client.get("/queries/residual-share", params={"dataset": M + "dataset/DS1#x"})
    assert response.status_code == 200
    assert response.json()["rows"] == []


def test_hostile_integers_and_booleans(client: TestClient) -> None:
    assert (
        client.get("/queries/shared-taxonomies", params={"min_vendors": "1 } #"}).status_code == 400
    )
    assert (
        client.get(
            "/queries/unpublishable-evidence", params={"only_unpublishable": "true || 1"}
        ).status_code
        == 400
    )


def test_one_openapi_operation_per_query(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    registry = load_registry(QUERIES_DIR)
    for query in registry:
        operation = spec["paths"][f"/queries/{query.name}"]["get"]
        assert operation["summary"] == query.header.title
        assert query.sparql.strip().splitlines()[-1] in operation["description"]
        documented = {p["name"]: p for p in operation["parameters"]}
        for spec_param in query.header.parameters:
            assert documented[spec_param.name]["required"] == spec_param.required
            assert documented[spec_param.name]["description"] == spec_param.description
        assert {"limit", "offset", "format"} <= documented.keys()
        content = operation["responses"]["200"]["content"]
        assert {"application/json", "text/csv", "text/html"} <= content.keys()
    level = spec["paths"]["/queries/excluded-proposals"]["get"]["parameters"][1]
    assert level["schema"]["enum"][0] == "https://w3id.org/cdkg/ontology#ClientLevel"


@pytest.mark.parametrize("name", CANNED)
def test_pages_are_stable(client: TestClient, name: str) -> None:
    registry = load_registry(QUERIES_DIR)
    query = registry.get(name)
    assert query is not None
    params = {p.name: _sample(p.name) for p in query.header.parameters if p.required}
    first = client.get(f"/queries/{name}", params=params)
    second = client.get(f"/queries/{name}", params=params)
    assert first.status_code == 200, first.text
    assert first.json()["rows"] == second.json()["rows"]


def _sample(name: str) -> str:
    return {
        "category": M + "category/c-pet",
        "version": M + "version/T1-v1",
        "person": M + "person/A1",
        "subject": M + "imposition/IM1",
    }[name]
