"""The one chooser over every route's candidates: `format=` first, then Accept (the most
specific range deciding, best q, first-listed range, route order), the first candidate when
nothing is asked, 406 naming what was asked and what is available."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.canned.render import TABLE_FORMATS
from app.linkeddata.formats import DOCUMENT_FORMATS, RDF_FORMATS
from app.negotiation import TABLE, MediaFormat, NotAcceptable, choose
from app.routers.analytics import FORMATS as ANALYTICS_FORMATS
from app.routers.datasheets import FORMATS as DATASHEET_FORMATS
from app.routers.paths import FORMATS as PATH_FORMATS
from app.sparql.negotiation import formats_for

ROUTES: dict[str, tuple[MediaFormat, ...]] = {
    "select": formats_for("solutions"),
    "ask": formats_for("boolean"),
    "graph": formats_for("graph"),
    "canned": TABLE_FORMATS,
    "paths": PATH_FORMATS,
    "analytics": ANALYTICS_FORMATS,
    "datasheet": DATASHEET_FORMATS,
    "page": DOCUMENT_FORMATS,
    "void": RDF_FORMATS,
}

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
REFUSED = "406"

# (route, Accept, format=, the token chosen or 406), each worked out from ROUTES by hand.
CASES: list[tuple[str, str | None, str | list[str] | None, str]] = [
    # No preference: the route's first format.
    ("select", None, None, "json"),
    ("select", "", None, "json"),
    ("select", "*/*", None, "json"),
    ("graph", "  ", None, "ttl"),
    ("canned", None, None, "json"),
    ("paths", None, None, "json"),
    ("datasheet", None, None, "md"),
    ("page", None, None, "html"),
    ("page", "*/*", None, "html"),
    ("void", None, None, "ttl"),
    # Media types and their exact aliases.
    ("select", "text/csv", None, "csv"),
    ("select", "application/json", None, "json"),
    ("ask", "text/xml", None, "xml"),
    ("graph", "text/plain", None, "nt"),
    ("graph", "application/json", None, "jsonld"),
    ("graph", "application/x-turtle", None, "ttl"),
    ("canned", "text/html", None, "html"),
    ("canned", "application/xhtml+xml", None, "html"),
    ("page", "application/xhtml+xml", None, "html"),
    ("datasheet", "application/json", None, "jsonld"),
    ("analytics", "text/csv", None, "csv"),
    # A wildcard reaches a format's own media type, never an alias.
    ("select", "text/*", None, "csv"),
    ("ask", "text/*", None, REFUSED),
    ("graph", "application/*", None, "nt"),
    ("page", "application/*", None, "jsonld"),
    ("canned", "text/*", None, "csv"),
    ("paths", "image/*", None, "svg"),
    ("datasheet", "text/*", None, "md"),
    # The most specific range decides, even against a wildcard with a higher q.
    ("select", "application/sparql-results+json;q=0, */*", None, "xml"),
    ("page", "text/html;q=0, */*", None, "ttl"),
    ("canned", "text/html;q=0, */*", None, "json"),
    ("page", "text/*;q=0.5, application/rdf+xml;q=0.4", None, "html"),
    # Highest q, then the range listed first, then the route's order.
    ("select", "text/csv;q=0.5, text/tab-separated-values;q=0.6", None, "tsv"),
    ("select", "text/tab-separated-values, text/csv", None, "tsv"),
    ("graph", "application/rdf+xml, text/turtle", None, "rdfxml"),
    ("graph", "text/turtle, application/rdf+xml", None, "ttl"),
    ("page", "application/rdf+xml, text/turtle", None, "rdfxml"),
    ("page", "application/rdf+xml;q=0.5, text/turtle, text/html;q=0.1", None, "ttl"),
    ("paths", "image/svg+xml;q=0.5, application/json;q=0.5", None, "svg"),
    ("ask", "text/csv, application/sparql-results+xml;q=0.1", None, "xml"),
    # A browser's header: HTML where there is HTML, else what its application/xml names.
    ("page", BROWSER, None, "html"),
    ("canned", BROWSER, None, "html"),
    ("select", BROWSER, None, "xml"),
    ("graph", BROWSER, None, "rdfxml"),
    ("paths", BROWSER, None, "json"),
    # Nothing acceptable.
    ("select", "image/png", None, REFUSED),
    ("select", "*/*;q=0", None, REFUSED),
    ("graph", "text/csv", None, REFUSED),
    ("canned", "application/sparql-results+xml", None, REFUSED),
    ("canned", "application/sparql-results+json", None, REFUSED),
    ("paths", "text/csv", None, REFUSED),
    ("analytics", "image/png", None, REFUSED),
    ("void", "text/html", None, REFUSED),
    # format= wins over Accept: a token, a synonym, a media type or an alias; trimmed, any case.
    ("select", "text/csv", "json", "json"),
    ("select", None, " TSV ", "tsv"),
    ("select", None, "text/csv", "csv"),
    ("select", None, "application/xml", "xml"),
    ("graph", None, "xml", "rdfxml"),
    ("graph", None, "json", "jsonld"),
    ("graph", None, "Turtle", "ttl"),
    ("canned", "text/csv", "html", "html"),
    ("canned", None, "text/csv", "csv"),
    ("paths", None, "image/svg+xml", "svg"),
    ("page", "text/html", "ttl", "ttl"),
    ("page", None, "text/turtle", "ttl"),
    ("void", None, "json-ld", "jsonld"),
    # Several values (repeated or comma lists): the first that names a candidate.
    ("select", None, ["nonsense", "csv"], "csv"),
    ("graph", None, "application/x-json+ld, application/ld+json", "jsonld"),
    # Empty values leave it to Accept.
    ("select", "text/csv", ["", " "], "csv"),
    ("page", "text/turtle", " ", "ttl"),
    # A value that names no candidate is refused, whatever Accept says.
    ("graph", "text/turtle", "csv", REFUSED),
    ("ask", None, "ttl", REFUSED),
    ("canned", None, "xml", REFUSED),
    ("paths", None, "png", REFUSED),
    ("datasheet", None, "pdf", REFUSED),
    ("page", None, "csv", REFUSED),
]


@pytest.mark.parametrize(("route", "accept", "fmt", "expected"), CASES)
def test_choice(route: str, accept: str | None, fmt: str | list[str] | None, expected: str) -> None:
    candidates = ROUTES[route]
    if expected == REFUSED:
        with pytest.raises(NotAcceptable) as caught:
            choose(accept, fmt, candidates, route)
        assert caught.value.status == 406
    else:
        assert choose(accept, fmt, candidates, route).token == expected


def test_refusing_accept_names_the_header_the_media_types_and_the_tokens() -> None:
    with pytest.raises(NotAcceptable) as caught:
        choose(" text/csv ", None, PATH_FORMATS, "/paths/chain")
    assert caught.value.detail == (
        "nothing in Accept: 'text/csv' is available for /paths/chain; "
        "available: application/json, image/svg+xml (or format=json|svg)"
    )


def test_refusing_format_names_the_values_the_media_types_and_the_tokens() -> None:
    with pytest.raises(NotAcceptable) as caught:
        choose("*/*", [" PNG", "gif, "], PATH_FORMATS, "/paths/chain")
    assert caught.value.detail == (
        "format='PNG, gif' is not available for /paths/chain; "
        "available: application/json, image/svg+xml (or format=json|svg)"
    )


def test_every_candidate_comes_from_the_one_table() -> None:
    for candidates in ROUTES.values():
        assert all(any(fmt is row for row in TABLE) for fmt in candidates)


def test_media_types_are_unique_in_the_table_and_tokens_within_each_route() -> None:
    assert len({f.media_type for f in TABLE}) == len(TABLE) == 14
    for route, candidates in ROUTES.items():
        assert len({f.token for f in candidates}) == len(candidates), route


@pytest.mark.parametrize(
    ("media_type", "content_type"),
    [
        ("text/html", "text/html; charset=utf-8"),
        ("text/markdown", "text/markdown; charset=utf-8"),
        ("image/svg+xml", "image/svg+xml; charset=utf-8"),
        ("application/json", "application/json"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_content_types(media_type: str, content_type: str) -> None:
    assert next(f for f in TABLE if f.media_type == media_type).content_type == content_type


@pytest.mark.parametrize(
    ("url", "headers", "content_type"),
    [
        (
            "/sparql?query=ASK%7B%7D",
            {"Accept": "text/*, application/json;q=0.1"},
            "application/sparql-results+json",
        ),
        ("/queries?format=text/html", {}, "text/html; charset=utf-8"),
        ("/ontology", {"Accept": "application/rdf+xml, text/turtle"}, "application/rdf+xml"),
        ("/ontology", {"Accept": "application/*"}, "application/ld+json"),
    ],
)
def test_routes_choose_by_the_same_rules(
    client: TestClient, url: str, headers: dict[str, str], content_type: str
) -> None:
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == content_type


@pytest.mark.parametrize(
    ("url", "accept", "names"),
    [
        ("/sparql?query=ASK%7B%7D", "text/*", "(or format=json|xml)"),
        ("/queries", "image/png", "(or format=json|csv|html)"),
        ("/paths/connect?from=org/C1&to=person/A1", "text/csv", "(or format=json|svg)"),
        ("/void", "text/html", "(or format=ttl|jsonld|nt|rdfxml)"),
    ],
)
def test_routes_refuse_with_the_same_message(
    client: TestClient, url: str, accept: str, names: str
) -> None:
    answer = client.get(url, headers={"Accept": accept})
    assert answer.status_code == 406
    assert answer.json()["detail"].endswith(names)
