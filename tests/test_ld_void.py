"""VoID/DCAT, dumps and the ontology routes, over a tiny study written here.

The study has a public study node, research group RG and researcher R1 (22 triples: 10 on the
study, 7 on RG, 5 on R1), a restricted client CL (7 triples) and a confidential person P1 (6
triples, pseudonym "Confidential Person Nick"). Counted by hand from the mapping in
docs/model.md; the first test checks the catalogue agrees, so the rest can rely on the numbers.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib import Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from app.main import create_app
from app.security.tokens import TokenStore
from app.settings import Settings
from app.store.catalogue import sources
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

REPO = Path(__file__).resolve().parent.parent
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
CDO = Namespace("https://w3id.org/cdkg/ontology#")
TINY = Namespace("https://example.org/tiny/")
STUDY = """\
study:
  id: tiny
  title: Tiny study
  base: "https://example.org/tiny/"
  license: "https://creativecommons.org/licenses/by/4.0/"
  default_access: public
  researchers: [R1]
  organization: RG
  start: 2024-01-01
organizations:
  - {id: RG, name: Research Group, types: [research_group]}
  - {id: CL, name: Secret Client Corporation, types: [client], access: restricted}
persons:
  - {id: R1}
  - {id: P1, pseudonym: Confidential Person Nick, access: confidential}
