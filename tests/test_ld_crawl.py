"""A crawl of the linked-data pages of the demo study, as an anonymous reader.

No response may hold a string that exists only in restricted or confidential graphs
(`test_ld_secrets`): pages, RDF documents, VoID and dumps alike.

From the list of studies, every internal link of every page is followed: every HTML page must
parse with balanced tags, every link must answer, every fragment must name an element of its
page, and every RDF document (each resource's Turtle, and all four formats for one resource
of each kind) must parse with rdflib and be about the resource.
"""

from __future__ import annotations

import gzip
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import rdflib
from fastapi.testclient import TestClient
from httpx import Response
from test_ld_secrets import DEMO_BASE, Secrets, demo_store, hidden_strings

from app.main import create_app
from app.settings import Settings

ORIGIN = "http://testserver"
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr"}
)
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_SUFFIXES = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".rdf": "xml"}


class PageParser(HTMLParser):
    """Collects links and ids, and checks that every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            return
        self.stack.pop()

    def finish(self) -> list[str]:
        self.close()
        return self.problems + [f"<{tag}> never closed" for tag in self.stack]


def parse_rdf(body: bytes, syntax: str) -> rdflib.Graph:
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=body, format=syntax)


@dataclass
class Crawl:
    client: TestClient
    secrets: Secrets

    def get(self, url: str, accept: str) -> Response:
        """An anonymous GET whose body must hold no restricted or confidential string."""
        answer = self.client.get(url, headers={"Accept": accept})
        body = answer.content
        if answer.headers.get("content-type", "").startswith("application/gzip"):
            body = gzip.decompress(body)
        leaked = self.secrets.found_in(body.decode("utf-8", errors="replace"))
        assert not leaked, f"{url}: leaked {leaked[:3]}"
        return answer


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    folder = tmp_path_factory.mktemp("crawl")
    store = demo_store(folder / "store")
    secrets = hidden_strings(store, DEMO_BASE)
    store.close()
    settings = Settings(store=folder / "store", tokens_file=folder / "tokens.json", query_workers=1)
    with TestClient(create_app(settings)) as started:
        yield Crawl(started, secrets)


def _internal(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("", "http") and parts.netloc in ("", "testserver")


@pytest.mark.slow
def test_every_page_parses_and_every_internal_link_answers(crawl: Crawl) -> None:
    pages: dict[str, PageParser] = {}
    statuses: dict[str, int] = {}
    todo = [f"{ORIGIN}/id/"]
    fragments: list[tuple[str, str, str]] = []
    while todo:
        url = todo.pop()
        if url in statuses:
            continue
        answer = crawl.get(url, BROWSER_ACCEPT)
        statuses[url] = answer.status_code
        if answer.status_code != 200:
            continue
        if not answer.headers["content-type"].startswith("text/html"):
            continue
        parser = PageParser()
        parser.feed(answer.text)
        problems = parser.finish()
        assert not problems, f"{url}: {problems[:3]}"
        pages[url] = parser
        # Only linked-data pages are crawled further; other pages only have to answer.
        follow = urlsplit(url).path.startswith("/id/")
        for link in parser.links:
            target, fragment = urldefrag(urljoin(url, link))
            if not _internal(target):
                continue
            if fragment:
                fragments.append((url, target, fragment))
            if target not in statuses and (follow or target.endswith(".css")):
                todo.append(target)
    broken = {url: status for url, status in statuses.items() if status != 200}
    assert not broken, f"broken links: {sorted(broken.items())[:10]}"
    for source, target, fragment in fragments:
        assert target in pages, f"{source} links to #{fragment} of {target}, not a page"
        assert fragment in pages[target].ids, f"{source}: no #{fragment} in {target}"
    resource_pages = [u for u in pages if urlsplit(u).path.count("/") >= 4]
    assert len(resource_pages) >= 700  # every public record of the demo study is reachable
    assert f"{ORIGIN}/ontology" in pages


@pytest.mark.slow
def test_every_rdf_document_parses(crawl: Crawl) -> None:
    listing = crawl.get("/id/demo/study/demo", "text/turtle")
    assert listing.status_code == 200
    study = parse_rdf(listing.content, "turtle")
    in_study = rdflib.URIRef("https://w3id.org/cdkg/ontology#inStudy")
    members = sorted({str(s) for s in study.subjects(in_study, None)})
    assert len(members) >= 200
    kinds_seen: set[str] = set()
    for iri in members:
        path = "/id/demo/" + iri.removeprefix("https://w3id.org/cdkg/demo/")
        kind = path.split("/")[3]
        suffixes = RDF_SUFFIXES if kind not in kinds_seen else {".ttl": "turtle"}
        kinds_seen.add(kind)
        for suffix, syntax in suffixes.items():
            answer = crawl.get(path + suffix, "*/*")
            assert answer.status_code == 200, path + suffix
            graph = parse_rdf(answer.content, syntax)
            assert (rdflib.URIRef(iri), None, None) in graph, path + suffix
    for name in ("public.nq.gz", "public.ttl.gz", "index.json"):
        assert crawl.get(f"/dumps/{name}", "*/*").status_code == 200
    for path in ("/void", "/.well-known/void", "/ontology"):
        for media, syntax in (
            ("text/turtle", "turtle"),
            ("application/ld+json", "json-ld"),
            ("application/n-triples", "nt"),
            ("application/rdf+xml", "xml"),
        ):
            answer = crawl.get(path, media)
            assert answer.status_code == 200, f"{path} {media}"
            assert len(parse_rdf(answer.content, syntax)) > 50, f"{path} {media}"
