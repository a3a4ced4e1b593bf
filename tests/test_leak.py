"""Anonymous callers never see restricted or confidential data, through any route.

The demo study (`examples/`) is loaded into a store on disk and served by the real app, with
its worker processes. Every string that exists only in restricted or confidential graphs is
collected; then a battery of anonymous requests (every route the app has, every result format,
every way of naming graphs) is sent, and no response body or header may contain any of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_plus

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, QuerySolutions
from starlette.routing import Mount, Route

from app.main import create_app
from app.security.tokens import TokenStore
from app.settings import Settings
from app.store.base import CATALOGUE_GRAPH, AccessLevel
from app.store.catalogue import sources
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

SOLUTION_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/ld+json",
    "application/rdf+xml",
)
# Characters every format writes as they are (no escaping in JSON, XML, CSV, Turtle, ...).
_PLAIN_RUN = re.compile(r"[A-Za-z0-9 ,.;:()/-]{8,}")
# Literals shorter than this are numbers, flags and short codes that would match by chance
# (a count in a JSON body, a length in a header); they say nothing on their own.
MIN_PROBE = 8


@dataclass(frozen=True)
class Secrets:
    """What anonymous callers must never receive, and how to spot it in any format."""

    iris: frozenset[str]
    probes: frozenset[str]
    graphs: tuple[str, ...]
    resources: tuple[str, ...]

    def __post_init__(self) -> None:
        # Longest first, and not followed by more IRI characters: ".../E1" is not ".../E12".
        alternatives = "|".join(re.escape(i) for i in sorted(self.iris, key=len, reverse=True))
        pattern = re.compile(f"(?:{alternatives})(?![A-Za-z0-9._~%/#-])")
        object.__setattr__(self, "_pattern", pattern)

    def found_in(self, text: str) -> list[str]:
        pattern: re.Pattern[str] = object.__getattribute__(self, "_pattern")
        hits = [probe for probe in self.probes if probe in text]
        hits += [m.group(0) for m in pattern.finditer(text)]
        return hits


def _graph_strings(store: OxigraphStore, graph: str) -> tuple[set[str], set[str]]:
    """(IRIs, literal lexical forms) in `graph`."""
    result = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, QuerySolutions)
    iris: set[str] = set()
    literals: set[str] = set()
    for row in result:
        for term in row:
            if isinstance(term, NamedNode):
                iris.add(term.value)
            elif isinstance(term, Literal):
                literals.add(term.value)
    return iris, literals


def collect_secrets(store: OxigraphStore, base: str) -> Secrets:
    public_iris: set[str] = set()
    public_literals: set[str] = set()
    hidden_iris: set[str] = set()
    hidden_literals: set[str] = set()
    hidden_graphs: list[str] = []
    for source in sources(store):
        for graph in source.graphs:
            iris, literals = _graph_strings(store, graph.iri)
            if graph.level is AccessLevel.PUBLIC:
                public_iris |= iris
                public_literals |= literals
            else:
                hidden_graphs.append(graph.iri)
                hidden_iris |= iris
                hidden_literals |= literals
    public_text = "\n".join(sorted(public_iris | public_literals))
    # Minted IRIs only: ontology and vocabulary terms are public by nature.
    iris = frozenset(i for i in hidden_iris - public_iris if i.startswith(base)) | frozenset(
        hidden_graphs
    )
    probes = set()
    for literal in hidden_literals - public_literals:
        runs = _PLAIN_RUN.findall(literal)
        probe = max(runs, key=len).strip() if runs else ""
        # A probe that public text also contains would be a false alarm, not a leak.
        if len(probe) >= MIN_PROBE and probe not in public_text:
            probes.add(probe)
    resources = tuple(sorted(i for i in iris if i not in hidden_graphs))
    return Secrets(iris, frozenset(probes), tuple(sorted(hidden_graphs)), resources)


@dataclass
class Demo:
    client: TestClient
    secrets: Secrets
    owner_token: str
    revoked_token: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("leak")
    store = OxigraphStore(folder / "store")
    with prepare([EXAMPLES]) as prepared:
        publish(prepared, store)
        base = prepared.base
    secrets = collect_secrets(store, base)
    store.close()
    tokens = TokenStore(folder / "tokens.json")
    _record, owner = tokens.create("owner")
    revoked_record, revoked = tokens.create("owner")
    tokens.revoke(revoked_record.id)
    app = create_app(Settings(store=folder / "store", tokens_file=folder / "tokens.json"))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Demo(client, secrets, owner, revoked)


def test_the_demo_study_has_secrets_at_both_hidden_levels(demo: Demo) -> None:
    levels = {g.rsplit("/", 2)[-2] for g in demo.secrets.graphs}
    assert levels == {"restricted", "confidential"}
    assert len(demo.secrets.resources) >= 10
    assert len(demo.secrets.probes) >= 10


def test_the_detector_finds_secrets_when_an_owner_asks(demo: Demo) -> None:
    # The same request an anonymous caller makes below, with an owner token: the battery can
    # only prove anything if it would notice the secrets when they are there.
    answer = demo.client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Authorization": f"Bearer {demo.owner_token}", "Accept": "text/csv"},
    )
    assert answer.status_code == 200
    assert demo.secrets.found_in(answer.text)


def _check(demo: Demo, answer: Any, what: str) -> None:
    assert answer.status_code != 500, f"{what}: server error"
    headers = "\n".join(f"{k}: {v}" for k, v in answer.headers.items())
    leaked = set(demo.secrets.found_in(answer.text + "\n" + headers))
    # An error message may quote what the caller sent (a graph IRI it named): that is an echo
    # of the request, not data from the store.
    sent = (
        unquote_plus(str(answer.request.url)) + "\n" + unquote_plus(answer.request.content.decode())
    )
    leaked = {hit for hit in leaked if hit not in sent}
    assert not leaked, f"{what}: leaked {sorted(leaked)[:5]}"


def _sparql_battery(secrets: Secrets) -> list[tuple[str, str]]:
    """(result kind, query): graph-naming tricks and plain dumps."""
    hidden = secrets.graphs
    froms = " ".join(f"FROM <{g}>" for g in (*hidden, CATALOGUE_GRAPH))
    named = " ".join(f"FROM NAMED <{g}>" for g in (*hidden, CATALOGUE_GRAPH))
    subjects = " ".join(f"<{r}>" for r in secrets.resources[:20])
    return [
        ("solutions", "SELECT * WHERE { ?s ?p ?o }"),
        ("solutions", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"),
        ("solutions", "SELECT ?g WHERE { GRAPH ?g { } }"),
        ("solutions", f"SELECT * {froms} WHERE {{ ?s ?p ?o }}"),
        ("solutions", f"SELECT * {named} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        ("solutions", f"SELECT * WHERE {{ GRAPH <{hidden[0]}> {{ ?s ?p ?o }} }}"),
        ("solutions", f"SELECT * WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?s ?p ?o }} }}"),
        ("solutions", f"SELECT * WHERE {{ VALUES ?s {{ {subjects} }} ?s ?p ?o }}"),
        ("solutions", f"SELECT * WHERE {{ VALUES ?o {{ {subjects} }} ?s ?p ?o }}"),
        ("graph", "CONSTRUCT WHERE { ?s ?p ?o }"),
        ("graph", "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"),
        ("graph", f"CONSTRUCT {{ ?s ?p ?o }} {froms} WHERE {{ ?s ?p ?o }}"),
        ("graph", f"DESCRIBE {subjects}"),
        ("graph", f"DESCRIBE ?s {froms} WHERE {{ ?s ?p ?o }}"),
    ]


def _datasets(secrets: Secrets) -> list[list[tuple[str, str]]]:
    hidden = [*secrets.graphs, CATALOGUE_GRAPH]
    return [
        [],
        [("default-graph-uri", g) for g in hidden],
        [("named-graph-uri", g) for g in hidden],
        [("default-graph-uri", g) for g in hidden] + [("named-graph-uri", g) for g in hidden],
    ]


def test_sparql_get_in_every_format(demo: Demo) -> None:
    for kind, query in _sparql_battery(demo.secrets):
        for media_type in SOLUTION_TYPES if kind == "solutions" else GRAPH_TYPES:
            for dataset in _datasets(demo.secrets):
                answer = demo.client.get(
                    "/sparql", params=[("query", query), *dataset], headers={"Accept": media_type}
                )
                _check(demo, answer, f"GET {media_type} {query[:60]} {dataset[:1]}")


def test_sparql_post_form_and_direct(demo: Demo) -> None:
    for kind, query in _sparql_battery(demo.secrets):
        media_type = SOLUTION_TYPES[0] if kind == "solutions" else GRAPH_TYPES[0]
        for dataset in _datasets(demo.secrets):
            form = demo.client.post(
                "/sparql", data={"query": query}, params=dataset, headers={"Accept": media_type}
            )
            _check(demo, form, f"POST form {query[:60]}")
            direct = demo.client.post(
                "/sparql",
                content=query.encode(),
                params=dataset,
                headers={"Accept": media_type, "Content-Type": "application/sparql-query"},
            )
            _check(demo, direct, f"POST direct {query[:60]}")


def test_ask_cannot_probe_hidden_resources(demo: Demo) -> None:
    for resource in demo.secrets.resources[:10]:
        for query in (
            f"ASK {{ <{resource}> ?p ?o }}",
            f"ASK {{ GRAPH ?g {{ <{resource}> ?p ?o }} }}",
            f"ASK {{ ?s ?p <{resource}> }}",
        ):
            answer = demo.client.get("/sparql", params={"query": query})
            assert answer.json()["boolean"] is False, query


def test_graph_store_and_service_description(demo: Demo) -> None:
    targets: list[list[tuple[str, str]]] = [
        [("graph", g)] for g in (*demo.secrets.graphs, CATALOGUE_GRAPH)
    ]
    targets += [[("default", "")], []]
    for params in targets:
        for media_type in GRAPH_TYPES:
            for method in ("GET", "HEAD"):
                answer = demo.client.request(
                    method, "/rdf-graph-store", params=params, headers={"Accept": media_type}
                )
                _check(demo, answer, f"{method} graph store {params} {media_type}")
    for media_type in GRAPH_TYPES:
        _check(demo, demo.client.get("/sparql", headers={"Accept": media_type}), "description")


def test_bad_tokens_are_refused_not_served_as_anonymous(demo: Demo) -> None:
    query = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}
    for header in (f"Bearer {demo.revoked_token}", "Bearer cdkg_made-up", "Basic b3duZXI6"):
        answer = demo.client.get("/sparql", params=query, headers={"Authorization": header})
        assert answer.status_code == 401, header
        _check(demo, answer, header)


# --- every route, including ones added later -----------------------------------------------


def _routes(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, frozenset[str]]]:
    """(path template, methods) of every route, looking inside included routers and mounts."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _routes(inner.routes, prefix + getattr(context, "prefix", ""))
        elif isinstance(route, Mount):
            yield from _routes(route.routes, prefix + route.path)
            if not route.routes:
                yield prefix + route.path + "/{path:path}", frozenset({"GET"})
        elif isinstance(route, Route) or hasattr(route, "methods"):
            methods = getattr(route, "methods", None) or {"GET"}
            yield prefix + route.path, frozenset(methods)