"""


@dataclass
class Tiny:
    client: TestClient
    researcher: dict[str, str]
    owner: dict[str, str]
    store_path: Path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tiny]:
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "records").mkdir()
    (folder / "records" / "study.yaml").write_text(STUDY, encoding="utf-8")
    store = OxigraphStore(folder / "store")
    with prepare([folder / "records"]) as prepared:
        publish(prepared, store)
    store.close()
    tokens = TokenStore(folder / "tokens.json")
    _r, researcher = tokens.create("researcher")
    _o, owner = tokens.create("owner")
    settings = Settings(
        store=folder / "store",
        tokens_file=folder / "tokens.json",
        query_workers=1,
        public_base_url="https://data.example.org",
    )
    with TestClient(create_app(settings)) as client:
        yield Tiny(
            client,
            {"Authorization": f"Bearer {researcher}"},
            {"Authorization": f"Bearer {owner}"},
            folder / "store",
        )


def parse(body: bytes, syntax: str) -> rdflib.Graph:
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=body, format=syntax)


def test_the_catalogue_agrees_with_the_hand_count(tiny: Tiny) -> None:
    store = tiny.client.app.state.store  # type: ignore[attr-defined]
    counts = {g.level.slug: g.triples for s in sources(store) for g in s.graphs}
    assert counts == {"public": 22, "restricted": 7, "confidential": 6}


def _study_dataset(graph: rdflib.Graph) -> URIRef:
    found = list(graph.subjects(VOID.rootResource, TINY["study/tiny"]))
    assert len(found) == 1
    node = found[0]
    assert isinstance(node, URIRef)
    return node


def _partitions(graph: rdflib.Graph, node: URIRef, kind: str) -> dict[str, int]:
    link, key, count = {
        "class": (VOID.classPartition, VOID["class"], VOID.entities),
        "property": (VOID.propertyPartition, VOID.property, VOID.triples),
    }[kind]
    found = {}
    for part in graph.objects(node, link):
        name = graph.value(part, key)
        value = graph.value(part, count)
        assert isinstance(value, Literal)
        found[str(name)] = int(value)
    return found


@pytest.mark.parametrize(
    ("who", "triples", "entities", "classes"),
    [
        ("anonymous", 22, 3, {"Study": 1, "Organization": 1, "ResearchGroup": 1, "Person": 1}),
        (
            "researcher",
            29,
            4,
            {"Study": 1, "Organization": 2, "ResearchGroup": 1, "Person": 1, "Client": 1},
        ),
        (
            "owner",
            35,
            5,
            {"Study": 1, "Organization": 2, "ResearchGroup": 1, "Person": 2, "Client": 1},
        ),
    ],
)
def test_void_counts_what_each_reader_can_see(
    tiny: Tiny, who: str, triples: int, entities: int, classes: dict[str, int]
) -> None:
    headers = {"anonymous": {}, "researcher": tiny.researcher, "owner": tiny.owner}[who]
    answer = tiny.client.get("/void", headers={"Accept": "text/turtle", **headers})
    assert answer.status_code == 200
    graph = parse(answer.content, "turtle")
    node = _study_dataset(graph)
    assert int(graph.value(node, VOID.triples)) == triples  # type: ignore[arg-type]
    assert int(graph.value(node, VOID.entities)) == entities  # type: ignore[arg-type]
    found = _partitions(graph, node, "class")
    assert found == {str(CDO[name]): n for name, n in classes.items()}
    properties = _partitions(graph, node, "property")
    assert sum(properties.values()) == triples
    assert properties[str(CDO.researcher)] == 1
    assert properties["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"] == sum(classes.values())
    if who != "owner":
        assert "Confidential Person Nick" not in answer.text
    if who == "anonymous":
        assert "Secret Client" not in answer.text
        assert str(TINY["org/CL"]) not in answer.text


def test_void_names_licence_publisher_creators_dates_endpoint_and_dumps(tiny: Tiny) -> None:
    graph = parse(tiny.client.get("/.well-known/void").content, "turtle")
    node = _study_dataset(graph)
    assert graph.value(node, DCTERMS.title) == Literal("Tiny study")
    assert graph.value(node, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert graph.value(node, DCTERMS.publisher) == TINY["org/RG"]
    assert set(graph.objects(node, DCTERMS.creator)) == {TINY["person/R1"]}
    assert graph.value(node, DCTERMS.issued) is not None
    assert graph.value(node, DCTERMS.modified) is not None
    assert graph.value(node, VOID.sparqlEndpoint) == URIRef("https://data.example.org/sparql")
    assert graph.value(node, VOID.uriSpace) == Literal("https://example.org/tiny/")
    vocabularies = set(graph.objects(node, VOID.vocabulary))
    assert URIRef("https://w3id.org/cdkg/ontology") in vocabularies
    assert URIRef("http://xmlns.com/foaf/0.1/") not in vocabularies  # only the owner sees nick
    dumps = {str(o) for o in graph.objects(None, VOID.dataDump)}
    assert dumps == {
        "https://data.example.org/dumps/public.nq.gz",
        "https://data.example.org/dumps/public.ttl.gz",
    }
    assert (None, DCAT.endpointURL, URIRef("https://data.example.org/sparql")) in graph


@pytest.mark.parametrize(
    ("media_type", "syntax"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_void_in_every_rdf_format(tiny: Tiny, media_type: str, syntax: str) -> None:
    answer = tiny.client.get("/void", headers={"Accept": media_type})
    assert answer.headers["content-type"].startswith(media_type)
    graph = parse(answer.content, syntax)
    assert graph.value(_study_dataset(graph), VOID.triples) == Literal(22)
    assert tiny.client.get("/void", headers={"Accept": "text/csv"}).status_code == 406


def test_dumps_hold_the_public_data_only_sorted_and_checked(tiny: Tiny) -> None:
    answer = tiny.client.get("/dumps/public.nq.gz")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/gzip"
    data = answer.content
    assert data[3] == 0  # no file name in the gzip header
    assert data[4:8] == b"\0\0\0\0"  # mtime 0
    lines = gzip.decompress(data).decode().splitlines()
    assert len(lines) == 22
    assert lines == sorted(lines)
    assert all("/public/" in line.rsplit(" ", 2)[-2] for line in lines)
    digest = hashlib.sha256(data).hexdigest()
    assert (
        answer.headers["repr-digest"]
        == f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"
    )
    assert tiny.client.get("/dumps/public.nq.gz.sha256").text == f"{digest}  public.nq.gz\n"
    turtle = tiny.client.get("/dumps/public.ttl.gz")
    assert len(parse(gzip.decompress(turtle.content), "turtle")) == 22
    manifest = tiny.client.get("/dumps/index.json").json()
    assert manifest["version"] == hashlib.sha256(gzip.decompress(data)).hexdigest()[:16]
    assert answer.headers["cdkg-dump-version"] == manifest["version"]
    assert {f["name"]: f["statements"] for f in manifest["files"]} == {
        "public.nq.gz": 22,
        "public.ttl.gz": 22,
    }
    # Tokens change nothing: the dumps are the public data, whoever asks.
    assert tiny.client.get("/dumps/public.nq.gz", headers=tiny.owner).content == data
    assert tiny.client.get("/dumps/other.nq.gz").status_code == 404


def test_dump_validators_follow_the_store_generation(tiny: Tiny) -> None:
    answer = tiny.client.get("/dumps/public.nq.gz")
    assert answer.headers["etag"] == '"g1-public-public.nq.gz"'
    again = tiny.client.get(
        "/dumps/public.nq.gz", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304


def test_ontology_at_its_namespace(tiny: Tiny) -> None:
    page = tiny.client.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<title>Classification Decisions Ontology</title>" in page.text
    for anchor in ("Imposition", "imposedBy", "AnnotationProject", "Public", "AccessLevels"):
        assert f'id="{anchor}"' in page.text, anchor
    turtle = tiny.client.get("/ontology", headers={"Accept": "text/turtle"})
    source = (REPO / "ontology" / "cdo.ttl").read_bytes()
    assert turtle.content == source
    assert turtle.headers["content-location"] == "/ontology/cdo.ttl"
    expected = rdflib.Graph().parse(data=source, format="turtle")
    for media_type, syntax in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        answer = tiny.client.get("/ontology", headers={"Accept": media_type})
        assert isomorphic(parse(answer.content, syntax), expected), media_type
    shapes = tiny.client.get("/ontology/shapes.ttl")
    assert shapes.content == (REPO / "ontology" / "shapes.ttl").read_bytes()
    assert tiny.client.get("/shapes").content == shapes.content
    context = tiny.client.get("/ontology/context.jsonld")
    assert context.headers["content-type"].startswith("application/ld+json")
    assert "@context" in context.json()
    assert tiny.client.get("/ontology/cdo.pdf").status_code == 404
    assert (
        tiny.client.get("/ontology/cdo.nt")
        .headers["content-type"]
        .startswith("application/n-triples")
    )
