"""What the projection keeps of the graph: node classes, attribute and skipped predicates, and the
human labels of predicates and value individuals read once from the ontology."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import RDFS, SKOS

CDO = "https://w3id.org/cdkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = str(RDFS.label)
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
SKOS_NS = str(SKOS)
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

# The decision layer: each class gives its nodes a kind, which is also the IRI slug of
# docs/model.md, so `kind/id` names a node the way the records do.
NODE_KINDS: dict[str, str] = {
    CDO + "Person": "person",
    CDO + "Organization": "org",
    CDO + "OrganizationalUnit": "unit",
    CDO + "Document": "document",
    CDO + "Rule": "rule",
    CDO + "Taxonomy": "taxonomy",
    CDO + "TaxonomyVersion": "version",
    CDO + "Category": "category",
    CDO + "Imposition": "imposition",
    CDO + "CategoryProposal": "proposal",
    CDO + "ExcludedCategory": "excluded-category",
    CDO + "Objection": "objection",
    CDO + "VersionChange": "change",
    CDO + "AnnotationProject": "project",
    CDO + "Dataset": "dataset",
}
KIND_ALIASES: dict[str, str] = {
    "organization": "org",
    "organisation": "org",
    "excluded": "excluded-category",
    "taxonomy-version": "version",
}

# Links that repeat another link of the projection (inverses, shortcuts) or say nothing about a
# decision; leaving them out keeps every path free of duplicate hops.
SKIPPED_PREDICATES: frozenset[str] = frozenset(
    {
        RDF_TYPE,
        CDO + "imposedByAgent",
        CDO + "hasVersion",
        CDO + "hasChange",
        CDO + "resultedIn",
        CDO + "inStudy",
        CDO + "accessLevel",
        CDO + "hasConsent",
        CDO + "evidence",
        SKOS_NS + "topConceptOf",
    }
)

# Literal or value-individual properties shown on a node, under a short key.
ATTRIBUTES: dict[str, str] = {
    DCTERMS + "date": "date",
    DCTERMS + "title": "title",
    DCTERMS + "description": "description",
    CDO + "released": "released",
    CDO + "medium": "medium",
    CDO + "decisionLevel": "decision_level",
    CDO + "decisionDate": "decision_date",
    CDO + "rationale": "rationale",
    CDO + "outcome": "outcome",
    CDO + "objectionOutcome": "outcome",
    CDO + "changeType": "change_type",
    CDO + "ruleText": "text",
    CDO + "startDate": "start",
    CDO + "endDate": "end",
    CDO + "delivered": "delivered",
    CDO + "hadRole": "role",
    CDO + "country": "country",
    CDO + "location": "location",
    CDO + "encodesMetric": "metric",
    CDO + "metricTarget": "target",
    CDO + "sensitiveAttribute": "sensitive_attribute",
    CDO + "attributeValue": "attribute_value",
    SKOS_NS + "definition": "definition",
}

# Edges that fold many records into one: the predicate names where the count comes from.
APPLIED = CDO + "ApplicationSummary"
OVERRODE_TO = CDO + "newCategory"
JUSTIFIED_BY = CDO + "justifiedBy"
FOLDED_LABELS: dict[str, str] = {
    APPLIED: "applied",
    OVERRODE_TO: "overrode to",
    JUSTIFIED_BY: "justified overrides by",
}

# Terms of other vocabularies the ontology reuses without restating their labels.
_REUSED_LABELS: dict[str, str] = {
    ORG + "reportsTo": "reports to",
    ORG + "memberOf": "member of",
    ORG + "unitOf": "unit of",
    ORG + "subOrganizationOf": "part of",
    SKOS_NS + "broader": "broader",
    SKOS_NS + "inScheme": "in scheme",
    DCTERMS + "creator": "author",
    DCTERMS + "publisher": "publisher",
    RDFS_LABEL: "label",
}


class Labels:
    """Human labels for IRIs: the ontology's own, else a reused vocabulary's, else the IRI's
    local name."""

    def __init__(self, labels: Mapping[str, str]) -> None:
        self._labels = {**_REUSED_LABELS, **labels}

    def __call__(self, iri: str) -> str:
        found = self._labels.get(iri)
        if found is not None:
            return found
        return local_name(iri)

    def edge(self, predicate: str) -> str:
        return FOLDED_LABELS.get(predicate) or self(predicate)


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[-1]
    return iri


def curie(iri: str) -> str:
    return "cdo:" + iri.removeprefix(CDO) if iri.startswith(CDO) else iri


@lru_cache(maxsize=4)
def ontology_labels(ontology_file: Path) -> Labels:
    """The rdfs:label (else skos:prefLabel) of every term the ontology defines, English or
    untagged, read once per file."""
    graph = rdflib.Graph()
    graph.parse(ontology_file, format="turtle")
    found: dict[str, str] = {}
    for predicate in (SKOS.prefLabel, RDFS.label):  # rdfs:label wins: read last
        for subject, label in graph.subject_objects(predicate):
            if not isinstance(subject, rdflib.URIRef) or not isinstance(label, rdflib.Literal):
                continue
            if label.language in (None, "en"):
                found[str(subject)] = str(label)
    return Labels(found)
