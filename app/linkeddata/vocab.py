"""Namespaces, and the labels people read instead of IRIs.

Labels of ontology terms come from `cdo.ttl`; terms of the reused vocabularies that cdo.ttl does
not describe get a label from a short table or, failing that, from their local name
("hasDataSubject" reads "has data subject"). Nothing here reads study data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

CDO = "https://w3id.org/cdkg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/cdkg/ontology"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DPV = "https://w3id.org/dpv#"
SPDX = "http://spdx.org/rdf/terms#"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"

PREFIXES: dict[str, str] = {
    "cdo": CDO,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "dpv": DPV,
    "foaf": FOAF,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "spdx": SPDX,
    "void": VOID,
    "xsd": XSD,
}

# Predicates whose value names a thing, most telling first: the page title uses the first found.
LABEL_PREDICATES: tuple[str, ...] = (
    SKOS + "prefLabel",
    RDFS_LABEL,
    DCTERMS + "title",
    FOAF + "name",
)

_KNOWN_LABELS: dict[str, str] = {
    RDF_TYPE: "type",
    RDFS_LABEL: "label",
    RDFS + "comment": "comment",
    DCTERMS + "identifier": "identifier",
    DCTERMS + "title": "title",
    DCTERMS + "description": "description",
    DCTERMS + "date": "date",
    DCTERMS + "creator": "creator",
    DCTERMS + "publisher": "publisher",
    DCTERMS + "license": "licence",
    DCTERMS + "language": "language",
    DCTERMS + "format": "media type",
    SKOS + "prefLabel": "preferred label",
    SKOS + "definition": "definition",
    SKOS + "broader": "broader category",
    SKOS + "inScheme": "in scheme",
    SKOS + "topConceptOf": "top concept of",
    ORG + "memberOf": "member of",
    ORG + "member": "member",
    ORG + "organization": "organisation",
    ORG + "role": "role",
    ORG + "reportsTo": "reports to",
    ORG + "unitOf": "unit of",
    ORG + "subOrganizationOf": "part of",
    FOAF + "nick": "pseudonym",
    DPV + "hasDataSubject": "data subject",
    DPV + "hasConsentStatus": "consent status",
    DPV + "ConsentGiven": "consent given",
    DPV + "ConsentWithdrawn": "consent withdrawn",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def local_name(iri: str) -> str:
    """The part after the last '#' or '/'."""
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


def namespace(iri: str) -> str:
    """The IRI up to and including its last '#' or '/'."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def humanize(iri: str) -> str:
    """A readable phrase from an IRI's local name: "hasDataSubject" -> "has data subject"."""
    words = _CAMEL.sub(" ", local_name(iri)).replace("_", " ")
    return words if words.isupper() else words.lower()


def curie(iri: str) -> str:
    """`prefix:local` for IRIs in a known namespace, else the IRI itself."""
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and "/" not in iri[len(base) :]:
            return f"{prefix}:{iri[len(base) :]}"
    return iri


@dataclass(frozen=True)
class Term:
    label: str
    definition: str | None = None


@dataclass
class Vocabulary:
    """Labels and definitions of ontology terms, and the class hierarchy, read from cdo.ttl."""

    terms: dict[str, Term] = field(default_factory=dict)
    superclasses: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> Vocabulary:
        labels: dict[str, dict[str, str]] = {}
        definitions: dict[str, str] = {}
        parents: dict[str, set[str]] = {}
        with path.open("rb") as handle:
            for quad in parse(handle, format=RdfFormat.TURTLE):
                subject, predicate, value = quad.subject, quad.predicate.value, quad.object
                if not isinstance(subject, NamedNode):
                    continue
                if isinstance(value, Literal) and predicate in (*LABEL_PREDICATES,):
                    labels.setdefault(subject.value, {}).setdefault(predicate, value.value)
                elif isinstance(value, Literal) and predicate == SKOS + "definition":
                    definitions.setdefault(subject.value, value.value)
                elif isinstance(value, NamedNode) and predicate == RDFS + "subClassOf":
                    parents.setdefault(subject.value, set()).add(value.value)
        terms = {}
        for iri, found in labels.items():
            label = next(found[p] for p in LABEL_PREDICATES if p in found)
            terms[iri] = Term(label, definitions.get(iri))
        return cls(terms, {c: frozenset(_ancestors(c, parents)) for c in parents})

    def label(self, iri: str) -> str:
        term = self.terms.get(iri)
        if term is not None:
            return term.label
        return _KNOWN_LABELS.get(iri) or humanize(iri)

    def definition(self, iri: str) -> str | None:
        term = self.terms.get(iri)
        return term.definition if term is not None else None

    def is_a(self, classes: frozenset[str] | set[str], wanted: str) -> bool:
        """Whether any of `classes` is `wanted` or one of its subclasses."""
        return any(c == wanted or wanted in self.superclasses.get(c, ()) for c in classes)


def _ancestors(start: str, parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(parents.get(start, ()))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(parents.get(current, ()))
    return seen
