"""No request ever leaves the server because of what a client sent.

A listener on 127.0.0.1 records every connection it gets; queries, updates and uploads that
point at it (SERVICE, LOAD, remote JSON-LD contexts, XML external entities, graph names) are
sent to the real app, and the listener must have heard nothing. A control first shows that the
engine, unscreened, does connect to it, so the listener would notice.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Store

from app.main import create_app
from app.security.tokens import TokenStore
from app.settings import Settings
from app.sparql.execution import QueryRefused
from app.sparql.screening import MAX_NESTING, screen


class Listener:
    """Accepts connections on 127.0.0.1, remembers what each one sent, answers 200."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self.heard: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                try:
                    self.heard.append(connection.recv(4096))
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 0\r\n\r\n"
                    )
                except OSError:
                    self.heard.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    opened = Listener()
    yield opened
    opened.close()


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    settings = Settings(store=Path(":memory:"), tokens_file=tmp_path / "tokens.json")
    _, token = TokenStore(settings.tokens_file).create("owner")
    with TestClient(create_app(settings)) as client:
        yield client, {"Authorization": f"Bearer {token}"}


def test_control_the_engine_itself_would_connect(listener: Listener) -> None:
    """Without cdkg's screen, pyoxigraph fetches what LOAD names: the listener notices."""
    Store().update(f"LOAD SILENT <{listener.url}/data.ttl>")
    assert listener.heard and listener.heard[0].startswith(b"GET /data.ttl")


def _federated(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE<{url}/sparql>{{?s ?p ?o}} }}",
        f"SELECT * {{ SERVICESILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX : <{url}/> SELECT * {{ service:x {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?a ?b 1SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?a ?b trueSERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?a ?b ?c FILTER(?a<?c)SERVICE<{url}/sparql>{{}} }}",
        f"SELECT * {{ # comment\n SERVICE # another\n <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ ?s ?p 'SERVICE' . SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    ]


def test_federated_queries_are_refused_and_nothing_leaves(
    app_client: tuple[TestClient, dict[str, str]], listener: Listener
) -> None:
    client, owner = app_client
    for query in _federated(listener.url):
        for headers in ({}, owner):
            answer = client.get("/sparql", params={"query": query}, headers=headers)
            assert answer.status_code == 400, query
            assert answer.json()["title"] == "Query refused"
            assert "SERVICE" in answer.json()["detail"]
            posted = client.post("/sparql", data={"query": query}, headers=headers)
            assert posted.status_code == 400
    assert listener.heard == []


def test_load_is_refused_and_nothing_leaves(
    app_client: tuple[TestClient, dict[str, str]], listener: Listener
) -> None:
    client, owner = app_client
    updates = [
        f"LOAD <{listener.url}/data.ttl>",
        f"load silent <{listener.url}/data.ttl> into graph <http://example.org/g>",
        f"LOADSILENT <{listener.url}/data.ttl>",
        f"PREFIX : <{listener.url}/> load:data.ttl",
        f"INSERT DATA {{ <a:b> <a:c> 'x' }} ; LOAD <{listener.url}/data.ttl>",
    ]
    for update in updates:
        answer = client.post(
            "/sparql",
            content=update,
            headers={"Content-Type": "application/sparql-update", **owner},
        )
        assert answer.status_code == 400, update
        assert "LOAD" in answer.json()["detail"]
    assert listener.heard == []


def test_graph_names_are_only_names(
    app_client: tuple[TestClient, dict[str, str]], listener: Listener
) -> None:
    client, owner = app_client
    remote = f"{listener.url}/graph.ttl"
    for headers in ({}, owner):
        for params in (
            {"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": remote},
            {"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": remote},
            {"query": f"SELECT * FROM <{remote}> FROM NAMED <{remote}> {{ ?s ?p ?o }}"},
            {"query": f"DESCRIBE <{remote}>"},
        ):
            assert client.get("/sparql", params=params, headers=headers).status_code == 200
        graph = client.get("/rdf-graph-store", params={"graph": remote}, headers=headers)
        assert graph.status_code == 404
    assert listener.heard == []


def test_json_ld_remote_contexts_are_not_fetched(
    app_client: tuple[TestClient, dict[str, str]], listener: Listener
) -> None:
    client, owner = app_client
    documents = [
        f'{{"@context": "{listener.url}/context.jsonld", "@id": "http://e/s", "name": "x"}}',
        f'{{"@context": ["{listener.url}/c1", {{"p": "http://e/p"}}], "@id": "http://e/s"}}',
        f'{{"@context": {{"@import": "{listener.url}/c2"}}, "@id": "http://e/s"}}',
    ]
    for document in documents:
        answer = client.put(
            "/rdf-graph-store?graph=http://example.org/g",
            content=document,
            headers={"Content-Type": "application/ld+json", **owner},
        )
        assert answer.status_code == 400, answer.text
        assert answer.json()["title"] == "Malformed RDF"
    assert listener.heard == []


