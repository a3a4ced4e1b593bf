"""One data function per page or document, shared by the server and the static site.

Each takes a `Reader` (whose graphs bound everything it may show) and a `Linker` (how hrefs
look where the page will live), and returns the bytes or text to send or write; None means the
reader cannot see the thing asked for, which the server answers with 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from app.linkeddata.describe import Description, describe, labels, select, term
from app.linkeddata.evidence import EVIDENCE, evidence_of, quote_of
from app.linkeddata.formats import rdf_bytes
from app.linkeddata.indexes import (
    dataset_view,
    kind_label,
    ordered_kinds,
    organisation_members,
    study_members,
    taxonomy_view,
)
from app.linkeddata.iris import Study
from app.linkeddata.links import Linker
from app.linkeddata.pages import Link, ResourcePage, resource_page
from app.linkeddata.related import View
from app.linkeddata.state import LinkedData, Reader
from app.linkeddata.vocab import CDO, DCTERMS, FOAF, ORG, local_name

PAGE_SIZE = 500


@dataclass(frozen=True)
class KindEntry:
    slug: str
    label: str
    count: int
    href: str


def members(state: LinkedData, reader: Reader, study: Study) -> dict[str, list[str]]:
    return state.cached(
        ("members", reader.level, study.iri),
        reader.generation,
        lambda: study_members(reader.store, reader.graphs, study),
    )


def description_of(reader: Reader, iri: str) -> Description | None:
    if reader.iris.study_of(iri) is None:
        return None
    try:
        return describe(reader.store, reader.graphs, iri)
    except ValueError:  # not a valid IRI: nothing can describe it
        return None


def resource_html(
    state: LinkedData,
    reader: Reader,
    description: Description,
    linker: Linker,
    views: Sequence[View] = (),
) -> str:
    store, graphs, vocabulary = reader.store, reader.graphs, reader.vocabulary
    page = resource_page(store, graphs, description, linker, vocabulary)
    page.views = list(views)
    types = description.types
    if description.values(EVIDENCE):
        page.quotes = evidence_of(store, graphs, description.iri, vocabulary)
    if vocabulary.is_a(types, CDO + "Evidence"):
        page.own_quote = quote_of(store, graphs, description.iri, vocabulary)
    page.licence = _licence(reader, page)
    extras: dict[str, object] = {}
    if vocabulary.is_a(types, CDO + "Taxonomy"):
        extras["taxonomy"] = taxonomy_view(store, graphs, description.iri, vocabulary)
    if vocabulary.is_a(types, CDO + "Dataset"):
        extras["dataset"] = dataset_view(store, graphs, description.iri)
    if vocabulary.is_a(types, ORG + "Organization") or vocabulary.is_a(types, CDO + "Organization"):
        extras["members"] = organisation_members(store, graphs, description.iri, vocabulary)
    study = page.study
    if study is not None and description.iri == study.iri:
        extras["kinds"] = kind_entries(state, reader, study, linker)
    return state.renderer.resource(page, linker, extras)


def resource_rdf(reader: Reader, description: Description, token: str, document: str) -> bytes:
    """The RDF document about the resource; `document` is its own URL (foaf:primaryTopic)."""
    triples = description.triples()
    here = NamedNode(document)
    triples += [
        Triple(here, NamedNode(FOAF + "primaryTopic"), NamedNode(description.iri)),
        Triple(here, NamedNode(DCTERMS + "title"), Literal(f"About {description.label}")),
    ]
    study = reader.iris.study_of(description.iri)
    if study is not None:
        licences = _study_licences(reader, study)
        triples += [Triple(here, NamedNode(DCTERMS + "license"), NamedNode(i)) for i in licences]
    return rdf_bytes(triples, token)


def kind_entries(
    state: LinkedData, reader: Reader, study: Study, linker: Linker
) -> list[KindEntry]:
    kinds = members(state, reader, study)
    return [
        KindEntry(
            slug,
            kind_label(slug, reader.vocabulary),
            len(kinds[slug]),
            linker.kind_index(study, slug),
        )
        for slug in ordered_kinds(kinds)
    ]


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def kind_html(
    state: LinkedData, reader: Reader, study: Study, slug: str, page: int, linker: Linker
) -> str | None:
    """One page of the listing of every `slug` resource of `study`; None when there is none."""
    everything = members(state, reader, study).get(slug)
    if not everything or page < 1 or page > page_count(len(everything)):
        return None
    chosen = everything[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    names = labels(reader.store, reader.graphs, [study.iri, *chosen])
    entries = [
        Link(names.get(iri) or local_name(iri), linker.resource(iri), study.rest_of(iri))
        for iri in chosen
    ]
    pages = [
        (number, linker.kind_index(study, slug, number))
        for number in range(1, page_count(len(everything)) + 1)
    ]
    crumbs = [
        Link("All studies", linker.home()),
        Link(names.get(study.iri, study.title), linker.resource(study.iri)),
    ]
    return state.renderer.kind_index(
        title=kind_label(slug, reader.vocabulary),
        study=study,
        entries=entries,
        total=len(everything),
        page=page,
        pages=pages,
        crumbs=crumbs,
        linker=linker,
    )


def home_html(
    state: LinkedData, reader: Reader, linker: Linker, services: Sequence[Link] = ()
) -> str:
    """The list of studies the reader can see, with the site's other documents."""
    studies = [
        Link(study.title, linker.resource(study.iri), study.identifier)
        for study in reader.iris.studies
    ]
    return state.renderer.home(studies=studies, services=list(services), linker=linker)


def _licence(reader: Reader, page: ResourcePage) -> Link | None:
    if page.study is None:
        return None
    licences = _study_licences(reader, page.study)
    if not licences:
        return None
    return Link(licences[0], licences[0])


def _study_licences(reader: Reader, study: Study) -> list[str]:
    rows = select(
        reader.store,
        reader.graphs,
        f"SELECT DISTINCT ?l WHERE {{ {term(study.iri)} <{DCTERMS}license> ?l FILTER(isIRI(?l)) }}",
    )
    return sorted(row[0].value for row in rows if row[0] is not None)
