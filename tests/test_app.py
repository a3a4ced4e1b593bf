"""The application skeleton: create_app opens nothing, the lifespan owns the store, /health,
and named errors answered as application/problem+json."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.errors import PROBLEM_JSON, NotFound
from app.main import create_app
from app.settings import Settings
from app.store import AccessLevel, StoreLocked
from app.store.catalogue import GraphEntry, SourceEntry, UnknownSource, publish_study
from app.store.oxigraph_store import OxigraphStore

BASE = "https://example.org/h/"


def test_create_app_opens_nothing_and_the_lifespan_releases_the_store(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store")
    app = create_app(settings)
    assert not settings.store.exists()
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        assert settings.store.exists()
    OxigraphStore(settings.store).close()


def test_health_of_an_empty_store(client: TestClient) -> None:
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ok",
        "generation": 0,
        "sources": 0,
        "triples": 0,
        "store_bytes": 0,
    }


def test_health_counts_only_public_triples(client: TestClient) -> None:
    nquads = (
        f'<{BASE}a> <{BASE}p> "1" <{BASE}graph/pub> .\n'
        f'<{BASE}a> <{BASE}p> "2" <{BASE}graph/pub> .\n'
        f'<{BASE}a> <{BASE}p> "3" <{BASE}graph/conf> .\n'
    )
    graphs = (
        GraphEntry(BASE + "graph/pub", AccessLevel.PUBLIC, 2),
        GraphEntry(BASE + "graph/conf", AccessLevel.CONFIDENTIAL, 1),
    )
    entry = SourceEntry(BASE + "source/s-yaml", "s.yaml", "c" * 64, graphs)
    store = client.app.state.store  # type: ignore[attr-defined]
    publish_study(store, BASE + "study/h", [entry], io.BytesIO(nquads.encode()), datetime.now(UTC))
    assert client.get("/health").json() == {
        "status": "ok",
        "generation": 1,
        "sources": 1,
        "triples": 2,
        "store_bytes": 0,
    }


def test_unknown_route_is_a_problem(client: TestClient) -> None:
    answer = client.get("/no/such/route")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
    }


def _app_raising(error: Exception, memory_settings: Settings) -> TestClient:
    app = create_app(memory_settings)

    def fail() -> None:
        raise error

    def typed(n: int) -> int:
        return n

    app.add_api_route("/fail", fail)
    app.add_api_route("/typed", typed)
    return TestClient(app)


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (UnknownSource("no catalogued source matches 'x'"), 404, "unknown-source"),
        (StoreLocked("the store at s is in use by another process"), 503, "store-locked"),
        (NotFound("no such thing"), 404, "not-found"),
    ],
)
def test_named_errors_become_problems(
    memory_settings: Settings, error: Exception, status: int, slug: str
) -> None:
    with _app_raising(error, memory_settings) as client:
        answer = client.get("/fail")
    assert answer.status_code == status
    assert answer.headers["content-type"] == PROBLEM_JSON
    body = answer.json()
    assert (body["status"], body["detail"]) == (status, str(error))
    assert body["type"] == f"https://w3id.org/cdkg/problems#{slug}"


def test_bad_parameter_is_a_400_problem(memory_settings: Settings) -> None:
    with _app_raising(RuntimeError("unused"), memory_settings) as client:
        answer = client.get("/typed", params={"n": "many"})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == PROBLEM_JSON
    assert answer.json()["detail"].startswith("query.n: Input should be a valid integer")
