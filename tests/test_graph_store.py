"""`/rdf-graph-store`: the Graph Store HTTP Protocol over the real app.

The fixture study has catalogued graphs at three levels (each saying "open", "guarded" or
"hidden" about <http://example.org/thing>); tests write plain graphs beside them as the owner.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pyoxigraph import RdfFormat, parse

from app.main import create_app
from app.security.tokens import TokenStore
from app.settings import Settings
from app.store.base import CATALOGUE_GRAPH, AccessLevel
from app.store.catalogue import GraphEntry, SourceEntry, publish_study

EX = "http://example.org/"
PUB, RES, CONF = (EX + g for g in ("g/public", "g/restricted", "g/confidential"))
NEW = EX + "g/new"
TURTLE = {"Content-Type": "text/turtle"}
STORE = "/rdf-graph-store"


class Callers:
    def __init__(self, client: TestClient, owner: str, researcher: str) -> None:
        self.client = client
        self.owner = {"Authorization": f"Bearer {owner}"}
        self.researcher = {"Authorization": f"Bearer {researcher}"}


def _callers(settings: Settings) -> Iterator[Callers]:
    tokens = TokenStore(settings.tokens_file)
    _, owner = tokens.create("owner")
    _, researcher = tokens.create("researcher")
    with TestClient(create_app(settings)) as client:
        nquads = "".join(
            f'<{EX}thing> <{EX}says> "{word}" <{graph}> .\n'
            for word, graph in (("open", PUB), ("guarded", RES), ("hidden", CONF))
        )
        entry = SourceEntry(
            EX + "source/records",
            "records.yaml",
            "0" * 64,
            (
                GraphEntry(PUB, AccessLevel.PUBLIC, 1),
                GraphEntry(RES, AccessLevel.RESTRICTED, 1),
                GraphEntry(CONF, AccessLevel.CONFIDENTIAL, 1),
            ),
        )
        store = client.app.state.store  # type: ignore[attr-defined]
        publish_study(store, EX + "study", [entry], io.BytesIO(nquads.encode()), datetime.now(UTC))
        yield Callers(client, owner, researcher)


@pytest.fixture
def callers(tmp_path: Path) -> Iterator[Callers]:
    yield from _callers(Settings(store=Path(":memory:"), tokens_file=tmp_path / "tokens.json"))


def _graph(graph: str) -> str:
    return f"{STORE}?graph={quote(graph, safe='')}"


def _triples(answer: Response) -> set[tuple[str, str, str]]:
    assert answer.status_code == 200, answer.text
    fmt = RdfFormat.from_media_type(answer.headers["content-type"])
    assert fmt is not None
    return {
        (q.subject.value, q.predicate.value, q.object.value) for q in parse(answer.content, fmt)
    }


def _says(*words: str, subject: str = EX + "a") -> set[tuple[str, str, str]]:
    return {(subject, EX + "says", word) for word in words}


def _turtle(*words: str) -> str:
    return "".join(f'<{EX}a> <{EX}says> "{word}" .\n' for word in words)


def test_put_get_head_delete_round_trip(callers: Callers) -> None:
    client, owner = callers.client, callers.owner
    created = client.put(_graph(NEW), content=_turtle("one"), headers={**TURTLE, **owner})
    assert created.status_code == 201
    assert created.headers["location"] == NEW
    replaced = client.put(_graph(NEW), content=_turtle("two"), headers={**TURTLE, **owner})
    assert replaced.status_code == 204
    assert _triples(client.get(_graph(NEW), headers=owner)) == _says("two")
    head = client.head(_graph(NEW), headers=owner)
    assert head.status_code == 200
    assert head.headers["content-type"] == "text/turtle; charset=utf-8"
    assert head.content == b""
    assert client.delete(_graph(NEW), headers=owner).status_code == 204
    assert client.get(_graph(NEW), headers=owner).status_code == 404
    assert client.head(_graph(NEW), headers=owner).status_code == 404
    assert client.delete(_graph(NEW), headers=owner).status_code == 404


def test_post_merges_and_creates(callers: Callers) -> None:
    client, owner = callers.client, callers.owner
    first = client.post(_graph(NEW), content=_turtle("one"), headers={**TURTLE, **owner})
    assert first.status_code == 201
    second = client.post(_graph(NEW), content=_turtle("two"), headers={**TURTLE, **owner})
    assert second.status_code == 204
    assert _triples(client.get(_graph(NEW), headers=owner)) == _says("one", "two")


def test_post_to_the_store_creates_a_graph_and_says_where(callers: Callers) -> None:
    client, owner = callers.client, callers.owner
    answer = client.post(STORE, content=_turtle("fresh"), headers={**TURTLE, **owner})
    assert answer.status_code == 201
    location = answer.headers["location"]
    assert location.startswith("http://testserver/rdf-graph-store/")
    assert _triples(client.get(_graph(location), headers=owner)) == _says("fresh")
    # The new graph's IRI is its URL: direct identification reads it too.
    direct = client.get(location.removeprefix("http://testserver"), headers=owner)
    assert _triples(direct) == _says("fresh")


def test_direct_identification_names_the_graph_by_its_url(callers: Callers) -> None:
    client, owner = callers.client, callers.owner
    answer = client.put(f"{STORE}/people/1", content=_turtle("direct"), headers={**TURTLE, **owner})
    assert answer.status_code == 201
    assert answer.headers["location"] == "http://testserver/rdf-graph-store/people/1"
    indirect = client.get(_graph("http://testserver/rdf-graph-store/people/1"), headers=owner)
    assert _triples(indirect) == _says("direct")


def test_direct_identification_follows_the_public_base_url(tmp_path: Path) -> None:
    settings = Settings(
        store=Path(":memory:"),
        tokens_file=tmp_path / "t.json",
        public_base_url="https://cdkg.example.org",
    )
    for callers in _callers(settings):
        answer = callers.client.put(
            f"{STORE}/x", content=_turtle("y"), headers={**TURTLE, **callers.owner}
        )
        assert answer.headers["location"] == "https://cdkg.example.org/rdf-graph-store/x"


def test_default_graph(callers: Callers) -> None:
    client, owner = callers.client, callers.owner
    put = client.put(f"{STORE}?default", content=_turtle("plain"), headers={**TURTLE, **owner})
    assert put.status_code == 204
    assert _triples(client.get(f"{STORE}?default", headers=owner)) == _says("plain")
    # Anonymous readers' default graph is the merge of the public study graphs.
    assert _triples(client.get(f"{STORE}?default")) == _says("open", subject=EX + "thing")
    assert client.delete(f"{STORE}?default", headers=owner).status_code == 204
    assert _triples(client.get(f"{STORE}?default", headers=owner)) == set()


def test_reads_follow_access_levels(callers: Callers) -> None:
    client = callers.client
    assert _triples(client.get(_graph(PUB))) == _says("open", subject=EX + "thing")
    for hidden in (RES, CONF, CATALOGUE_GRAPH, EX + "g/none"):
        answer = client.get(_graph(hidden))
        assert answer.status_code == 404
        assert answer.json()["detail"] == f"no graph <{hidden}> here"
    assert _triples(client.get(_graph(RES), headers=callers.researcher)) == _says(
        "guarded", subject=EX + "thing"
    )
    assert client.get(_graph(CONF), headers=callers.researcher).status_code == 404
    assert client.head(_graph(RES)).status_code == 404


def test_writes_need_an_owner_token(callers: Callers) -> None:
    client = callers.client
    for method in ("PUT", "POST", "DELETE"):
        anonymous = client.request(method, _graph(NEW), content=_turtle("x"), headers=TURTLE)
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        researcher = client.request(
            method, _graph(NEW), content=_turtle("x"), headers={**TURTLE, **callers.researcher}
        )
        assert researcher.status_code == 403
    assert client.get(_graph(NEW), headers=callers.owner).status_code == 404


@pytest.mark.parametrize("graph", [PUB, CONF, CATALOGUE_GRAPH])
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_study_graphs_are_written_only_by_the_loader(
    callers: Callers, graph: str, method: str
) -> None:
    answer = callers.client.request(
        method, _graph(graph), content=_turtle("x"), headers={**TURTLE, **callers.owner}
    )
    assert answer.status_code == 409
    assert "cdkg load" in answer.json()["detail"]
    words = _triples(callers.client.get(_graph(PUB), headers=callers.owner))
    assert words == _says("open", subject=EX + "thing")


UPLOADS = {
    "text/turtle": b'@prefix e: <http://example.org/> . e:a e:says "v" .',
    "application/n-triples": b'<http://example.org/a> <http://example.org/says> "v" .\n',
    "application/n-quads": b'<http://example.org/a> <http://example.org/says> "v" .\n',
    "application/trig": b'<http://example.org/a> <http://example.org/says> "v" .',
    "application/ld+json": b'{"@id": "http://example.org/a", "http://example.org/says": "v"}',
    "application/rdf+xml": b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns:e="http://example.org/"><rdf:Description rdf:about="http://example.org/a">
      <e:says>v</e:says></rdf:Description></rdf:RDF>""",
}


