"""Access levels: who the caller is (bearer tokens) and which graphs they may query."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from app.errors import install_error_handlers
from app.security.access import (
    ANONYMOUS,
    InvalidCredentials,
    Viewer,
    get_viewer,
    require_owner,
    resolve_viewer,
    restrict_dataset,
)
from app.security.tokens import TokenStore
from app.sparql.execution import Dataset, QueryJob
from app.sparql.workers import InProcessExecutor
from app.store.base import CATALOGUE_GRAPH, AccessLevel
from app.store.catalogue import GraphEntry, SourceEntry, publish_study
from app.store.oxigraph_store import OxigraphStore

STUDY = "http://example.org/study/s1"
PUB = "http://example.org/graph/a-public"
RES = "http://example.org/graph/b-restricted"
CONF = "http://example.org/graph/c-confidential"
STRAY = "http://example.org/graph/d-uncatalogued"

OWNER = Viewer("owner", "t-own")
RESEARCHER = Viewer("researcher", "t-res")


@pytest.fixture
def levels_store() -> Iterator[OxigraphStore]:
    """Three catalogued graphs, one per level, each holding one secret-ish literal, plus a stray
    graph that no catalogue entry lists."""
    store = OxigraphStore(None)
    nquads = "".join(
        f'<http://example.org/thing> <http://example.org/says> "{word}" <{graph}> .\n'
        for word, graph in (("open", PUB), ("guarded", RES), ("hidden", CONF))
    )
    entry = SourceEntry(
        iri="http://example.org/source/records",
        file="records.yaml",
        sha256="0" * 64,
        graphs=(
            GraphEntry(PUB, AccessLevel.PUBLIC, 1),
            GraphEntry(RES, AccessLevel.RESTRICTED, 1),
            GraphEntry(CONF, AccessLevel.CONFIDENTIAL, 1),
        ),
    )
    publish_study(store, STUDY, [entry], io.BytesIO(nquads.encode()), datetime.now(UTC))
    stray = f'<http://example.org/x> <http://example.org/says> "stray" <{STRAY}> .\n'
    store.bulk_load_quads(io.BytesIO(stray.encode()))
    yield store
    store.close()


def test_levels_follow_roles() -> None:
    assert ANONYMOUS.level is AccessLevel.PUBLIC
    assert RESEARCHER.level is AccessLevel.RESTRICTED
    assert OWNER.level is AccessLevel.CONFIDENTIAL


def test_anonymous_default_dataset_is_the_public_graphs(levels_store: OxigraphStore) -> None:
    assert restrict_dataset(ANONYMOUS, None, levels_store) == Dataset((PUB,), (PUB,))
    assert restrict_dataset(ANONYMOUS, Dataset(), levels_store) == Dataset((PUB,), (PUB,))


def test_researcher_sees_public_and_restricted(levels_store: OxigraphStore) -> None:
    assert restrict_dataset(RESEARCHER, None, levels_store) == Dataset((PUB, RES), (PUB, RES))


def test_owner_sees_everything_catalogued_and_the_catalogue(levels_store: OxigraphStore) -> None:
    assert restrict_dataset(OWNER, None, levels_store) == Dataset(
        (PUB, RES, CONF), (PUB, RES, CONF, CATALOGUE_GRAPH)
    )


def test_naming_a_confidential_graph_gives_an_empty_graph(levels_store: OxigraphStore) -> None:
    asked = Dataset(default_graphs=(CONF,), named_graphs=(CONF, RES))
    assert restrict_dataset(ANONYMOUS, asked, levels_store) == Dataset((), ())
    assert restrict_dataset(RESEARCHER, asked, levels_store) == Dataset((), (RES,))
    assert restrict_dataset(OWNER, asked, levels_store) == Dataset((CONF,), (CONF, RES))


def test_requested_graphs_keep_their_order_without_repeats(levels_store: OxigraphStore) -> None:
    asked = Dataset(default_graphs=(RES, CONF, PUB, RES), named_graphs=None)
    assert restrict_dataset(RESEARCHER, asked, levels_store) == Dataset((RES, PUB), (PUB, RES))


def test_only_named_graphs_requested_leaves_the_default_union(levels_store: OxigraphStore) -> None:
    asked = Dataset(default_graphs=None, named_graphs=())
    assert restrict_dataset(ANONYMOUS, asked, levels_store) == Dataset((PUB,), ())


def test_uncatalogued_and_catalogue_graphs(levels_store: OxigraphStore) -> None:
    asked = Dataset((STRAY, CATALOGUE_GRAPH), (STRAY, CATALOGUE_GRAPH))
    assert restrict_dataset(ANONYMOUS, asked, levels_store) == Dataset((), ())
    assert restrict_dataset(RESEARCHER, asked, levels_store) == Dataset((), ())
    # Owners may read the catalogue; nobody reads a graph the catalogue does not list.
    assert restrict_dataset(OWNER, asked, levels_store) == Dataset(
        (CATALOGUE_GRAPH,), (CATALOGUE_GRAPH,)
    )


def test_empty_store_gives_empty_datasets() -> None:
    store = OxigraphStore(None)
    assert restrict_dataset(OWNER, None, store) == Dataset((), (CATALOGUE_GRAPH,))
    assert restrict_dataset(ANONYMOUS, None, store) == Dataset((), ())


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (ANONYMOUS, ["open"]),
        (RESEARCHER, ["guarded", "open"]),
        (OWNER, ["guarded", "hidden", "open"]),
    ],
)
def test_queries_through_the_restricted_dataset(
    levels_store: OxigraphStore, viewer: Viewer, expected: list[str]
) -> None:
    executor = InProcessExecutor(levels_store)
    tricks = [
        "SELECT ?w WHERE { ?s <http://example.org/says> ?w }",
        f"SELECT ?w FROM <{CONF}> FROM <{RES}> FROM <{STRAY}> WHERE {{ ?s ?p ?w }}",
        "SELECT ?w WHERE { GRAPH ?g { ?s <http://example.org/says> ?w } }",
        f"SELECT ?w FROM NAMED <{CONF}> WHERE {{ GRAPH ?g {{ ?s <http://example.org/says> ?w }} }}",
    ]
    for query in tricks:
        dataset = restrict_dataset(viewer, None, levels_store)
        output = executor.run_query(QueryJob(query, dataset=dataset))
        rows = json.loads(b"".join(output.chunks))["results"]["bindings"]
        assert sorted(r["w"]["value"] for r in rows) == expected, query


# --- who is asking -------------------------------------------------------------------------


@pytest.fixture
def tokens(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "tokens.json")


def test_no_header_is_anonymous(tokens: TokenStore) -> None:
    assert resolve_viewer(None, tokens) == ANONYMOUS


def test_token_gives_its_role(tokens: TokenStore) -> None:
    record, token = tokens.create("researcher")
    assert resolve_viewer(f"Bearer {token}", tokens) == Viewer("researcher", record.id)
    assert resolve_viewer(f"bearer   {token} ", tokens) == Viewer("researcher", record.id)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer cdkg_not-a-real-token", "not valid"),
        ("Bearer ", "must be 'Bearer <token>'"),
        ("Basic dXNlcjpwYXNz", "must be 'Bearer <token>'"),
        ("cdkg_token-without-scheme", "must be 'Bearer <token>'"),
    ],
)
def test_bad_headers_are_refused(tokens: TokenStore, header: str, message: str) -> None:
    with pytest.raises(InvalidCredentials, match=message):
        resolve_viewer(header, tokens)


def test_revoked_token_is_refused(tokens: TokenStore) -> None:
    record, token = tokens.create("owner")
    tokens.revoke(record.id)
    with pytest.raises(InvalidCredentials, match="revoked"):
        resolve_viewer(f"Bearer {token}", tokens)


def _who(viewer: Annotated[Viewer, Depends(get_viewer)]) -> dict[str, str]:
    return {"role": viewer.role}


def _write(viewer: Annotated[Viewer, Depends(require_owner)]) -> dict[str, str]:
    return {"written_by": viewer.role}


@pytest.fixture
def api(tokens: TokenStore) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.state.token_store = tokens
    app.add_api_route("/who", _who, methods=["GET"])
    app.add_api_route("/write", _write, methods=["POST"])
    return TestClient(app)


def test_dependency_reports_the_role(api: TestClient, tokens: TokenStore) -> None:
    _record, token = tokens.create("researcher")
    assert api.get("/who").json() == {"role": "anonymous"}
    assert api.get("/who", headers={"Authorization": f"Bearer {token}"}).json() == {
        "role": "researcher"
    }


def test_bad_token_is_401_never_anonymous(api: TestClient) -> None:
    answer = api.get("/who", headers={"Authorization": "Bearer cdkg_guess"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith(
        'Bearer realm="cdkg", error="invalid_token"'
    )
    assert "cdkg_guess" not in answer.text
    assert answer.json()["detail"] == "the bearer token is not valid"


def test_revoked_token_is_401(api: TestClient, tokens: TokenStore) -> None:
    record, token = tokens.create("owner")
    assert api.get("/who", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    tokens.revoke(record.id)
    answer = api.get("/who", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]


def test_writes_need_an_owner(api: TestClient, tokens: TokenStore) -> None:
    _r, researcher = tokens.create("researcher")
    _o, owner = tokens.create("owner")
    anonymous = api.post("/write")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="cdkg"'
    forbidden = api.post("/write", headers={"Authorization": f"Bearer {researcher}"})
    assert forbidden.status_code == 403
    assert "owner token" in forbidden.json()["detail"]
    allowed = api.post("/write", headers={"Authorization": f"Bearer {owner}"})
    assert allowed.json() == {"written_by": "owner"}


def test_unreadable_tokens_file_refuses_tokens_but_serves_anonymous(
    api: TestClient, tokens: TokenStore
) -> None:
    assert tokens.path is not None
    tokens.path.write_text("{broken")
    assert api.get("/who").json() == {"role": "anonymous"}
    answer = api.get("/who", headers={"Authorization": "Bearer cdkg_x"})
    assert answer.status_code == 503
    assert "not valid JSON" in answer.json()["detail"]
