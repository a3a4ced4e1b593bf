"""W3C SPARQL 1.1 Protocol, Graph Store Protocol and Service Description tests, over real HTTP.

One uvicorn server on 127.0.0.1 serves the real app for the whole module; the store is emptied
before each test and the test's `ut:graphData` loaded into the graphs their labels name. Each
`ht:Request` is sent as written (`Host: www.example`, bodies in the charset they name, UTF-16
included), with `/sparql/` mapped to `/sparql` and `/gsp` to `/rdf-graph-store`, and `$LOCATION$`
replaced by an earlier response's Location header. The harness acts as the store's owner, so it
sees (and may change) the whole store, as the tests expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    parse,
    parse_query_results,
)
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from app.main import create_app
from app.security.access import Viewer, get_viewer
from app.settings import Settings
from app.sparql.negotiation import formats_for

from .exchanges import Answer, Exchange, exchanges, send
from .expected_failures import EXPECTED_FAILURES
from .live_server import LiveServer, serve
from .manifests import Entry, defined_entry, entries, file_path, suite_dir, update_data
from .results import canonical

SUITE = suite_dir()
UNLISTED = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/manifest#head_non_existing_direct"
ENTRIES = [
    *entries(SUITE / "protocol" / "manifest.ttl"),
    *entries(SUITE / "graph-store-protocol" / "manifest.ttl"),
    defined_entry(SUITE / "graph-store-protocol" / "manifest-direct.ttl", UNLISTED),
]
SERVICE_DESCRIPTION = list(entries(SUITE / "service-description" / "manifest.ttl"))
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

_FORMATS = {
    "boolean": {f.media_type for f in formats_for("boolean")},
    "tabular": {f.media_type for f in formats_for("solutions")},
    "RDF": {f.media_type for f in formats_for("graph")},
}
_RESULTS = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
}


def _cases(listed: list[Entry]) -> list[object]:
    cases = []
    for entry in listed:
        reason = EXPECTED_FAILURES.get(entry.iri)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        cases.append(pytest.param(entry, id=entry.iri, marks=marks))
    return cases


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    app = create_app(Settings(store=Path(":memory:")))
    app.dependency_overrides[get_viewer] = lambda: Viewer("owner")
    with serve(app) as live:
        yield live


@pytest.fixture
def live(server: LiveServer) -> LiveServer:
    server.app.state.store.update("DROP SILENT ALL")
    return server


def test_suite_is_complete() -> None:
    kinds = [e.type for e in ENTRIES]
    assert kinds.count("ProtocolTest") == 34
    assert kinds.count("GraphStoreProtocolTest") == 14
    assert len(SERVICE_DESCRIPTION) == 3


@pytest.mark.parametrize("entry", _cases(ENTRIES))
def test_w3c_http(entry: Entry, live: LiveServer) -> None:
    store = live.app.state.store
    for load in update_data(entry, entry.node):
        graph = NamedNode(load.graph) if load.graph is not None else DefaultGraph()
        quads = parse(path=file_path(load.file), base_iri=load.file)
        store.add_quads(Quad(q.subject, q.predicate, q.object, graph) for q in quads)
    variables: dict[str, str] = {}
    for exchange in exchanges(entry):
        answer = _replay(live, exchange, variables)
        _check(exchange, answer, variables)


@pytest.mark.parametrize("entry", _cases(SERVICE_DESCRIPTION))
def test_w3c_service_description(entry: Entry, live: LiveServer) -> None:
    answer = send(live.port, "GET", "/sparql", [("Host", f"127.0.0.1:{live.port}")], None)
    assert answer.status == 200
    assert answer.media_type in _FORMATS["RDF"], answer.media_type
    graph = Graph().parse(data=answer.body, format=_rdflib_format(answer.media_type))
    (service,) = graph.subjects(RDF.type, SD.Service)
    name = entry.iri.rpartition("#")[2]
    if name == "has-endpoint-triple":
        assert (service, SD.endpoint, URIRef(f"{live.url}/sparql")) in graph
    elif name == "conforms-to-schema":
        _check_schema(graph, service)
    else:
        assert name == "returns-rdf"
        assert len(graph) > 0


def _replay(live: LiveServer, exchange: Exchange, variables: dict[str, str]) -> Answer:
    path = _substitute(_local_path(exchange.path), variables)
    body = None
    if exchange.body is not None:
        chars = _substitute(exchange.body.chars, variables)
        body = chars.encode(exchange.body.encoding)
    headers = [("Host", "www.example"), *exchange.headers]
    return send(live.port, exchange.method, path, headers, body)


def _check(exchange: Exchange, answer: Answer, variables: dict[str, str]) -> None:
    expected = exchange.expected
    where = f"{exchange.method} {exchange.path}"
    assert expected.accepts(answer.status), (
        f"{where}: status {answer.status}, expected {expected.statuses}: {answer.body[:400]!r}"
    )
    if expected.format is not None:
        assert answer.media_type in _FORMATS[expected.format], f"{where}: {answer.media_type}"
    if expected.boolean is not None:
        parsed = parse_query_results(answer.body, _RESULTS[answer.media_type])
        assert isinstance(parsed, QueryBoolean)
        assert bool(parsed) is expected.boolean, f"{where}: answered {bool(parsed)}"
    if expected.location_variable is not None:
        assert "location" in answer.headers, f"{where}: no Location header"
        variables[expected.location_variable] = answer.headers["location"]
    if expected.content_type is not None:
        assert _normal(answer.headers.get("content-type", "")) == _normal(expected.content_type)
    if expected.body is not None:
        want_format = RdfFormat.from_media_type(expected.content_type or "text/turtle")
        got_format = RdfFormat.from_media_type(answer.media_type)
        assert want_format is not None and got_format is not None
        base = "http://www.example" + _local_path(exchange.path)
        want = parse(expected.body.encoded(), format=want_format, base_iri=base)
        got = parse(answer.body, format=got_format, base_iri=base)
        assert canonical(got) == canonical(want), f"{where}: {answer.body.decode()}"


def _local_path(path: str) -> str:
    if path.startswith("/sparql/"):
        return "/sparql" + path[len("/sparql/") :]
    if path.startswith("/gsp"):
        return "/rdf-graph-store" + path[len("/gsp") :]
    raise AssertionError(f"unexpected request path {path}")


def _substitute(text: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        text = text.replace(name, value)
    return text


def _normal(content_type: str) -> str:
    return content_type.replace(" ", "").lower()


def _rdflib_format(media_type: str) -> str:
    return {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/n-quads": "nquads",
        "application/trig": "trig",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }[media_type]


_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
_FEATURES = {
    SD.DereferencesURIs,
    SD.UnionDefaultGraph,
    SD.RequiresDataset,
    SD.EmptyGraphs,
    SD.BasicFederatedQuery,
}


def _check_schema(graph: Graph, service: object) -> None:
    """The description keeps to the ranges the SD vocabulary gives its properties."""
    endpoints = list(graph.objects(service, SD.endpoint))
    assert endpoints and all(isinstance(e, URIRef) for e in endpoints)
    languages = set(graph.objects(service, SD.supportedLanguage))
    assert languages and languages <= _LANGUAGES
    assert set(graph.objects(service, SD.feature)) <= _FEATURES
    for prop in (SD.resultFormat, SD.inputFormat):
        assert all(isinstance(f, URIRef) for f in graph.objects(service, prop))
    for dataset in graph.objects(service, SD.defaultDataset):
        assert (dataset, RDF.type, SD.Dataset) in graph
        assert len(list(graph.objects(dataset, SD.defaultGraph))) == 1
        for named in graph.objects(dataset, SD.namedGraph):
            names = list(graph.objects(named, SD.name))
            assert len(names) == 1 and isinstance(names[0], URIRef)
            assert not isinstance(names[0], Literal)
