"""Content negotiation: one media-type table, q-values, wildcards, format=, 406, upload types."""

from __future__ import annotations

import pytest
from pyoxigraph import RdfFormat

from app.negotiation import NotAcceptable, content_type_of, parse_accept
from app.sparql.negotiation import (
    FORMATS,
    UnsupportedMediaType,
    formats_for,
    negotiate,
    rdf_format_for,
)


def test_every_format_token_and_media_type_is_unique() -> None:
    assert len({f.token for f in FORMATS}) == len(FORMATS) == 10
    assert len({f.media_type for f in FORMATS}) == len(FORMATS)


@pytest.mark.parametrize(
    ("kind", "default"),
    [
        ("solutions", "application/sparql-results+json"),
        ("boolean", "application/sparql-results+json"),
        ("graph", "text/turtle"),
    ],
)
@pytest.mark.parametrize("accept", [None, "", "*/*", "  "])
def test_no_preference_gives_the_default(kind: str, default: str, accept: str | None) -> None:
    assert negotiate(kind, accept).media_type == default  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "accept", "chosen"),
    [
        ("solutions", "text/csv", "text/csv"),
        ("solutions", "text/tab-separated-values", "text/tab-separated-values"),
        ("solutions", "application/sparql-results+xml", "application/sparql-results+xml"),
        ("solutions", "application/xml", "application/sparql-results+xml"),
        ("solutions", "application/json", "application/sparql-results+json"),
        ("boolean", "text/xml", "application/sparql-results+xml"),
        ("graph", "application/n-triples", "application/n-triples"),
        ("graph", "application/n-quads", "application/n-quads"),
        ("graph", "application/trig", "application/trig"),
        ("graph", "application/ld+json", "application/ld+json"),
        ("graph", "application/json", "application/ld+json"),
        ("graph", "application/rdf+xml", "application/rdf+xml"),
        ("graph", "application/xml", "application/rdf+xml"),
        ("graph", "text/plain", "application/n-triples"),
    ],
)
def test_each_media_type_and_alias(kind: str, accept: str, chosen: str) -> None:
    assert negotiate(kind, accept).media_type == chosen  # type: ignore[arg-type]


def test_highest_q_wins() -> None:
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, text/tab-separated-values"
    assert negotiate("solutions", accept).token == "tsv"


def test_the_most_specific_range_decides_even_when_a_wildcard_has_a_higher_q() -> None:
    # */* would give JSON q=1, but JSON's own range says q=0: XML (from */*) is chosen.
    accept = "application/sparql-results+json;q=0, */*"
    assert negotiate("solutions", accept).token == "xml"


def test_type_wildcard_matches_only_its_type() -> None:
    assert negotiate("solutions", "text/*").token == "csv"
    assert negotiate("graph", "text/*").token == "ttl"
    with pytest.raises(NotAcceptable):
        negotiate("boolean", "text/*")


def test_equal_q_prefers_the_client_order() -> None:
    assert negotiate("graph", "application/rdf+xml, text/turtle").token == "rdfxml"
    assert negotiate("graph", "text/turtle, application/rdf+xml").token == "ttl"


def test_a_browser_accept_header_gets_the_default() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert negotiate("solutions", browser).token == "xml"
    assert negotiate("graph", browser).token == "rdfxml"


def test_q_zero_everywhere_is_not_acceptable() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate("solutions", "*/*;q=0")
    assert "application/sparql-results+json" in caught.value.detail


def test_406_lists_what_is_available_for_the_kind() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate("graph", "text/csv")
    detail = caught.value.detail
    assert caught.value.status == 406
    for fmt in formats_for("graph"):
        assert fmt.media_type in detail
    assert "text/csv" in detail and "SPARQL JSON" not in detail


@pytest.mark.parametrize(
    ("kind", "token"),
    [("solutions", "csv"), ("solutions", "TSV"), ("boolean", "xml"), ("graph", " jsonld ")],
)
def test_format_parameter_overrides_accept(kind: str, token: str) -> None:
    chosen = negotiate(kind, "application/sparql-results+json", token)  # type: ignore[arg-type]
    assert chosen.token == token.strip().lower()


@pytest.mark.parametrize(
    ("kind", "token"), [("graph", "csv"), ("boolean", "ttl"), ("solutions", "x")]
)
def test_format_parameter_that_does_not_fit_is_406(kind: str, token: str) -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(kind, None, token)  # type: ignore[arg-type]
    assert f"format={token!r} is not available" in caught.value.detail


@pytest.mark.parametrize(
    "header",
    ["garbage", "text", "/csv", "*/csv", ";;;", "text/csv;q=abc", "text/csv;q=7", ",,,"],
)
def test_malformed_accept_entries_are_ignored(header: str) -> None:
    ranges = parse_accept(header)
    assert all(r.q == 0.0 for r in ranges if r.subtype == "csv")
    with pytest.raises(NotAcceptable):
        negotiate("solutions", header)


def test_accept_parameters_other_than_q_are_ignored() -> None:
    assert negotiate("graph", "text/turtle; charset=utf-8").token == "ttl"
    assert negotiate(
        "graph", 'application/ld+json; profile="x"; q=0.4, text/plain; q=0.3'
    ).token == ("jsonld")


def test_text_types_say_their_charset() -> None:
    assert content_type_of("text/turtle") == "text/turtle; charset=utf-8"
    assert content_type_of("text/csv") == "text/csv; charset=utf-8"
    assert content_type_of("application/sparql-results+json") == "application/sparql-results+json"


@pytest.mark.parametrize(
    ("content_type", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("text/turtle; charset=utf-8", RdfFormat.TURTLE),
        ("TEXT/TURTLE;CHARSET=UTF-8", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/n-quads", RdfFormat.N_QUADS),
        ("application/trig", RdfFormat.TRIG),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/rdf+xml", RdfFormat.RDF_XML),
        ("application/x-turtle", RdfFormat.TURTLE),
    ],
)
def test_upload_types(content_type: str, fmt: RdfFormat) -> None:
    assert rdf_format_for(content_type) == fmt


@pytest.mark.parametrize(
    "content_type",
    [None, "", "text/csv", "application/sparql-results+json", "text/turtle; charset=latin-1"],
)
def test_unknown_upload_types_are_415(content_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType) as caught:
        rdf_format_for(content_type)
    assert caught.value.status == 415


@pytest.mark.parametrize(
    ("kind", "formats", "token"),
    [
        ("graph", ["xml", "xml"], "rdfxml"),
        ("solutions", ["xml"], "xml"),
        ("graph", ["turtle"], "ttl"),
        ("graph", ["json"], "jsonld"),
        ("solutions", ["json"], "json"),
        ("graph", ["json-ld", "application/ld+json,application/x-json+ld"], "jsonld"),
        ("graph", ["", "rdf+xml"], "rdfxml"),
        ("graph", ["text/turtle"], "ttl"),
        ("solutions", ["nonsense, text/csv"], "csv"),
    ],
)
def test_format_values_clients_send(kind: str, formats: list[str], token: str) -> None:
    """SPARQLWrapper sends `format=turtle`, `format=xml` for RDF/XML, repeated values and
    comma lists of media types."""
    assert negotiate(kind, "application/sparql-results+json", formats).token == token  # type: ignore[arg-type]


def test_empty_format_values_leave_it_to_accept() -> None:
    assert negotiate("solutions", "text/csv", ["", " "]).token == "csv"
