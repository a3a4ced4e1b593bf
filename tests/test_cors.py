"""The HTTP edge: CORS for reading (no credentials, no cross-origin writes) and the body cap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.main import create_app
from app.middleware.body_limit import BodySizeLimit
from app.settings import Settings

ORIGIN = "https://notebook.example"


def _client(**overrides: object) -> TestClient:
    return TestClient(create_app(Settings(store=Path(":memory:"), **overrides)))  # type: ignore[arg-type]


@pytest.fixture
def open_client() -> Iterator[TestClient]:
    with _client() as client:
        yield client


def test_any_origin_may_read_by_default(open_client: TestClient) -> None:
    answer = open_client.get("/health", headers={"Origin": ORIGIN})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers
    exposed = answer.headers["access-control-expose-headers"]
    assert "CDKG-Truncated" in exposed
    assert "Retry-After" in exposed


def test_preflight_allows_query_posts_with_a_token(open_client: TestClient) -> None:
    answer = open_client.options(
        "/sparql",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert answer.status_code == 200
    methods = answer.headers["access-control-allow-methods"]
    assert "POST" in methods and "GET" in methods
    assert "PUT" not in methods and "DELETE" not in methods
    assert "access-control-allow-credentials" not in answer.headers


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_preflight_refuses_writes(open_client: TestClient, method: str) -> None:
    answer = open_client.options(
        "/rdf-graph-store",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": method},
    )
    # A failed preflight: the browser never sends the write.
    assert answer.status_code == 400
    assert "Disallowed CORS method" in answer.text


def test_configured_origins_only() -> None:
    with _client(cors_origins=["https://lab.example"]) as client:
        allowed = client.get("/health", headers={"Origin": "https://lab.example"})
        other = client.get("/health", headers={"Origin": "https://elsewhere.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://lab.example"
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers


def test_empty_origin_list_turns_cors_off() -> None:
    with _client(cors_origins=[]) as client:
        answer = client.get("/health", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in answer.headers


# --- body cap ------------------------------------------------------------------------------


def test_declared_length_over_the_cap_is_413() -> None:
    with _client(max_body_bytes=100) as client:
        answer = client.post(
            "/sparql",
            content=b"x" * 101,
            headers={"Content-Type": "application/sparql-query"},
        )
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == 413
    assert "limit of 100 bytes" in problem["detail"]
    assert "CDKG_MAX_BODY_BYTES" in problem["detail"]


async def _echo_length(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


@pytest.fixture
def capped_echo() -> TestClient:
    app = Starlette(routes=[Route("/echo", _echo_length, methods=["POST"])])
    return TestClient(BodySizeLimit(app, max_bytes=10))


def test_streamed_body_over_the_cap_is_413(capped_echo: TestClient) -> None:
    # A generator body is sent chunked, without a Content-Length to check up front.
    answer = capped_echo.post("/echo", content=iter([b"12345", b"67890", b"X"]))
    assert answer.status_code == 413
    assert "limit of 10 bytes" in answer.text


def test_body_at_the_cap_passes(capped_echo: TestClient) -> None:
    assert capped_echo.post("/echo", content=b"1234567890").text == "10"
    assert capped_echo.post("/echo", content=iter([b"12345", b"67890"])).text == "10"


def test_streamed_body_over_the_cap_is_413_on_the_real_app() -> None:
    with _client(max_body_bytes=10) as client:
        answer = client.post(
            "/sparql",
            content=iter([b"SELECT * ", b"WHERE { ?s ?p ?o }"]),
            headers={"Content-Type": "application/sparql-query"},
        )
    assert answer.status_code == 413
    assert answer.json()["detail"].startswith("the request body is larger than the limit")
