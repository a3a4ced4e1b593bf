"""Real SPARQL clients against a live server: SPARQLWrapper and rdflib's SPARQL stores.

uvicorn serves the real app on 127.0.0.1 (a free port) for the module; the fixture study says
"open" publicly and "guarded" to researchers about <http://example.org/thing>.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
from conformance.live_server import LiveServer, serve
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import Unauthorized

from app.main import create_app
from app.security.tokens import TokenStore
from app.settings import Settings
from app.store.base import AccessLevel
from app.store.catalogue import GraphEntry, SourceEntry, publish_study

EX = "http://example.org/"
PUB, RES = EX + "g/public", EX + "g/restricted"
THING, SAYS = URIRef(EX + "thing"), URIRef(EX + "says")
SELECT_WORDS = f"SELECT ?w WHERE {{ ?s <{SAYS}> ?w }}"


class Live:
    def __init__(self, server: LiveServer, owner: str, researcher: str) -> None:
        self.endpoint = server.url + "/sparql"
        self.owner = owner
        self.researcher = researcher

    def wrapper(self, query: str, token: str | None = None) -> SPARQLWrapper:
        client = SPARQLWrapper(self.endpoint)
        client.setQuery(query)
        if token is not None:
            client.addCustomHttpHeader("Authorization", f"Bearer {token}")
        return client


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tokens_file = tmp_path_factory.mktemp("clients") / "tokens.json"
    tokens = TokenStore(tokens_file)
    _, owner = tokens.create("owner")
    _, researcher = tokens.create("researcher")
    app = create_app(Settings(store=Path(":memory:"), tokens_file=tokens_file))
    with serve(app) as server:
        nquads = f'<{THING}> <{SAYS}> "open" <{PUB}> .\n<{THING}> <{SAYS}> "guarded" <{RES}> .\n'
        entry = SourceEntry(
            EX + "source/records",
            "records.yaml",
            "0" * 64,
            (GraphEntry(PUB, AccessLevel.PUBLIC, 1), GraphEntry(RES, AccessLevel.RESTRICTED, 1)),
        )
        publish_study(
            app.state.store, EX + "study", [entry], io.BytesIO(nquads.encode()), datetime.now(UTC)
        )
        yield Live(server, owner, researcher)


def _json_words(result: Any) -> list[str]:
    return sorted(b["w"]["value"] for b in result["results"]["bindings"])


def test_sparqlwrapper_select_json(live: Live) -> None:
    client = live.wrapper(SELECT_WORDS)
    client.setReturnFormat(JSON)
    assert _json_words(client.queryAndConvert()) == ["open"]


def test_sparqlwrapper_select_json_by_post(live: Live) -> None:
    client = live.wrapper(SELECT_WORDS, live.researcher)
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    assert _json_words(client.queryAndConvert()) == ["guarded", "open"]


def test_sparqlwrapper_select_xml(live: Live) -> None:
    client = live.wrapper(SELECT_WORDS)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    literals = [n.firstChild.data for n in document.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == ["open"]


def test_sparqlwrapper_select_csv(live: Live) -> None:
    client = live.wrapper(SELECT_WORDS)
    client.setReturnFormat(CSV)
    rows = list(csv.reader(io.StringIO(client.queryAndConvert().decode("utf-8"))))  # type: ignore[union-attr]
    assert rows == [["w"], ["open"]]


@pytest.mark.parametrize(("word", "expected"), [("open", True), ("guarded", False)])
def test_sparqlwrapper_ask(live: Live, word: str, expected: bool) -> None:
    client = live.wrapper(f'ASK {{ ?s ?p "{word}" }}')
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is expected  # type: ignore[index]


@pytest.mark.parametrize(
    ("return_format", "media_type", "rdflib_format"),
    [(XML, "application/rdf+xml", "xml"), (TURTLE, "text/turtle", "turtle")],
)
def test_sparqlwrapper_construct(
    live: Live, return_format: str, media_type: str, rdflib_format: str
) -> None:
    # SPARQLWrapper's own conversion builds a deprecated rdflib ConjunctiveGraph, so the
    # answer is parsed here.
    client = live.wrapper("CONSTRUCT WHERE { ?s ?p ?o }")
    client.setReturnFormat(return_format)
    response = client.query().response
    assert response.headers["Content-Type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.read(), format=rdflib_format)
    assert set(graph) == {(THING, SAYS, Literal("open"))}


def test_sparqlwrapper_update_needs_the_owner_token(live: Live) -> None:
    insert = f'INSERT DATA {{ GRAPH <{EX}g/wrapper> {{ <{THING}> <{SAYS}> "by wrapper" }} }}'
    anonymous = live.wrapper(insert)
    anonymous.setMethod(POST)
    with pytest.raises(Unauthorized) as refused:
        anonymous.query()
    _close(refused.value)
    owner = live.wrapper(insert, live.owner)
    owner.setMethod(POST)
    assert owner.query().response.status == 204
    check = live.wrapper(f"SELECT ?w {{ GRAPH <{EX}g/wrapper> {{ ?s ?p ?w }} }}", live.owner)
    check.setReturnFormat(JSON)
    assert _json_words(check.queryAndConvert()) == ["by wrapper"]


def test_rdflib_sparqlstore_reads_the_public_graph(live: Live) -> None:
    graph = Graph(SPARQLStore(live.endpoint))
    assert [str(row[0]) for row in graph.query(SELECT_WORDS)] == ["open"]  # type: ignore[index]
    assert (THING, SAYS, Literal("open")) in graph
    assert (THING, SAYS, Literal("guarded")) not in graph
    assert len(graph) == 1


def test_rdflib_sparqlstore_with_a_researcher_token(live: Live) -> None:
    store = SPARQLStore(live.endpoint, headers={"Authorization": f"Bearer {live.researcher}"})
    words = sorted(str(row[0]) for row in Graph(store).query(SELECT_WORDS))  # type: ignore[index]
    assert words == ["guarded", "open"]


def test_rdflib_sparqlupdatestore_writes_with_the_owner_token(live: Live) -> None:
    named = URIRef(EX + "g/rdflib")
    store = SPARQLUpdateStore(
        live.endpoint, live.endpoint, headers={"Authorization": f"Bearer {live.owner}"}
    )
    graph = Graph(store, identifier=named)
    graph.add((THING, SAYS, Literal("by rdflib")))
    assert (THING, SAYS, Literal("by rdflib")) in graph
    graph.remove((THING, SAYS, Literal("by rdflib")))
    assert (THING, SAYS, Literal("by rdflib")) not in graph


def test_rdflib_sparqlupdatestore_without_a_token_is_refused(live: Live) -> None:
    graph = Graph(SPARQLUpdateStore(live.endpoint, live.endpoint), identifier=URIRef(EX + "g/x"))
    with pytest.raises(HTTPError) as refused:
        graph.add((THING, SAYS, Literal("nope")))
    assert refused.value.code == 401
    _close(refused.value)


def _close(error: BaseException | None) -> None:
    """Close the HTTP response an error carries (the clients leave it open)."""
    while error is not None:
        if isinstance(error, HTTPError):
            error.close()
        error = error.__context__