def _query_parameters(app: FastAPI, template: str, method: str) -> list[str]:
    plain = re.sub(r"\{(\w+):\w+\}", r"{\1}", template)
    operation = app.openapi().get("paths", {}).get(plain, {}).get(method.lower(), {})
    return [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]


def _fill_path(template: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", quote(value, safe="/"), template)


def _values(secrets: Secrets) -> list[str]:
    """Values to put in path and query parameters: hidden IRIs, their local parts, graphs."""
    resources = list(secrets.resources[:: max(1, len(secrets.resources) // 6)])
    tails = [r.rsplit("/", 2)[-2] + "/" + r.rsplit("/", 1)[-1] for r in resources]
    ids = [r.rsplit("/", 1)[-1] for r in resources]
    return [*resources, *tails, *ids, *secrets.graphs[:3], CATALOGUE_GRAPH]


def test_every_route_of_the_app(demo: Demo) -> None:
    app = demo.client.app
    assert isinstance(app, FastAPI)
    values = _values(demo.secrets)
    seen = []
    for template, methods in sorted(_routes(app.routes)):
        for method in sorted(methods):
            names = _query_parameters(app, template, method)
            # A path parameter and the query parameters get the same value in one request;
            # without path parameters, each query parameter tries every value.
            if "{" in template:
                cases = [(_fill_path(template, v), [v]) for v in values]
            else:
                cases = [(template, values)]
            for path, tried in cases:
                _check(demo, demo.client.request(method, path), f"{method} {path}")
                for name in names:
                    for value in tried:
                        answer = demo.client.request(method, path, params={name: value})
                        _check(demo, answer, f"{method} {path}?{name}={value}")
            seen.append((method, template))
    # The battery reached the routes this test was written against, and whatever came since.
    assert ("GET", "/sparql") in seen
    assert ("GET", "/health") in seen
    assert ("GET", "/rdf-graph-store") in seen
    assert any(template.startswith("/rdf-graph-store/") for _m, template in seen)
