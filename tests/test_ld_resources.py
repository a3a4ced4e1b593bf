"""Dereferenceable IRIs over the demo study: negotiation, headers, pages, access levels.

Expected values are read off `examples/` by hand: IMP01 is P20's kick-off email (evidence E01,
P20 a client representative at Kestrel Mobility); IMP03 has public evidence E04 and restricted
E03; OBJ04 is restricted and rests on E18, confidential because its speaker P17 withdrew
consent; TX-PED has versions 1.0 (2023-02-01) and 2.0 (2023-05-15) with the merge CH-PED-1.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef

from app.main import create_app
from app.security.tokens import TokenStore
from app.settings import Settings
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

REPO = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/cdkg/demo/"
CDO = "https://w3id.org/cdkg/ontology#"
RDF_FORMATS = {
    "text/turtle": ("turtle", "ttl"),
    "application/ld+json": ("json-ld", "jsonld"),
    "application/n-triples": ("nt", "nt"),
    "application/rdf+xml": ("xml", "rdf"),
}


@dataclass
class Demo:
    client: TestClient
    researcher: dict[str, str]
    owner: dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("ld")
    store = OxigraphStore(folder / "store")
    with prepare([REPO / "examples"]) as prepared:
        publish(prepared, store)
    store.close()
    tokens = TokenStore(folder / "tokens.json")
    _r, researcher = tokens.create("researcher")
    _o, owner = tokens.create("owner")
    settings = Settings(store=folder / "store", tokens_file=folder / "tokens.json", query_workers=1)
    with TestClient(create_app(settings)) as client:
        yield Demo(
            client,
            {"Authorization": f"Bearer {researcher}"},
            {"Authorization": f"Bearer {owner}"},
        )


def parse(body: bytes, syntax: str) -> rdflib.Graph:
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=body, format=syntax)


class _Text(HTMLParser):
    """The text a person reads, with whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return parser.text


@pytest.mark.parametrize("media_type", sorted(RDF_FORMATS))
def test_each_rdf_format_by_accept_parses_and_describes_the_imposition(
    demo: Demo, media_type: str
) -> None:
    answer = demo.client.get("/id/demo/imposition/IMP03", headers={"Accept": media_type})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)
    graph = parse(answer.content, RDF_FORMATS[media_type][0])
    this = URIRef(BASE + "imposition/IMP03")
    assert (this, URIRef(CDO + "imposedBy"), URIRef(BASE + "person/P03")) in graph
    assert (this, URIRef(CDO + "relays"), URIRef(BASE + "imposition/IMP02")) in graph
    # Inverse links travel too: IMP03 is relayed by nothing, but its evidence E04 is public.
    assert set(graph.objects(this, URIRef(CDO + "evidence"))) == {URIRef(BASE + "evidence/E04")}
    suffix = RDF_FORMATS[media_type][1]
    assert answer.headers["content-location"] == f"/id/demo/imposition/IMP03.{suffix}"


@pytest.mark.parametrize("token", ["ttl", "jsonld", "nt", "rdfxml"])
def test_explicit_format_parameter_and_suffix_agree(demo: Demo, token: str) -> None:
    by_parameter = demo.client.get("/id/demo/rule/RULE-PED-WHEEL", params={"format": token})
    suffix = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdfxml": "rdf"}[token]
    by_suffix = demo.client.get(f"/id/demo/rule/RULE-PED-WHEEL.{suffix}")
    assert by_parameter.status_code == by_suffix.status_code == 200
    assert by_parameter.content == by_suffix.content


