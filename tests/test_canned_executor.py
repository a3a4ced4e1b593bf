"""Canned queries run through the service's query executor, so they share its time limit, and
their parameters travel to the executor as bound terms, not as query text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, Variable

from app.main import create_app
from app.settings import Settings
from app.sparql.execution import QueryJob, QueryOutput, QueryTimeout, UpdateJob
from app.sparql.substitutions import decode_substitutions, encode_substitutions
from loaders.pipeline import prepare, publish

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
XSD = "http://www.w3.org/2001/XMLSchema#"


class Recorder:
    """An executor that records the jobs it is given and then runs out of time."""

    def __init__(self) -> None:
        self.jobs: list[QueryJob] = []

    def run_query(self, job: QueryJob) -> QueryOutput:
        self.jobs.append(job)
        raise QueryTimeout("the query ran past its time limit")

    async def run_query_async(self, job: QueryJob) -> QueryOutput:
        return self.run_query(job)

    def run_update(self, job: UpdateJob) -> None:
        raise AssertionError("canned queries never update")

    def close(self) -> None:
        pass


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(store=Path(":memory:"), tokens_file=tmp_path / "tokens.json")
    with TestClient(create_app(settings)) as started:
        with prepare([MINI_DIR]) as prepared:
            publish(prepared, started.app.state.store)
        yield started


def test_a_canned_query_that_runs_out_of_time_is_a_503(client: TestClient) -> None:
    real = client.app.state.executor  # type: ignore[attr-defined]
    recorder = Recorder()
    client.app.state.executor = recorder  # type: ignore[attr-defined]
    try:
        answer = client.get("/queries/role-change-decisions", params={"person": "https://x/P1"})
    finally:
        client.app.state.executor = real  # type: ignore[attr-defined]
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    [job] = recorder.jobs
    # The value is a bound term beside the query, and nowhere in its text.
    assert "https://x/P1" not in job.query
    assert dict(job.substitutions) == {"person": "<https://x/P1>"}


def test_substitutions_survive_their_text_form() -> None:
    terms = {
        Variable("who"): NamedNode("https://example.org/p/P07"),
        Variable("note"): Literal('say "hi" } # <x>\nnext'),
        Variable("when"): Literal("2024-05-02", datatype=NamedNode(XSD + "date")),
    }
    encoded = encode_substitutions(terms)
    assert [name for name, _term in encoded] == ["note", "when", "who"]
    assert decode_substitutions(encoded) == terms