def test_xml_external_entities_are_not_fetched(
    app_client: tuple[TestClient, dict[str, str]], listener: Listener
) -> None:
    client, owner = app_client
    rdf = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:e="http://e/"><rdf:Description rdf:about="http://e/s">'
        "<e:p>{value}</e:p></rdf:Description></rdf:RDF>"
    )
    entity = (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "{listener.url}/x">]>'
        + rdf.format(value="&x;")
    )
    parameter = (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{listener.url}/p"> %p;]>'
        + rdf.format(value="v")
    )
    external_dtd = f'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "{listener.url}/d.dtd">' + (
        rdf.format(value="v")
    )
    headers = {"Content-Type": "application/rdf+xml", **owner}
    url = "/rdf-graph-store?graph=http://example.org/g"
    assert client.put(url, content=entity, headers=headers).status_code == 400
    assert client.put(url, content=parameter, headers=headers).status_code == 400
    # An external DTD is ignored: the document is read as if it had none.
    assert client.put(url, content=external_dtd, headers=headers).status_code == 201
    assert listener.heard == []


def test_iris_in_uploaded_data_are_not_dereferenced(
    app_client: tuple[TestClient, dict[str, str]], listener: Listener
) -> None:
    client, owner = app_client
    turtle = (
        f"@base <{listener.url}/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
        f"<> owl:imports <{listener.url}/ontology.ttl> ; a <Thing> ."
    )
    answer = client.put(
        "/rdf-graph-store?graph=http://example.org/g",
        content=turtle,
        headers={"Content-Type": "text/turtle", **owner},
    )
    assert answer.status_code == 201
    assert listener.heard == []


# -- the screen itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service ?loaded WHERE { ?service <http://e/service> 'LOAD SERVICE' }",
        "SELECT * { ?s ?p '''a ''SERVICE'' b''' } # SERVICE and LOAD",
        'SELECT * { ?s ?p """LOAD <http://x/>""" }',
        "PREFIX cdkg: <https://w3id.org/cdkg/catalogue#> SELECT * { ?s cdkg:loadedAt ?o }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:service-desk ?o ; ex:a.service ?x }",
        "SELECT * { ?s ?p _:service }",
        "SELECT * { ?s ?p 'x'@load }",
        "SELECT * { ?s <http://e/SERVICE> <urn:load> }",
        "SELECT $service { }",
    ],
)
def test_the_words_may_appear_where_they_cannot_act(text: str) -> None:
    screen(text)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("SELECT * { SERVICE <http://x/> {} }", "SERVICE at line 1, column 12"),
        ("SELECT * {\n  Service <http://x/> {} }", "SERVICE at line 2, column 3"),
        ("SELECT * { ?s ?p 'unterminated SERVICE <x> {} }", "SERVICE at line 1, column 32"),
        ("PREFIX download: <http://e/> SELECT * { ?s download:x ?o }", "in 'download:'"),
        ("CLEAR ALL ;\nLoAd <http://x/>", "LOAD at line 2, column 1"),
    ],
)
def test_refusals_say_where(text: str, where: str) -> None:
    with pytest.raises(QueryRefused) as refused:
        screen(text)
    assert where in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        "ASK { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }",
        "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
        "ASK { FILTER(" + "!" * 20000 + "true) }",
        "ASK { ?s <http://p> " + "( " * 200 + ")" * 200 + " }",
        "INSERT { <a:b> <a:c> 1 } WHERE " + "{" * 3000 + "}" * 3000,
    ],
)
def test_texts_nested_deeper_than_the_parser_survives_are_refused(text: str) -> None:
    """pyoxigraph's parser overflows its stack (the process dies) on a few thousand nested
    brackets or `!`, and takes exponential time on nested collections."""
    with pytest.raises(QueryRefused) as refused:
        screen(text)
    assert f"nesting deeper than {MAX_NESTING}" in str(refused.value)


def test_ordinary_nesting_is_fine() -> None:
    deep = "SELECT * " + "{ OPTIONAL " * 30 + "{}" + "}" * 30
    screen(deep)
    many = "SELECT * { " + " ".join(f"FILTER(!BOUND(?x{n}))" for n in range(200)) + " }"
    screen(many)