def test_browsers_get_html_and_every_alternate_is_linked(demo: Demo) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    answer = demo.client.get("/id/demo/imposition/IMP03", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert "Accept" in answer.headers["vary"]
    link = answer.headers["link"]
    for target, media in [
        ("/id/demo/imposition/IMP03.html", "text/html"),
        ("/id/demo/imposition/IMP03.ttl", "text/turtle"),
        ("/id/demo/imposition/IMP03.jsonld", "application/ld+json"),
        ("/id/demo/imposition/IMP03.nt", "application/n-triples"),
        ("/id/demo/imposition/IMP03.rdf", "application/rdf+xml"),
    ]:
        assert f'<{target}>; rel="alternate"; type="{media}"' in link
        assert demo.client.get(target).headers["content-type"].startswith(media)


def test_rdf_clients_prefer_what_they_ask_for(demo: Demo) -> None:
    accept = "application/rdf+xml;q=0.5, text/turtle, text/html;q=0.1"
    answer = demo.client.get("/id/demo/imposition/IMP03", headers={"Accept": accept})
    assert answer.headers["content-type"].startswith("text/turtle")


def test_unacceptable_media_type_is_406(demo: Demo) -> None:
    answer = demo.client.get("/id/demo/imposition/IMP03", headers={"Accept": "image/png"})
    assert answer.status_code == 406
    bad_format = demo.client.get("/id/demo/imposition/IMP03", params={"format": "pdf"})
    assert bad_format.status_code == 406


@pytest.mark.parametrize(
    "path",
    [
        "/id/demo/imposition/IMP99",
        "/id/nostudy/imposition/IMP03",
        "/id/demo/nokind",
        "/id/demo/imposition/IMP03/extra",
        "/id/demo/study/demo.pdf",
    ],
)
def test_unknown_iris_are_404(demo: Demo, path: str) -> None:
    assert demo.client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
    page = demo.client.get(path, headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


def test_decision_page_shows_labels_and_evidence_with_role_and_date(demo: Demo) -> None:
    page = demo.client.get("/id/demo/imposition/IMP01", headers={"Accept": "text/html"})
    text = visible_text(page.text)
    assert "We send the guideline and the class list." in text
    assert "client representative at Kestrel Mobility" in text
    assert "2023-08-09" in text
    # Labels, not IRIs: the document and the version are named.
    assert "Kestrel road user labelling guideline 1.0" in text
    assert "Road users 1.0" in text
    assert "imposed on" in text and "medium" in text and "email" in text
    # Breadcrumbs: all studies, the study, the project.
    crumbs = visible_text(page.text.split('aria-label="Breadcrumbs">', 1)[1].split("</nav>", 1)[0])
    assert crumbs.startswith("All studies Who decides what counts")
    assert crumbs.endswith("Road users in urban dashcam frames")


def test_restricted_evidence_reaches_researchers_only(demo: Demo) -> None:
    quote = "I run the training. I don't get to argue with the class list"
    anonymous = demo.client.get("/id/demo/imposition/IMP03", headers={"Accept": "text/html"})
    assert quote not in visible_text(anonymous.text)
    assert demo.client.get("/id/demo/evidence/E03").status_code == 404
    researcher = demo.client.get(
        "/id/demo/imposition/IMP03", headers={"Accept": "text/html", **demo.researcher}
    )
    assert quote in visible_text(researcher.text)
    assert "team lead at Sur Etiquetado" in visible_text(researcher.text)


def test_withdrawn_consent_evidence_reaches_owners_only(demo: Demo) -> None:
    quote = "I objected to gender unknown being used"
    assert demo.client.get("/id/demo/objection/OBJ04").status_code == 404
    researcher = demo.client.get("/id/demo/objection/OBJ04", headers=demo.researcher)
    assert researcher.status_code == 200
    assert quote not in researcher.text
    assert demo.client.get("/id/demo/evidence/E18", headers=demo.researcher).status_code == 404
    owner = demo.client.get("/id/demo/objection/OBJ04", headers=demo.owner)
    assert quote in visible_text(owner.text)
    rdf = demo.client.get("/id/demo/objection/OBJ04.ttl", headers=demo.researcher)
    assert URIRef(BASE + "evidence/E18") not in set(parse(rdf.content, "turtle").all_nodes())


def test_taxonomy_page_sets_versions_side_by_side(demo: Demo) -> None:
    page = demo.client.get("/id/demo/taxonomy/TX-PED", headers={"Accept": "text/html"})
    text = visible_text(page.text)
    assert "Versions side by side" in text
    assert "Road users 1.0 2023-02-01 Road users 2.0 2023-05-15" in text
    # One row per category, a mark per version: cyclist is in 1.0 only, rider in 2.0 only.
    assert "cyclist ✓ \u2013" in text
    assert "rider \u2013 ✓" in text
    assert "other road user (residual) ✓ ✓" in text
    assert "merged : cyclist, scooter rider → rider" in text.replace(":", " :").replace("  ", " ")
    assert "added rider; removed cyclist, scooter rider." in text
    assert "wheelchair user" in text  # an excluded category, with its fallback
    assert "pedestrian" in text


def test_dataset_page_counts_final_labels(demo: Demo) -> None:
    page = demo.client.get("/id/demo/dataset/DS-PED", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Final labels" in page.text


def test_study_page_lists_every_kind_and_the_listings_resolve(demo: Demo) -> None:
    page = demo.client.get("/id/demo/study/demo", headers={"Accept": "text/html"})
    text = visible_text(page.text)
    assert "In this study" in text
    assert "Imposition (40)" in text.replace(" (", " (")
    listing = demo.client.get("/id/demo/imposition")
    assert listing.status_code == 200
    assert "IMP01" in listing.text and "IMP40" in listing.text
    assert demo.client.get("/id/demo/imposition", params={"page": "2"}).status_code == 404
    assert demo.client.get("/id/demo/imposition", params={"page": "x"}).status_code == 400


def test_etag_and_last_modified_give_304(demo: Demo) -> None:
    first = demo.client.get("/id/demo/imposition/IMP03.ttl")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"g') and "public" in etag
    again = demo.client.get("/id/demo/imposition/IMP03.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    since = demo.client.get(
        "/id/demo/imposition/IMP03.ttl", headers={"If-Modified-Since": modified}
    )
    assert since.status_code == 304
    other = demo.client.get("/id/demo/imposition/IMP03.ttl", headers={"If-None-Match": '"x"'})
    assert other.status_code == 200
    # A researcher's copy differs from an anonymous one: so does its tag.
    assert (
        demo.client.get("/id/demo/imposition/IMP03.ttl", headers=demo.researcher).headers["etag"]
        != etag
    )


def test_head_answers_like_get_without_a_body(demo: Demo) -> None:
    answer = demo.client.head("/id/demo/imposition/IMP03", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    assert answer.content == b""


def test_lookup_redirects_a_minted_iri_to_its_page(demo: Demo) -> None:
    answer = demo.client.get(
        "/resource", params={"iri": BASE + "imposition/IMP03"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/id/demo/imposition/IMP03"
    for iri in (BASE + "evidence/E03", "https://example.org/x", "not an iri"):
        assert demo.client.get("/resource", params={"iri": iri}).status_code == 404
    folder = demo.client.get("/id/demo/", follow_redirects=False)
    assert folder.status_code == 303
    assert folder.headers["location"] == "/id/demo/study/demo"


def test_home_lists_the_study(demo: Demo) -> None:
    page = demo.client.get("/id/")
    assert page.status_code == 200
    assert 'href="/id/demo/study/demo"' in page.text


def test_jsonld_of_a_person_names_their_memberships_and_labels(demo: Demo) -> None:
    answer = demo.client.get("/id/demo/person/P20", headers={"Accept": "application/ld+json"})
    graph = parse(answer.content, "json-ld")
    person = URIRef(BASE + "person/P20")
    assert (
        person,
        URIRef("http://www.w3.org/ns/org#memberOf"),
        URIRef(BASE + "org/CL-KM"),
    ) in graph
    label = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    assert (URIRef(BASE + "org/CL-KM"), label, Literal("Kestrel Mobility")) in graph
    json.load(io.BytesIO(answer.content))