@pytest.mark.parametrize("content_type", sorted(UPLOADS))
def test_every_rdf_format_uploads(callers: Callers, content_type: str) -> None:
    headers = {"Content-Type": content_type, **callers.owner}
    answer = callers.client.put(_graph(NEW), content=UPLOADS[content_type], headers=headers)
    assert answer.status_code == 201, answer.text
    assert _triples(callers.client.get(_graph(NEW), headers=callers.owner)) == _says("v")


@pytest.mark.parametrize("token", ["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"])
def test_every_rdf_format_downloads(callers: Callers, token: str) -> None:
    answer = callers.client.get(_graph(PUB) + f"&format={token}")
    assert _triples(answer) == _says("open", subject=EX + "thing")


def test_relative_iris_resolve_against_the_graph(callers: Callers) -> None:
    body = '<a> <says> "relative" .'
    callers.client.put(_graph(EX + "g/"), content=body, headers={**TURTLE, **callers.owner})
    answer = callers.client.get(_graph(EX + "g/"), headers=callers.owner)
    assert _triples(answer) == {(EX + "g/a", EX + "g/says", "relative")}


def test_multipart_parts_are_merged(callers: Callers) -> None:
    files = [
        ("a", ("a.ttl", _turtle("from turtle"), "text/turtle")),
        ("b", ("b.nt", _turtle("from n-triples"), "application/n-triples")),
    ]
    answer = callers.client.post(_graph(NEW), files=files, headers=callers.owner)
    assert answer.status_code == 201, answer.text
    words = _triples(callers.client.get(_graph(NEW), headers=callers.owner))
    assert words == _says("from turtle", "from n-triples")


