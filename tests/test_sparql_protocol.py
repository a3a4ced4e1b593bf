"""`/sparql`: the SPARQL 1.1 Protocol over the real app, with access levels and tokens.

The fixture study has one catalogued graph per access level, each saying one word about
<http://example.org/thing>: "open" (public), "guarded" (restricted), "hidden" (confidential);
a graph outside the catalogue says "stray", and the store's own default graph says "plain".
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from app.main import create_app
from app.security.tokens import TokenStore
from app.settings import Settings
from app.sparql.clauses import DatasetConflict, add_using, query_shape
from app.sparql.execution import Dataset
from app.sparql.iri import resolve
from app.store.base import CATALOGUE_GRAPH, AccessLevel
from app.store.catalogue import GraphEntry, SourceEntry, publish_study

EX = "http://example.org/"
PUB, RES, CONF, STRAY = (EX + g for g in ("g/public", "g/restricted", "g/confidential", "g/stray"))
SAYS = "SELECT ?w WHERE { ?s <http://example.org/says> ?w }"
ALL_GRAPHS = "SELECT ?g ?w WHERE { GRAPH ?g { ?s <http://example.org/says> ?w } }"


class Callers:
    def __init__(self, client: TestClient, owner: str, researcher: str) -> None:
        self.client = client
        self.owner = {"Authorization": f"Bearer {owner}"}
        self.researcher = {"Authorization": f"Bearer {researcher}"}


def _study(settings: Settings) -> Iterator[Callers]:
    tokens = TokenStore(settings.tokens_file)
    _, owner = tokens.create("owner")
    _, researcher = tokens.create("researcher")
    with TestClient(create_app(settings)) as client:
        store = client.app.state.store  # type: ignore[attr-defined]
        nquads = "".join(
            f'<{EX}thing> <{EX}says> "{word}" <{graph}> .\n'
            for word, graph in (("open", PUB), ("guarded", RES), ("hidden", CONF))
        )
        entry = SourceEntry(
            iri=EX + "source/records",
            file="records.yaml",
            sha256="0" * 64,
            graphs=(
                GraphEntry(PUB, AccessLevel.PUBLIC, 1),
                GraphEntry(RES, AccessLevel.RESTRICTED, 1),
                GraphEntry(CONF, AccessLevel.CONFIDENTIAL, 1),
            ),
        )
        publish_study(store, EX + "study", [entry], io.BytesIO(nquads.encode()), datetime.now(UTC))
        store.update(
            f'INSERT DATA {{ GRAPH <{STRAY}> {{ <{EX}x> <{EX}says> "stray" }} '
            f'<{EX}y> <{EX}says> "plain" }}'
        )
        yield Callers(client, owner, researcher)


@pytest.fixture
def callers(tmp_path: Path) -> Iterator[Callers]:
    settings = Settings(store=Path(":memory:"), tokens_file=tmp_path / "tokens.json")
    yield from _study(settings)


def _words(response: Response) -> list[str]:
    assert response.status_code == 200, response.text
    data = json.loads(response.text)
    return sorted(b["w"]["value"] for b in data["results"]["bindings"])


# -- query by GET, POST form, POST direct ----------------------------------------------------


def test_the_three_ways_to_send_a_query_agree(callers: Callers) -> None:
    client = callers.client
    by_get = client.get("/sparql", params={"query": SAYS})
    by_form = client.post("/sparql", data={"query": SAYS})
    by_body = client.post(
        "/sparql", content=SAYS, headers={"Content-Type": "application/sparql-query"}
    )
    assert _words(by_get) == _words(by_form) == _words(by_body) == ["open"]


def test_levels_see_their_graphs_merged_as_the_default_graph(callers: Callers) -> None:
    client = callers.client
    assert _words(client.get("/sparql", params={"query": SAYS})) == ["open"]
    assert _words(client.get("/sparql", params={"query": SAYS}, headers=callers.researcher)) == [
        "guarded",
        "open",
    ]


def test_owners_query_the_store_as_it_is(callers: Callers) -> None:
    client = callers.client
    # The store's own default graph holds only "plain"; study data is in catalogued named graphs
    # at every level, which an owner's default graph also merges in; "stray" is uncatalogued.
    owners_default = _words(client.get("/sparql", params={"query": SAYS}, headers=callers.owner))
    assert owners_default == ["guarded", "hidden", "open", "plain"]
    every = client.get("/sparql", params={"query": ALL_GRAPHS}, headers=callers.owner)
    assert _words(every) == ["guarded", "hidden", "open", "stray"]
    catalogue = f"ASK {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?s ?p ?o }} }}"
    answer = client.get("/sparql", params={"query": catalogue}, headers=callers.owner)
    assert json.loads(answer.text)["boolean"] is True


@pytest.mark.parametrize(
    "request_args",
    [
        {"params": {"query": f"SELECT ?w FROM <{RES}> FROM <{CONF}> WHERE {{ ?s <{EX}says> ?w }}"}},
        {"params": {"query": f"SELECT ?w FROM NAMED <{CONF}> {{ GRAPH ?g {{ ?s ?p ?w }} }}"}},
        {"params": {"query": f"SELECT ?w {{ GRAPH <{RES}> {{ ?s ?p ?w }} }}"}},
        {"params": {"query": SAYS, "default-graph-uri": [RES, CONF, STRAY]}},
        {"params": {"query": ALL_GRAPHS, "named-graph-uri": [RES, CONF, STRAY, CATALOGUE_GRAPH]}},
        {"params": {"query": f"SELECT ?w FROM <{STRAY}> {{ ?s ?p ?w }}"}},
    ],
)
def test_anonymous_callers_cannot_name_their_way_into_other_graphs(
    callers: Callers, request_args: dict[str, dict[str, object]]
) -> None:
    answer = callers.client.get("/sparql", **request_args)  # type: ignore[arg-type]
    assert answer.status_code == 200
    for word in ("guarded", "hidden", "stray", "plain"):
        assert word not in answer.text


def test_protocol_dataset_wins_over_the_query_dataset(callers: Callers) -> None:
    query = f"SELECT ?w FROM <{PUB}> WHERE {{ ?s <{EX}says> ?w }}"
    answer = callers.client.get(
        "/sparql", params={"query": query, "default-graph-uri": RES}, headers=callers.owner
    )
    assert _words(answer) == ["guarded"]


def test_named_graph_uri_alone_leaves_the_default_graph_empty(callers: Callers) -> None:
    client, owner = callers.client, callers.owner
    params = {"query": SAYS, "named-graph-uri": PUB}
    assert _words(client.get("/sparql", params=params, headers=owner)) == []
    params = {"query": ALL_GRAPHS, "named-graph-uri": PUB}
    assert _words(client.get("/sparql", params=params, headers=owner)) == ["open"]


# -- result formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "content_type", "results_format"),
    [
        ("json", "application/sparql-results+json", QueryResultsFormat.JSON),
        ("xml", "application/sparql-results+xml", QueryResultsFormat.XML),
        ("tsv", "text/tab-separated-values; charset=utf-8", QueryResultsFormat.TSV),
    ],
)
def test_select_results_formats(
    callers: Callers, token: str, content_type: str, results_format: QueryResultsFormat
) -> None:
    answer = callers.client.get("/sparql", params={"query": SAYS, "format": token})
    assert answer.headers["content-type"] == content_type
    (solution,) = list(parse_query_results(answer.content, results_format))  # type: ignore[arg-type]
    assert solution["w"].value == "open"


def test_select_as_csv(callers: Callers) -> None:
    answer = callers.client.get("/sparql", params={"query": SAYS}, headers={"Accept": "text/csv"})
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(answer.text))) == [["w"], ["open"]]


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_ask_results(callers: Callers, accept: str) -> None:
    answer = callers.client.get(
        "/sparql", params={"query": 'ASK { ?s ?p "open" }'}, headers={"Accept": accept}
    )
    assert answer.headers["content-type"] == accept
    fmt = QueryResultsFormat.from_media_type(accept)
    assert fmt is not None
    assert bool(parse_query_results(answer.content, fmt)) is True


@pytest.mark.parametrize("token", ["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"])
@pytest.mark.parametrize("form", ["CONSTRUCT WHERE { ?s ?p ?o }", f"DESCRIBE <{EX}thing>"])
def test_graph_results_in_every_rdf_format(callers: Callers, token: str, form: str) -> None:
    answer = callers.client.get("/sparql", params={"query": form, "format": token})
    assert answer.status_code == 200, answer.text
    fmt = RdfFormat.from_media_type(answer.headers["content-type"])
    assert fmt is not None
    triples = {
        (q.subject.value, q.predicate.value, q.object.value) for q in parse(answer.content, fmt)
    }
    assert triples == {(EX + "thing", EX + "says", "open")}


def test_nothing_acceptable_is_406_with_the_alternatives(callers: Callers) -> None:
    answer = callers.client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"}
    )
    assert answer.status_code == 406
    assert answer.headers["content-type"] == "application/problem+json"
    assert "text/turtle" in answer.json()["detail"]


def test_row_cap_truncates_anonymous_results_visibly(tmp_path: Path) -> None:
    settings = Settings(store=Path(":memory:"), tokens_file=tmp_path / "t.json", row_limit=1)
    for callers in _study(settings):
        query = "SELECT ?w WHERE { VALUES ?w { 1 2 3 } }"
        capped = callers.client.get("/sparql", params={"query": query})
        assert capped.headers["cdkg-truncated"] == "true"
        assert len(capped.json()["results"]["bindings"]) == 1
        whole = callers.client.get("/sparql", params={"query": query}, headers=callers.owner)
        assert "cdkg-truncated" not in whole.headers
        assert len(whole.json()["results"]["bindings"]) == 3


# -- updates ---------------------------------------------------------------------------------


def test_updates_need_an_owner_token(callers: Callers) -> None:
    client = callers.client
    update = {"Content-Type": "application/sparql-update"}
    text = f'INSERT DATA {{ <{EX}a> <{EX}says> "new" }}'
    anonymous = client.post("/sparql", content=text, headers=update)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert (
        client.post("/sparql", content=text, headers={**update, **callers.researcher}).status_code
        == 403
    )
    bad = client.post("/sparql", content=text, headers={**update, "Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert (
        client.post("/sparql", content=text, headers={**update, **callers.owner}).status_code == 204
    )
    assert _words(client.get("/sparql", params={"query": SAYS}, headers=callers.owner)) == [
        "guarded",
        "hidden",
        "new",
        "open",
        "plain",
    ]


def test_update_by_form(callers: Callers) -> None:
    client = callers.client
    answer = client.post(
        "/sparql", data={"update": f"DELETE WHERE {{ <{EX}y> ?p ?o }}"}, headers=callers.owner
    )
    assert answer.status_code == 204
    # "plain" (the store's default graph) is gone; the catalogued study graphs remain.
    owners_default = _words(client.get("/sparql", params={"query": SAYS}, headers=callers.owner))
    assert owners_default == ["guarded", "hidden", "open"]


def test_using_graph_uri_sets_the_where_dataset(callers: Callers) -> None:
    client = callers.client
    copy = f"INSERT {{ GRAPH <{EX}g/copy> {{ ?s <{EX}says> ?w }} }} WHERE {{ ?s <{EX}says> ?w }}"
    answer = client.post(
        f"/sparql?using-graph-uri={RES}",
        content=copy,
        headers={"Content-Type": "application/sparql-update", **callers.owner},
    )
    assert answer.status_code == 204, answer.text
    query = f"SELECT ?w {{ GRAPH <{EX}g/copy> {{ ?s ?p ?w }} }}"
    assert _words(client.get("/sparql", params={"query": query}, headers=callers.owner)) == [
        "guarded"
    ]


def test_using_graph_uri_applies_to_delete_where(callers: Callers) -> None:
    client = callers.client
    answer = client.post(
        "/sparql",
        data={"update": f"DELETE WHERE {{ ?s <{EX}says> ?w }}", "using-graph-uri": STRAY},
        headers=callers.owner,
    )
    assert answer.status_code == 204
    # DELETE touches the store's default graph; only the WHERE part read <stray>.
    assert _words(client.get("/sparql", params={"query": ALL_GRAPHS}, headers=callers.owner)) == [
        "guarded",
        "hidden",
        "open",
        "stray",
    ]


def test_using_graph_uri_with_a_with_clause_is_400(callers: Callers) -> None:
    answer = callers.client.post(
        f"/sparql?using-named-graph-uri={PUB}",
        content=f"WITH <{PUB}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        headers={"Content-Type": "application/sparql-update", **callers.owner},
    )
    assert answer.status_code == 400
    assert "WITH clause (line 1, column 1)" in answer.json()["detail"]


# -- errors: always a named 4xx --------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_position(callers: Callers) -> None:
    answer = callers.client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["title"] == "Malformed query"
    assert body["detail"].startswith("line 1, column 26, at the end of the query: expected")


def test_malformed_update_is_400(callers: Callers) -> None:
    answer = callers.client.post("/sparql", data={"update": "CLEAR XYZ"}, headers=callers.owner)
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("line 1, column 10, at the end of the query")


def test_failures_while_running_are_400(callers: Callers) -> None:
    client = callers.client
    unknown = client.get(
        "/sparql", params={"query": f"SELECT (<{EX}no-such-function>(1) AS ?x) {{}}"}
    )
    assert unknown.status_code == 400, unknown.text
    missing = client.post(
        "/sparql", data={"update": f"DROP GRAPH <{EX}g/none>"}, headers=callers.owner
    )
    assert missing.status_code == 400
    assert f"{EX}g/none" in missing.json()["detail"]


_TEXT_PLAIN = {"Content-Type": "text/plain"}
_FEDERATED = "SELECT * { SERVICE <http://x/> {} }"


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "says"),
    [
        ("GET", "/sparql?query=ASK{}&query=ASK{}", {}, 400, "2 query= values"),
        ("GET", "/sparql?update=CLEAR%20ALL", {}, 400, "POST"),
        ("POST", "/sparql", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
        ("POST", "/sparql", {"data": {"other": "x"}}, 400, "neither"),
        ("POST", "/sparql", {"content": b"ASK {}"}, 415, "Content-Type"),
        (
            "POST",
            "/sparql",
            {"content": b"ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "text/plain",
        ),
        (
            "POST",
            "/sparql",
            {
                "content": "ASK {}".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"},
            },
            415,
            "utf-16",
        ),
        (
            "POST",
            "/sparql",
            {"content": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}},
            400,
            "UTF-8",
        ),
        (
            "POST",
            "/sparql?query=ASK{}",
            {"content": b"ASK {}", "headers": {"Content-Type": "application/sparql-query"}},
            400,
            "must not carry",
        ),
        ("GET", "/sparql?query=ASK{}&default-graph-uri=not%20an%20iri", {}, 400, "absolute IRI"),
        ("GET", "/sparql?query=ASK{}&using-graph-uri=http://x/", {}, 400, "updates"),
        (
            "POST",
            "/sparql",
            {"data": {"query": "SELECT * { SERVICE <http://x/> {} }"}},
            400,
            "SERVICE",
        ),
        ("PUT", "/sparql?query=ASK{}", {}, 405, "Method Not Allowed"),
        ("DELETE", "/sparql", {}, 405, "Method Not Allowed"),
    ],
)
def test_protocol_violations_are_named(
    callers: Callers, method: str, url: str, kwargs: dict[str, object], status: int, says: str
) -> None:
    answer = callers.client.request(method, url, **kwargs)  # type: ignore[arg-type]
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert says in answer.json()["detail"]


_GARBAGE_BODIES = [
    b"",
    b"\x00\x01\x02\xff\xfe",
    "ASK {}".encode("utf-16"),
    b"query=%ZZ%",
    b"query=%C3%28",
    b"update=%FF",
    b"query=" + b"(" * 5000,
    b"SELECT * WHERE " + b"{" * 3000 + b"}" * 3000,
    b"SELECT * { ?s ?p ?o } LIMIT 99999999999999999999999999",
    b"SELECT (1/0 AS ?x) (STRDT('x', <not an iri>) AS ?y) {}",
    b"PREFIX : <http://x/> SELECT * { service:x {} }",
    b"CONSTRUCT { ?s ?p ?o } { BIND(<http://e/> AS ?s) BIND(<http://e/> AS ?p) BIND(1 AS ?o) }",
    b"CONSTRUCT { <http://e/s> ?p 1 } WHERE { VALUES ?p { <http://e/> } }",
    b'DESCRIBE ?x WHERE { BIND("lit" AS ?x) }',
    b"INSERT DATA { <a> <b> <c> }",
    b"CLEAR GRAPH <http://nowhere/>",
    b"DROP GRAPH <http://nowhere/>",
    b"CREATE GRAPH <" + b"http://x/" + b"a" * 20000 + b">",
    b"MOVE <http://nowhere/> TO <http://elsewhere/>",
    'ASK { ?s ?p "\U0001f600" } # \u202e'.encode(),
    b'{"query": "ASK {}"}',
    b"<rdf:RDF/>",
]
_GARBAGE_TYPES = [
    None,
    "application/sparql-query",
    "application/sparql-update",
    "application/x-www-form-urlencoded",
    "application/sparql-query; charset=latin-1",
    "multipart/form-data; boundary=x",
    "application/json",
    "text/turtle",
    ";;;",
]
_GARBAGE_QUERIES = [
    "",
    "query",
    "query=",
    "query=%ZZ",
    "query=ASK%7B%7D&format=%00",
    "query=ASK%7B%7D&format=nonsense",
    "default-graph-uri=%00&query=ASK%7B%7D",
    "named-graph-uri=http://x/%20y&query=ASK%7B%7D",
    "query=SELECT%20*%20%7B%7D&default-graph-uri=" + "a" * 5000,
    "update=CLEAR%20ALL&update=CLEAR%20ALL",
]


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_no_input_ever_gives_a_500(callers: Callers, method: str) -> None:
    accept_headers = [None, "text/csv", "*/*;q=0", "garbage", "application/rdf+xml"]
    auth_headers = [{}, callers.owner, {"Authorization": "Bearer \x7f"}]
    for n, body in enumerate(_GARBAGE_BODIES):
        content_type = _GARBAGE_TYPES[n % len(_GARBAGE_TYPES)]
        for query_string in _GARBAGE_QUERIES[n % 3 :: 3]:
            headers: dict[str, str] = dict(auth_headers[n % len(auth_headers)])
            if content_type is not None:
                headers["Content-Type"] = content_type
            accept = accept_headers[n % len(accept_headers)]
            if accept is not None:
                headers["Accept"] = accept
            url = "/sparql?" + query_string
            answer = callers.client.request(
                method, url, content=body if method != "GET" else None, headers=headers
            )
            assert answer.status_code < 500, (method, url, body[:80], headers, answer.text)
    for text in (b.decode("utf-8", "replace") for b in _GARBAGE_BODIES):
        answer = callers.client.request(method, "/sparql", params={"query": text})
        assert answer.status_code < 500, (method, text[:80], answer.text)


# -- service description ---------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
NAMES = f"SELECT ?g WHERE {{ ?d <{SD}namedGraph>/<{SD}name> ?g }}"


def _described_graphs(body: bytes, fmt: RdfFormat) -> set[str]:
    from pyoxigraph import Store

    store = Store()
    store.load(body, format=fmt)
    return {row[0].value for row in store.query(NAMES)}  # type: ignore[union-attr]


def test_service_description_names_only_what_the_caller_may_read(callers: Callers) -> None:
    client = callers.client
    anonymous = client.get("/sparql")
    assert anonymous.status_code == 200
    assert anonymous.headers["content-type"] == "text/turtle; charset=utf-8"
    assert _described_graphs(anonymous.content, RdfFormat.TURTLE) == {PUB}
    researcher = client.get("/sparql", headers=callers.researcher)
    assert _described_graphs(researcher.content, RdfFormat.TURTLE) == {PUB, RES}
    owner = client.get("/sparql", headers=callers.owner)
    assert _described_graphs(owner.content, RdfFormat.TURTLE) == {
        PUB,
        RES,
        CONF,
        STRAY,
        CATALOGUE_GRAPH,
    }


def test_service_description_says_what_the_endpoint_speaks(callers: Callers) -> None:
    answer = callers.client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert answer.headers["content-type"] == "application/ld+json"
    text = answer.text
    assert f"{SD}endpoint" in text and "http://testserver/sparql" in text
    for term in ("SPARQL11Query", "SPARQL11Update", "UnionDefaultGraph"):
        assert SD + term in text
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "RDF_XML", "JSON-LD"):
        assert "http://www.w3.org/ns/formats/" + fmt in text
    assert SD + "BasicFederatedQuery" not in text


def test_service_description_endpoint_follows_the_public_base_url(tmp_path: Path) -> None:
    settings = Settings(
        store=Path(":memory:"),
        tokens_file=tmp_path / "t.json",
        public_base_url="https://cdkg.example.org/",
    )
    for callers in _study(settings):
        answer = callers.client.get("/sparql", params={"format": "nt"})
        assert f"<{SD}endpoint> <https://cdkg.example.org/sparql>" in answer.text


def test_service_description_in_csv_is_406(callers: Callers) -> None:
    assert callers.client.get("/sparql", headers={"Accept": "text/csv"}).status_code == 406


def test_openapi_documents_every_media_type(callers: Callers) -> None:
    spec = callers.client.get("/openapi.json").json()
    get = spec["paths"]["/sparql"]["get"]
    documented = set(get["responses"]["200"]["content"])
    assert documented == {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "text/turtle",
        "application/n-triples",
        "application/n-quads",
        "application/trig",
        "application/ld+json",
        "application/rdf+xml",
    }
    post = spec["paths"]["/sparql"]["post"]
    assert set(post["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded",
        "application/sparql-query",
        "application/sparql-update",
    }
    assert {p["name"] for p in get["parameters"]} >= {"query", "default-graph-uri", "format"}


# -- the lexer-level helpers the protocol relies on ------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("PREFIX select: <http://x/> ASK { ?s select:p 'SELECT' }", "ASK"),
        ("# SELECT\nBASE <http://x/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("describe <http://x/>", "DESCRIBE"),
        ("SELECT * { { SELECT ?x {} } }", "SELECT"),
        ("INSERT DATA { <a> <b> <c> }", None),
        ("", None),
    ],
)
def test_query_form(text: str, form: str | None) -> None:
    assert query_shape(text).form == form


def test_dataset_clause_resolves_prefixes_and_base() -> None:
    shape = query_shape(
        "BASE <http://base.example/dir/> PREFIX g: <http://g.example/> "
        "SELECT * FROM <a> FROM g:b FROM NAMED <../c> FROMNAMED<http://d/> "
        "WHERE { GRAPH ?g { ?s ?p 'FROM <http://not/>' } }",
        "http://ignored.example/",
    )
    assert shape.dataset == Dataset(
        ("http://base.example/dir/a", "http://g.example/b"),
        ("http://base.example/c", "http://d/"),
    )
    assert query_shape("SELECT * {}").dataset is None
    assert query_shape("SELECT * FROM NAMED <http://n/> {}").dataset == Dataset((), ("http://n/",))


@pytest.mark.parametrize(
    ("update", "rewritten"),
    [
        (
            "INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }",
            "INSERT { ?s ?p ?o } USING <http://a/> USING NAMED <http://b/> WHERE { ?s ?p ?o }",
        ),
        (
            "DELETE WHERE { ?s ?p 'WHERE' } ; INSERT DATA { <x> <y> <z> }",
            "DELETE { ?s ?p 'WHERE' } USING <http://a/> USING NAMED <http://b/> "
            "WHERE { ?s ?p 'WHERE' } ; INSERT DATA { <x> <y> <z> }",
        ),
        (
            "INSERT { ?s ?p ?o } WHERE { { SELECT * WHERE { ?s ?p ?o } } }",
            "INSERT { ?s ?p ?o } USING <http://a/> USING NAMED <http://b/> "
            "WHERE { { SELECT * WHERE { ?s ?p ?o } } }",
        ),
        ("CLEAR ALL", "CLEAR ALL"),
    ],
)
def test_using_clauses_go_before_each_where(update: str, rewritten: str) -> None:
    assert add_using(update, ["http://a/"], ["http://b/"]) == rewritten


@pytest.mark.parametrize(
    "update",
    [
        "WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } USING <http://g/> WHERE { ?s ?p ?o }",
        "insert { ?s ?p ?o } using named <http://g/> where { ?s ?p ?o }",
    ],
)
def test_using_parameters_conflict_with_the_update_own_dataset(update: str) -> None:
    with pytest.raises(DatasetConflict):
        add_using(update, ["http://a/"], [])
    assert add_using(update, [], []) == update


@pytest.mark.parametrize(
    ("reference", "resolved"),
    [
        ("g", "http://a/b/c/g"),
        ("../g", "http://a/b/g"),
        ("/g", "http://a/g"),
        ("//g", "http://g"),
        ("?y", "http://a/b/c/d;p?y"),
        ("#s", "http://a/b/c/d;p?q#s"),
        ("g;x=1/../y", "http://a/b/c/y"),
        ("../../../g", "http://a/g"),
        ("urn:x:y", "urn:x:y"),
    ],
)
def test_relative_iris_resolve_as_rfc_3986_says(reference: str, resolved: str) -> None:
    assert resolve("http://a/b/c/d;p?q", reference) == resolved


def test_relative_iri_without_base_does_not_resolve() -> None:
    assert resolve(None, "g") is None
    assert resolve(None, "http://x/") == "http://x/"
