"""`cdkg publish`: the static site of the demo study's public data.

Every internal link of every page resolves to a written file (and every fragment to an element
of it), every page is reachable from the front page, no restricted or confidential string of
the store appears in any file, and publishing the same data twice gives byte-identical dumps.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
import rdflib
from test_ld_secrets import Secrets, demo_store, hidden_strings
from typer.testing import CliRunner

from app.cli import cli
from app.linkeddata.site import SiteError, publish_site
from app.store.oxigraph_store import OxigraphStore

REPO = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/cdkg/demo/"
SITE_URL = "https://data.example.org/cdkg"


@dataclass
class Published:
    store_path: Path
    site: Path
    secrets: Secrets
    output: str


def _load(path: Path) -> None:
    demo_store(path).close()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    folder = tmp_path_factory.mktemp("site")
    _load(folder / "store")
    store = OxigraphStore.open_read_only(folder / "store")
    secrets = hidden_strings(store, BASE)
    store.close()
    site = folder / "site"
    result = CliRunner().invoke(
        cli,
        ["publish", str(site), "--store", str(folder / "store"), "--base-url", SITE_URL, "-q"],
    )
    assert result.exit_code == 0, result.output
    yield Published(folder / "store", site, secrets, result.output)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name] or "")
        if values.get("id"):
            self.ids.add(values["id"] or "")


def _page(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_the_site_has_every_part(published: Published) -> None:
    site = published.site
    for part in (
        "index.html",
        "ld.css",
        "void.ttl",
        "void.jsonld",
        ".well-known/void",
        "dumps/public.nq.gz",
        "dumps/public.ttl.gz",
        "dumps/public.nq.gz.sha256",
        "dumps/index.json",
        "ontology/index.html",
        "ontology/cdo.ttl",
        "ontology/cdo.jsonld",
        "ontology/shapes.ttl",
        "ontology/context.jsonld",
        "id/demo/study/demo.html",
        "id/demo/imposition/IMP01.html",
        "id/demo/imposition/IMP01.ttl",
        "id/demo/imposition/IMP01.jsonld",
        "id/demo/imposition.html",
    ):
        assert (site / part).is_file(), part
    # Restricted and confidential records have no page: E03 is restricted, OBJ04 too.
    assert not (site / "id/demo/evidence/E03.html").exists()
    assert not (site / "id/demo/objection/OBJ04.html").exists()
    assert (site / "id/demo/evidence/E01.html").is_file()


def test_every_internal_link_resolves_and_every_page_is_reachable(published: Published) -> None:
    site = published.site
    pages = {p.relative_to(site).as_posix(): _page(p) for p in site.rglob("*.html")}
    reached = {"index.html"}
    todo = ["index.html"]
    broken: list[str] = []
    while todo:
        here = todo.pop()
        for link in pages[here].links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                assert not link.startswith(SITE_URL), f"{here}: absolute internal link {link}"
                continue
            target_text, fragment = urldefrag(link)
            assert "?" not in target_text, f"{here}: a static site cannot answer {link}"
            base = PurePosixPath(here).parent
            target = _normalise(base / unquote(target_text)) if target_text else here
            if not (site / target).is_file():
                broken.append(f"{here} -> {link}")
                continue
            if fragment:
                assert fragment in pages[target].ids, f"{here}: no #{fragment} in {target}"
            if target in pages and target not in reached:
                reached.add(target)
                todo.append(target)
    assert not broken, broken[:10]
    assert reached == set(pages), sorted(set(pages) - reached)[:10]
    assert len(pages) > 700


def test_no_restricted_or_confidential_string_in_any_file(published: Published) -> None:
    secrets = published.secrets
    assert len(secrets.probes) >= 10 and len(secrets.iris) >= 10
    for path in sorted(published.site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")
        assert not secrets.found_in(text), f"{path}: {secrets.found_in(text)[:3]}"


def test_rdf_files_parse_and_name_their_own_url(published: Published) -> None:
    site = published.site
    for relative, syntax in (
        ("id/demo/imposition/IMP01.ttl", "turtle"),
        ("id/demo/imposition/IMP01.jsonld", "json-ld"),
        ("void.ttl", "turtle"),
        ("void.jsonld", "json-ld"),
        (".well-known/void", "turtle"),
        ("ontology/cdo.jsonld", "json-ld"),
    ):
        with warnings.catch_warnings():
            # rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
            warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
            graph = rdflib.Graph().parse(site / relative, format=syntax)
        assert len(graph) > 10, relative
    imposition = rdflib.Graph().parse(site / "id/demo/imposition/IMP01.ttl", format="turtle")
    topic = rdflib.URIRef("http://xmlns.com/foaf/0.1/primaryTopic")
    document = rdflib.URIRef(f"{SITE_URL}/id/demo/imposition/IMP01.ttl")
    assert (document, topic, rdflib.URIRef(BASE + "imposition/IMP01")) in imposition
    void = rdflib.Graph().parse(site / "void.ttl", format="turtle")
    dump = rdflib.URIRef(f"{SITE_URL}/dumps/public.nq.gz")
    assert (None, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"), dump) in void
    sparql = rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
    assert not list(void.triples((None, sparql, None)))  # a static site has no endpoint


def test_checksums_and_manifest_match_the_files(published: Published) -> None:
    dumps = published.site / "dumps"
    manifest = json.loads((dumps / "index.json").read_text())
    for entry in manifest["files"]:
        data = (dumps / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
        line = (dumps / f"{entry['name']}.sha256").read_text()
        assert line == f"{entry['sha256']}  {entry['name']}\n"
        assert data[4:8] == b"\0\0\0\0"  # gzip mtime 0
        assert entry["sha256"][:8] in published.output
    nquads = gzip.decompress((dumps / "public.nq.gz").read_bytes()).decode().splitlines()
    assert nquads == sorted(nquads)
    assert (
        manifest["version"]
        == hashlib.sha256(gzip.decompress((dumps / "public.nq.gz").read_bytes())).hexdigest()[:16]
    )


def test_publishing_the_same_data_twice_gives_identical_dumps(
    published: Published, tmp_path: Path
) -> None:
    _load(tmp_path / "again")  # the same files loaded into a second, fresh store
    store = OxigraphStore.open_read_only(tmp_path / "again")
    try:
        for _ in range(2):  # the second run replaces the first site in the same folder
            publish_site(
                store, tmp_path / "site", base_url=SITE_URL, ontology_dir=REPO / "ontology"
            )
    finally:
        store.close()
    for name in ("public.nq.gz", "public.ttl.gz", "index.json"):
        first = (published.site / "dumps" / name).read_bytes()
        assert (tmp_path / "site" / "dumps" / name).read_bytes() == first, name


def test_publish_refuses_a_folder_it_did_not_write(published: Published, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    result = CliRunner().invoke(
        cli, ["publish", str(tmp_path), "--store", str(published.store_path), "-q"]
    )
    assert result.exit_code == 1
    assert "not empty" in result.output and "Traceback" not in result.output
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    store = OxigraphStore.open_read_only(published.store_path)
    try:
        with pytest.raises(SiteError, match="not a folder"):
            publish_site(
                store, tmp_path / "notes.txt", base_url=SITE_URL, ontology_dir=REPO / "ontology"
            )
    finally:
        store.close()


def test_publish_rejects_a_base_url_that_is_not_http(published: Published, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "publish",
            str(tmp_path / "s"),
            "--store",
            str(published.store_path),
            "--base-url",
            "ftp://x",
        ],
    )
    assert result.exit_code == 1
    assert "--base-url" in result.output


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            assert parts, f"{path} leaves the site"
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)