@pytest.mark.parametrize(
    ("content_type", "body", "status", "says"),
    [
        ("text/turtle", b"<http://x/a> <http://x/b> .", 400, "Turtle body does not parse"),
        ("application/ld+json", b"{not json", 400, "JSON-LD body"),
        ("application/n-quads", b"<http://x/a> <http://x/b> <http://x/c> <http://x/g> .", 400, ""),
        ("application/rdf+xml", b"<rdf:RDF", 400, "RDF/XML body"),
        ("text/csv", b"a,b", 415, "text/csv"),
        ("text/turtle; charset=latin-1", b"", 415, "UTF-8"),
        (None, b"<a> <b> <c> .", 415, "(none)"),
        ("multipart/form-data; boundary=zz", b"--zz\r\nbroken", 400, ""),
    ],
)
def test_bad_uploads_are_named_and_change_nothing(
    callers: Callers, content_type: str | None, body: bytes, status: int, says: str
) -> None:
    headers = dict(callers.owner)
    if content_type is not None:
        headers["Content-Type"] = content_type
    answer = callers.client.put(_graph(NEW), content=body, headers=headers)
    assert answer.status_code == status, answer.text
    assert says in answer.json()["detail"]
    assert callers.client.get(_graph(NEW), headers=callers.owner).status_code == 404


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"{STORE}?graph={quote(PUB)}&default", "not both"),
        (f"{STORE}?graph=a&graph=b", "exactly one"),
        (f"{STORE}?graph=relative", "absolute IRI"),
        (STORE, "name a graph"),
    ],
)
def test_graph_naming_mistakes_are_400(callers: Callers, url: str, says: str) -> None:
    answer = callers.client.get(url)
    assert answer.status_code == 400
    assert says in answer.json()["detail"]


def test_unacceptable_format_is_406(callers: Callers) -> None:
    answer = callers.client.get(_graph(PUB), headers={"Accept": "text/csv"})
    assert answer.status_code == 406


def test_anonymous_reads_are_capped(tmp_path: Path) -> None:
    settings = Settings(store=Path(":memory:"), tokens_file=tmp_path / "t.json", row_limit=2)
    for callers in _callers(settings):
        store = callers.client.app.state.store  # type: ignore[attr-defined]
        wide = EX + "g/wide"
        nquads = "".join(f'<{EX}a> <{EX}says> "{n}" <{wide}> .\n' for n in range(3))
        entry = SourceEntry(
            EX + "source/wide", "wide.yaml", "1" * 64, (GraphEntry(wide, AccessLevel.PUBLIC, 3),)
        )
        publish_study(store, EX + "wide", [entry], io.BytesIO(nquads.encode()), datetime.now(UTC))
        capped = callers.client.get(_graph(wide))
        assert capped.headers["cdkg-truncated"] == "true"
        assert len(_triples(capped)) == 2
        whole = callers.client.get(_graph(wide), headers=callers.researcher)
        assert "cdkg-truncated" not in whole.headers
        assert _triples(whole) == _says("0", "1", "2")


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"])
def test_no_input_ever_gives_a_500(callers: Callers, method: str) -> None:
    urls = [
        STORE,
        f"{STORE}?graph=%00",
        f"{STORE}?graph=http://x/%20y",
        f"{STORE}?default=1&default=2",
        f"{STORE}/%ff%fe",
        f"{STORE}/a b",
        f"{STORE}/" + "x" * 3000,
        _graph(NEW) + "&format=%00",
    ]
    bodies = [b"", b"\xff\xfe\x00", b"{" * 5000, b"@prefix : <x> .", b"--x\r\n\r\n--x--"]
    types = [None, "text/turtle", "multipart/form-data", "application/ld+json", "x/y; q=%"]
    for n, url in enumerate(urls):
        for m, body in enumerate(bodies):
            headers = dict(callers.owner) if (n + m) % 2 else {}
            content_type = types[(n + m) % len(types)]
            if content_type is not None:
                headers["Content-Type"] = content_type
            answer = callers.client.request(method, url, content=body, headers=headers)
            assert answer.status_code < 500, (method, url, body[:40], answer.text)
