"""The linked-data layer's pure parts: negotiation, IRI mapping, links, validators, views."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from app.linkeddata.formats import DOCUMENT_FORMATS
from app.linkeddata.iris import IriMap, Study, split_study_iri, split_suffix, study_slug
from app.linkeddata.links import Linker
from app.linkeddata.ontology_docs import ontology_html
from app.linkeddata.related import operations, views_for
from app.linkeddata.validators import is_fresh
from app.linkeddata.vocab import CDO, Vocabulary, humanize
from app.negotiation import NotAcceptable, choose

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

STUDY = Study("https://example.org/s/study/s1", "s1", "https://example.org/s/", "S", "s1")
IRIS = IriMap((STUDY,))


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("", "html"),
        ("*/*", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdfxml"),
        ("text/*;q=0.5, application/rdf+xml;q=0.4", "html"),
        ("text/html;q=0.1, text/turtle;q=0.9", "ttl"),
        ("text/html;q=0, */*", "ttl"),
    ],
)
def test_negotiation(accept: str | None, expected: str) -> None:
    assert choose(accept, None, DOCUMENT_FORMATS, "this resource").token == expected


def test_explicit_format_wins_and_unknown_ones_are_406() -> None:
    assert choose("text/html", "ttl", DOCUMENT_FORMATS, "this resource").token == "ttl"
    with pytest.raises(NotAcceptable, match="format='csv'"):
        choose(None, "csv", DOCUMENT_FORMATS, "this resource")
    with pytest.raises(NotAcceptable, match="image/png"):
        choose("image/png", None, DOCUMENT_FORMATS, "this resource")


def test_study_iris_and_slugs() -> None:
    assert split_study_iri("https://example.org/s/study/s1", "s1") == "https://example.org/s/"
    assert split_study_iri("https://example.org/s#study/s1", "s1") == "https://example.org/s#"
    assert split_study_iri("https://example.org/s/other/s1", "s1") is None
    assert study_slug("s1", "https://a/", ["s2"]) == "s1"
    taken = study_slug("s1", "https://a/", ["s1"])
    assert taken.startswith("s1-") and len(taken) == len("s1-") + 8


def test_format_suffixes() -> None:
    assert split_suffix("imposition/IMP.1.ttl") == ("imposition/IMP.1", "ttl")
    assert split_suffix("imposition/IMP1.rdf") == ("imposition/IMP1", "rdfxml")
    assert split_suffix("imposition/IMP1") == ("imposition/IMP1", None)
    assert split_suffix(".ttl") == (".ttl", None)


def test_iri_map() -> None:
    assert IRIS.site_path("https://example.org/s/person/P1") == "id/s1/person/P1"
    assert IRIS.site_path("https://example.org/other/person/P1") is None
    assert IRIS.site_path("https://example.org/s/") is None


def test_links_on_the_server_are_absolute_paths() -> None:
    linker = Linker(IRIS, "id/s1/person/P1", root="/app")
    assert linker.resource("https://example.org/s/org/O1") == "/app/id/s1/org/O1"
    assert linker.term(CDO + "Imposition") == "/app/ontology#Imposition"
    assert linker.term("http://purl.org/dc/terms/date") == "http://purl.org/dc/terms/date"
    assert linker.kind_index(STUDY, "org", 2) == "/app/id/s1/org?page=2"
    assert [a[1] for a in linker.alternates("https://example.org/s/org/O1")] == [
        "text/turtle",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
    ]


def test_links_in_the_static_site_are_relative_files() -> None:
    linker = Linker(IRIS, "id/s1/person/P1.html", static=True)
    assert linker.resource("https://example.org/s/org/O1") == "../org/O1.html"
    assert linker.resource("https://example.org/s/person/P2") == "P2.html"
    assert linker.term(CDO + "Imposition") == "../../../ontology/index.html#Imposition"
    assert linker.kind_index(STUDY, "org") == "../org.html"
    assert linker.kind_index(STUDY, "org", 3) == "../org.p3.html"
    assert linker.home() == "../../../index.html"
    assert linker.void() == "../../../void.ttl"
    assert linker.sparql() is None
    assert [a[2] for a in linker.alternates("https://example.org/s/org/O1")] == [
        "../org/O1.ttl",
        "../org/O1.jsonld",
    ]
    home = Linker(IRIS, "index.html", static=True)
    assert home.resource("https://example.org/s/study/s1") == "id/s1/study/s1.html"


def test_conditional_requests() -> None:
    headers = {"ETag": '"g3-public-ttl"', "Last-Modified": "Tue, 02 Jan 2024 10:00:00 GMT"}
    assert is_fresh('"g3-public-ttl"', None, headers)
    assert is_fresh('W/"g3-public-ttl", "other"', None, headers)
    assert is_fresh("*", None, headers)
    assert not is_fresh('"g2-public-ttl"', None, headers)
    # If-None-Match decides when present, even if the date would say "not modified".
    assert not is_fresh('"g2-public-ttl"', "Wed, 03 Jan 2024 10:00:00 GMT", headers)
    assert is_fresh(None, "Tue, 02 Jan 2024 10:00:00 GMT", headers)
    assert not is_fresh(None, "Mon, 01 Jan 2024 10:00:00 GMT", headers)
    assert not is_fresh(None, "not a date", headers)
    assert not is_fresh(None, None, headers)


OPENAPI = {
    "paths": {
        "/queries/evidence-behind": {
            "get": {
                "summary": "The evidence behind a decision",
                "parameters": [
                    {
                        "name": "decision",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "format": "iri"},
                    },
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                ],
            }
        },
        "/queries/needs-two": {
            "get": {
                "summary": "Needs two",
                "parameters": [
                    {
                        "name": "decision",
                        "in": "query",
                        "required": True,
                        "schema": {"format": "iri"},
                    },
                    {
                        "name": "dataset",
                        "in": "query",
                        "required": True,
                        "schema": {"format": "iri"},
                    },
                ],
            }
        },
        "/queries/by-dataset": {
            "get": {
                "summary": "By dataset",
                "parameters": [
                    {"name": "dataset", "in": "query", "schema": {"format": "iri"}},
                ],
            }
        },
        "/paths/chain/{id}": {
            "get": {"summary": "Chain", "parameters": [{"name": "id", "in": "path"}]}
        },
        "/sparql": {"get": {"summary": "SPARQL"}},
    }
}


def test_views_link_only_operations_that_take_the_resource_alone() -> None:
    vocabulary = Vocabulary()
    found = operations(OPENAPI)
    imposition = views_for(
        "https://example.org/s/imposition/I1",
        frozenset({CDO + "Imposition"}),
        found,
        vocabulary,
    )
    assert [(v.title, v.href) for v in imposition] == [
        (
            "The evidence behind a decision",
            "/queries/evidence-behind?decision=https%3A%2F%2Fexample.org%2Fs%2Fimposition%2FI1"
            "&format=html",
        ),
        (
            "Relay chain of this imposition (picture)",
            "/paths/chain/https%3A%2F%2Fexample.org%2Fs%2Fimposition%2FI1?format=svg",
        ),
    ]
    dataset = views_for(
        "https://example.org/s/dataset/D1", frozenset({CDO + "Dataset"}), found, vocabulary
    )
    assert [v.title for v in dataset] == ["By dataset"]
    person = views_for(
        "https://example.org/s/person/P1", frozenset({CDO + "Person"}), found, vocabulary
    )
    assert person == []


def test_humanized_labels() -> None:
    assert humanize("https://w3id.org/dpv#hasDataSubject") == "has data subject"
    assert humanize("http://example.org/x/QA") == "QA"
    vocabulary = Vocabulary()
    assert vocabulary.label("http://purl.org/dc/terms/license") == "licence"


def _open_event_loops() -> list[asyncio.AbstractEventLoop]:
    gc.collect()
    loops = (o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop))
    return [loop for loop in loops if not loop.is_closed()]


def test_ontology_page_leaves_no_event_loop_behind() -> None:
    # pyLODE's HTML builder asks asyncio for the current loop; in the main thread that used to
    # create one that was never closed, and its socket pair leaked until the process ended.
    before = len(_open_event_loops())
    html = ontology_html(ONTOLOGY_DIR)
    assert 'id="Imposition"' in html
    assert len(_open_event_loops()) == before
