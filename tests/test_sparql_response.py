"""How `/sparql` hands a result to the client: whole with a Content-Length when the executor
holds it in memory, streamed when it was spooled to a file; long query texts are planned off the
event loop with the same screening."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, Quad
from starlette.responses import StreamingResponse

from app.main import create_app
from app.routers.sparql import PLAN_INLINE_CHARS, TRUNCATED_HEADER, stream
from app.settings import Settings
from app.sparql.execution import Dataset, QueryJob, QueryOutput
from app.sparql.workers import SPOOL_MEMORY_BYTES, InProcessExecutor, Spool, WorkerExecutor
from app.store.oxigraph_store import OxigraphStore

EX = "http://example.org/"
G = EX + "graph/g"
JSON = "application/sparql-results+json"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _output(body: bytes | None, truncated: bool = False) -> QueryOutput:
    spool = Spool(memory_bytes=4 if body is None else len(body) + 1)
    spool.write(b"x" * 10 if body is None else body)
    output = spool.output("solutions", JSON, truncated)
    assert (output.body is None) == (body is None)
    return output


def test_result_in_memory_is_sent_whole() -> None:
    response = stream(_output(b'{"head":{}}'))
    assert not isinstance(response, StreamingResponse)
    assert response.body == b'{"head":{}}'
    assert response.headers["content-length"] == "11"
    assert response.headers["content-type"] == JSON
    assert response.headers["vary"] == "Accept, Authorization"
    assert TRUNCATED_HEADER.lower() not in response.headers


def test_spooled_result_is_streamed() -> None:
    response = stream(_output(None, truncated=True))
    assert isinstance(response, StreamingResponse)
    assert "content-length" not in response.headers
    assert response.headers[TRUNCATED_HEADER] == "true"


def test_truncated_result_in_memory_says_so() -> None:
    assert stream(_output(b"{}", truncated=True)).headers[TRUNCATED_HEADER] == "true"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=Path(":memory:")))) as started:
        yield started


def test_query_answer_carries_its_length(client: TestClient) -> None:
    answer = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON})
    assert answer.status_code == 200
    assert answer.json() == {"head": {}, "boolean": True}
    assert answer.headers["content-length"] == str(len(answer.content))
    assert "transfer-encoding" not in answer.headers


def _padded(query: str) -> str:
    # A comment makes the text longer than what is planned on the event loop.
    return "# " + "x" * PLAN_INLINE_CHARS + "\n" + query


def test_long_query_text_is_answered(client: TestClient) -> None:
    answer = client.post(
        "/sparql",
        content=_padded("SELECT (1 AS ?one) {}"),
        headers={"Content-Type": "application/sparql-query", "Accept": JSON},
    )
    assert answer.status_code == 200
    assert answer.json()["results"]["bindings"] == [
        {"one": {"type": "literal", "value": "1", "datatype": XSD_INTEGER}}
    ]


def test_long_query_text_is_screened_too(client: TestClient) -> None:
    answer = client.post(
        "/sparql",
        content=_padded(f"SELECT * {{ SERVICE <{EX}elsewhere> {{ ?s ?p ?o }} }}"),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert answer.status_code == 400
    assert "SERVICE" in answer.json()["detail"]


def test_result_past_the_memory_share_is_spooled_and_whole(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    store.add_quads(
        Quad(NamedNode(f"{EX}s{n:03d}"), NamedNode(EX + "p"), Literal(f"v{n:03d}"), NamedNode(G))
        for n in range(60)
    )
    executor = WorkerExecutor(store, tmp_path / "store", workers=1, max_queued=0, timeout_s=60)
    # 60^3 = 216,000 rows of nine terms as CSV: well past the spool's memory share.
    job = QueryJob(
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        Dataset((G,), (G,)),
        solutions_media_type="text/csv",
    )
    try:
        output = asyncio.run(executor.run_query_async(job))
        assert output.body is None
        body = b"".join(output.chunks)
        assert len(body) > SPOOL_MEMORY_BYTES
        assert body.count(b"\r\n") == 60**3 + 1
        assert body == b"".join(InProcessExecutor(store).run_query(job).chunks)
    finally:
        executor.close()
        store.close()


def test_service_description_still_answers(client: TestClient) -> None:
    answer = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200
    assert "http://www.w3.org/ns/sparql-service-description#endpoint" in answer.text
