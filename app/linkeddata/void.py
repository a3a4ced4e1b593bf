"""The VoID and DCAT description of what a reader can see, generated from the store.

One `void:Dataset` (also a `dcat:Dataset`) per study, counted over the reader's graphs of that
study only, so an anonymous reader's counts say nothing about restricted or confidential data;
and one dataset of all public data, which the dumps distribute. Node IRIs are fragments of the
description's own URL, so the same store always gives the same description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Triple

from app.linkeddata.describe import select, term
from app.linkeddata.dumps import Dumps
from app.linkeddata.iris import Study
from app.linkeddata.vocab import (
    CDO,
    DCAT,
    DCTERMS,
    FOAF,
    ONTOLOGY_IRI,
    RDF_TYPE,
    SPDX,
    VOID,
    XSD,
    namespace,
)
from app.store.base import GraphStore
from app.store.catalogue import SourceInfo

IANA = "https://www.iana.org/assignments/media-types/"
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"


@dataclass(frozen=True)
class StudyStats:
    triples: int
    entities: int
    classes: tuple[tuple[str, int], ...]
    properties: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Links:
    """Where the description points: absolute URLs on this server, or in the static site."""

    site: str  # the root URL, ending in '/'
    document: str  # the description's own URL
    static: bool = False

    @property
    def home(self) -> str:
        return self.site + ("index.html" if self.static else "id/")

    @property
    def sparql(self) -> str | None:
        return None if self.static else self.site + "sparql"

    @property
    def dumps(self) -> str:
        return self.site + "dumps/"

    def study_page(self, study: Study) -> str:
        page = f"{self.site}{study.folder}study/{study.identifier}"
        return page + ".html" if self.static else page


def study_stats(
    store: GraphStore, study: Study, sources: Sequence[SourceInfo], visible: Sequence[str]
) -> StudyStats:
    """Counts over the study's graphs among `visible` (the reader's)."""
    allowed = set(visible)
    counted = [g for s in sources if s.study == study.iri for g in s.graphs if g.iri in allowed]
    names = [g.iri for g in counted]
    if not names:
        return StudyStats(0, 0, (), ())
    entities = select(
        store,
        names,
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o "
        f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {Literal(study.base)})) }}",
    )
    classes = select(
        store,
        names,
        f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF_TYPE}> ?c }} "
        "GROUP BY ?c ORDER BY ?c",
    )
    properties = select(
        store, names, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
    )
    return StudyStats(
        sum(g.triples for g in counted),
        next((int(row[0].value) for row in entities if row[0] is not None), 0),
        tuple((row[0].value, int(row[1].value)) for row in classes if row[0] and row[1]),
        tuple((row[0].value, int(row[1].value)) for row in properties if row[0] and row[1]),
    )


def describe_datasets(
    store: GraphStore,
    graphs: Sequence[str],
    studies: Sequence[tuple[Study, StudyStats]],
    sources: Sequence[SourceInfo],
    dumps: Dumps,
    links: Links,
    anonymous: bool,
) -> list[Triple]:
    doc = links.document
    out = _Out()
    catalog = NamedNode(f"{doc}#catalog")
    public = NamedNode(f"{doc}#public")
    out.add(NamedNode(doc), RDF_TYPE, NamedNode(VOID + "DatasetDescription"))
    out.add(NamedNode(doc), DCTERMS + "title", Literal("Description of the published studies"))
    out.add(NamedNode(doc), FOAF + "primaryTopic", catalog)
    out.add(catalog, RDF_TYPE, NamedNode(DCAT + "Catalog"))
    out.add(catalog, DCTERMS + "title", Literal("cdkg: classification decisions in ML datasets"))
    out.add(catalog, FOAF + "homepage", NamedNode(links.home))
    out.add(catalog, DCAT + "dataset", public)
    service = None
    if links.sparql is not None:
        service = NamedNode(f"{doc}#sparql")
        out.add(catalog, DCAT + "service", service)
        out.add(service, RDF_TYPE, NamedNode(DCAT + "DataService"))
        out.add(service, DCTERMS + "title", Literal("SPARQL 1.1 endpoint"))
        out.add(service, DCAT + "endpointURL", NamedNode(links.sparql))
        out.add(
            service, DCTERMS + "conformsTo", NamedNode("https://www.w3.org/TR/sparql11-protocol/")
        )
    _public_dataset(out, public, dumps, links, service)
    for study, stats in studies:
        node = NamedNode(f"{doc}#study-{study.slug}")
        out.add(catalog, DCAT + "dataset", node)
        if service is not None:
            out.add(service, DCAT + "servesDataset", node)
        if anonymous:
            out.add(public, VOID + "subset", node)
        _study_dataset(out, store, graphs, node, study, stats, sources, links)
    return out.triples


def _public_dataset(
    out: _Out, node: NamedNode, dumps: Dumps, links: Links, service: NamedNode | None
) -> None:
    out.add(node, RDF_TYPE, NamedNode(VOID + "Dataset"))
    out.add(node, RDF_TYPE, NamedNode(DCAT + "Dataset"))
    out.add(node, DCTERMS + "title", Literal("All public data"))
    out.add(
        node,
        DCTERMS + "description",
        Literal("Every public graph of every study, as published in the dumps."),
    )
    out.add(node, OWL_VERSION_INFO, Literal(dumps.version))
    if links.sparql is not None:
        out.add(node, VOID + "sparqlEndpoint", NamedNode(links.sparql))
    for dump in dumps.files:
        url = NamedNode(links.dumps + dump.name)
        dist = NamedNode(f"{links.document}#dump-{dump.name}")
        out.add(node, VOID + "dataDump", url)
        out.add(node, DCAT + "distribution", dist)
        out.add(dist, RDF_TYPE, NamedNode(DCAT + "Distribution"))
        out.add(dist, DCTERMS + "title", Literal(dump.name))
        out.add(dist, DCAT + "downloadURL", url)
        out.add(dist, DCAT + "mediaType", NamedNode(IANA + dump.media_type))
        out.add(dist, DCAT + "compressFormat", NamedNode(IANA + "application/gzip"))
        out.add(
            dist,
            DCAT + "byteSize",
            Literal(str(len(dump.data)), datatype=NamedNode(XSD + "nonNegativeInteger")),
        )
        out.add(dist, OWL_VERSION_INFO, Literal(dumps.version))
        checksum = NamedNode(f"{links.document}#sha256-{dump.name}")
        out.add(dist, SPDX + "checksum", checksum)
        out.add(checksum, RDF_TYPE, NamedNode(SPDX + "Checksum"))
        out.add(checksum, SPDX + "algorithm", NamedNode(SPDX + "checksumAlgorithm_sha256"))
        out.add(
            checksum,
            SPDX + "checksumValue",
            Literal(dump.sha256, datatype=NamedNode(XSD + "hexBinary")),
        )


def _study_dataset(
    out: _Out,
    store: GraphStore,
    graphs: Sequence[str],
    node: NamedNode,
    study: Study,
    stats: StudyStats,
    sources: Sequence[SourceInfo],
    links: Links,
) -> None:
    doc = links.document
    out.add(node, RDF_TYPE, NamedNode(VOID + "Dataset"))
    out.add(node, RDF_TYPE, NamedNode(DCAT + "Dataset"))
    out.add(node, DCTERMS + "identifier", Literal(study.identifier))
    out.add(node, VOID + "rootResource", NamedNode(study.iri))
    out.add(node, VOID + "uriSpace", Literal(study.base))
    out.add(node, DCAT + "landingPage", NamedNode(links.study_page(study)))
    out.add(node, FOAF + "page", NamedNode(links.study_page(study)))
    if links.sparql is not None:
        out.add(node, VOID + "sparqlEndpoint", NamedNode(links.sparql))
    for row in select(
        store,
        graphs,
        f"""SELECT ?p ?o WHERE {{ {term(study.iri)} ?p ?o .
              VALUES ?p {{ <{DCTERMS}title> <{DCTERMS}description> <{DCTERMS}license>
                          <{CDO}conductedBy> <{CDO}researcher> <{CDO}startDate> <{CDO}endDate> }}
            }} ORDER BY ?p ?o""",
    ):
        predicate, value = row[0].value if row[0] else "", row[1]
        mapped = {
            CDO + "conductedBy": DCTERMS + "publisher",
            CDO + "researcher": DCTERMS + "creator",
        }.get(predicate, predicate)
        if value is None:
            continue
        if predicate in (CDO + "startDate", CDO + "endDate"):
            period = NamedNode(f"{doc}#study-{study.slug}-period")
            out.add(node, DCTERMS + "temporal", period)
            out.add(period, RDF_TYPE, NamedNode(DCTERMS + "PeriodOfTime"))
            side = "startDate" if predicate.endswith("startDate") else "endDate"
            out.add(period, DCAT + side, value)
            continue
        out.add(node, mapped, value)
    loaded = sorted(s.loaded_at for s in sources if s.study == study.iri)
    if loaded:
        stamp = NamedNode(XSD + "dateTime")
        out.add(node, DCTERMS + "issued", Literal(_stamp(loaded[0]), datatype=stamp))
        out.add(node, DCTERMS + "modified", Literal(_stamp(loaded[-1]), datatype=stamp))
    integer = NamedNode(XSD + "integer")
    out.add(node, VOID + "triples", Literal(str(stats.triples), datatype=integer))
    out.add(node, VOID + "entities", Literal(str(stats.entities), datatype=integer))
    out.add(node, VOID + "classes", Literal(str(len(stats.classes)), datatype=integer))
    out.add(node, VOID + "properties", Literal(str(len(stats.properties)), datatype=integer))
    used = {namespace(c) for c, _ in stats.classes} | {namespace(p) for p, _ in stats.properties}
    for ns in sorted(ONTOLOGY_IRI if ns == CDO else ns for ns in used):
        out.add(node, VOID + "vocabulary", NamedNode(ns))
    for index, (cls, count) in enumerate(stats.classes, start=1):
        part = NamedNode(f"{doc}#study-{study.slug}-class-{index}")
        out.add(node, VOID + "classPartition", part)
        out.add(part, VOID + "class", NamedNode(cls))
        out.add(part, VOID + "entities", Literal(str(count), datatype=integer))
    for index, (prop, count) in enumerate(stats.properties, start=1):
        part = NamedNode(f"{doc}#study-{study.slug}-property-{index}")
        out.add(node, VOID + "propertyPartition", part)
        out.add(part, VOID + "property", NamedNode(prop))
        out.add(part, VOID + "triples", Literal(str(count), datatype=integer))


class _Out:
    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def add(self, subject: NamedNode, predicate: str, value: NamedNode | Literal) -> None:
        self.triples.append(Triple(subject, NamedNode(predicate), value))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
