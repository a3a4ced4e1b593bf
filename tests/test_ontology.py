"""The ontology (cdo.ttl), the catalogue terms and the JSON-LD context."""

import json
import re
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions, RdfFormat, Store
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
MODEL = ROOT / "docs" / "model.md"
CDO = Namespace("https://w3id.org/cdkg/ontology#")
CDKG = Namespace("https://w3id.org/cdkg/catalogue#")
DPV = Namespace("https://w3id.org/dpv#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
ONTOLOGY_IRI = URIRef("https://w3id.org/cdkg/ontology")
CATALOGUE_IRI = URIRef("https://w3id.org/cdkg/catalogue")


def model_terms(prefix: str) -> list[str]:
    # Every cdo:/cdkg: token in the data contract, backticked or in a table.
    # The lookbehind skips IRIs such as urn:cdkg:store.
    found = re.findall(rf"(?<![\w:]){prefix}:([A-Za-z][A-Za-z0-9]*)", MODEL.read_text())
    return sorted(set(found))


def value_set_rows() -> list[tuple[str, str, str | None]]:
    """(record value, individual, scheme) for each value→individual pair of model.md's table."""
    rows = []
    for line in MODEL.read_text().splitlines():
        if not line.startswith("|") or "→" not in line:
            continue
        scheme = re.search(r"scheme (cdo:\w+)\)", line)
        for value, term in re.findall(r"(\w+)→((?:cdo|dpv):\w+)", line):
            rows.append((value, term, scheme.group(1) if scheme else None))
    return rows


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return {"cdo": CDO, "dpv": DPV}[prefix][local]


@pytest.fixture(scope="module")
def cdo() -> Graph:
    return Graph().parse(ONTOLOGY / "cdo.ttl")


@pytest.fixture(scope="module")
def catalogue() -> Graph:
    return Graph().parse(ONTOLOGY / "catalogue.ttl")


@pytest.fixture(scope="module")
def context() -> dict[str, object]:
    loaded = json.loads((ONTOLOGY / "context.jsonld").read_text())
    assert isinstance(loaded, dict)
    return loaded


def defined_terms(graph: Graph, namespace: Namespace) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(namespace))
    }


def test_ontology_header(cdo: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in cdo
    assert cdo.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/cdkg/ontology/0.1.0")
    assert cdo.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert cdo.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert cdo.value(ONTOLOGY_IRI, DCTERMS.created) == Literal("2026-11-28", datatype=XSD.date)
    assert cdo.value(ONTOLOGY_IRI, DCTERMS.modified) == Literal("2026-11-28", datatype=XSD.date)
    assert cdo.value(ONTOLOGY_IRI, DCTERMS.creator) == Literal("cdkg contributors")
    assert cdo.value(ONTOLOGY_IRI, DCTERMS.title) is not None
    assert cdo.value(ONTOLOGY_IRI, DCTERMS.description) is not None
    assert cdo.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("cdo")
    assert cdo.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(CDO))


@pytest.mark.parametrize("local", model_terms("cdo"))
def test_model_term_is_declared(local: str, cdo: Graph) -> None:
    declared = set(cdo.objects(CDO[local], RDF.type))
    assert declared & {
        OWL.Class,
        OWL.ObjectProperty,
        OWL.DatatypeProperty,
        OWL.NamedIndividual,
        SKOS.ConceptScheme,
    }


def aligned(
    graph: Graph, term: URIRef, link: URIRef, seen: frozenset[URIRef] = frozenset()
) -> bool:
    """True when a chain of `link` from term reaches a term outside the cdo namespace."""
    for parent in graph.objects(term, link):
        if not isinstance(parent, URIRef) or parent in seen:
            continue
        if not str(parent).startswith(str(CDO)) or aligned(graph, parent, link, seen | {term}):
            return True
    return False


def test_every_class_and_property_is_documented_and_aligned(cdo: Graph) -> None:
    problems = []
    for term in sorted(defined_terms(cdo, CDO)):
        label = cdo.value(term, RDFS.label)
        if not (isinstance(label, Literal) and label.language == "en"):
            problems.append(f"{term}: no English rdfs:label")
        if cdo.value(term, SKOS.definition) is None and cdo.value(term, RDFS.comment) is None:
            problems.append(f"{term}: no definition")
        if cdo.value(term, RDFS.isDefinedBy) != ONTOLOGY_IRI:
            problems.append(f"{term}: no rdfs:isDefinedBy")
        link = RDFS.subClassOf if (term, RDF.type, OWL.Class) in cdo else RDFS.subPropertyOf
        if not aligned(cdo, term, link):
            problems.append(f"{term}: not aligned with a reused vocabulary")
    assert problems == []


def test_value_individuals_have_label_and_scheme(cdo: Graph) -> None:
    problems = []
    individuals = {t for t in cdo.subjects(RDF.type, OWL.NamedIndividual) if isinstance(t, URIRef)}
    for term in sorted(individuals):
        if cdo.value(term, SKOS.prefLabel) is None:
            problems.append(f"{term}: no skos:prefLabel")
        schemes = set(cdo.objects(term, SKOS.inScheme))
        if not schemes or any((s, RDF.type, SKOS.ConceptScheme) not in cdo for s in schemes):
            problems.append(f"{term}: not in a concept scheme of cdo.ttl")
        if (term, RDF.type, SKOS.Concept) not in cdo:
            problems.append(f"{term}: not a skos:Concept")
    assert problems == []


def test_roles_are_org_roles(cdo: Graph) -> None:
    roles = set(cdo.subjects(SKOS.inScheme, CDO.Roles))
    assert len(roles) == 8
    assert all((r, RDF.type, ORG.Role) in cdo for r in roles)


@pytest.mark.parametrize(("value", "term", "scheme"), value_set_rows())
def test_value_set_matches_model(value: str, term: str, scheme: str | None, cdo: Graph) -> None:
    iri = expand(term)
    if term.startswith("dpv:"):
        return
    if scheme is None:
        # Rows without a scheme map record values to classes (org, document and evidence types).
        assert (iri, RDF.type, OWL.Class) in cdo
        return
    assert cdo.value(iri, SKOS.notation) == Literal(value)
    assert (iri, SKOS.inScheme, expand(scheme)) in cdo


def test_value_set_rows_were_found() -> None:
    # Guards the parser above: an empty parametrization would pass silently.
    assert len(value_set_rows()) >= 60


@pytest.mark.parametrize("local", model_terms("cdkg"))
def test_catalogue_term_is_declared_and_labelled(local: str, catalogue: Graph) -> None:
    term = CDKG[local]
    assert catalogue.value(term, RDFS.label) is not None
    assert catalogue.value(term, SKOS.definition) is not None
    assert catalogue.value(term, RDFS.isDefinedBy) == CATALOGUE_IRI


# rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about it itself.
RDFLIB_JSONLD_WARNING = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"


@pytest.mark.filterwarnings(RDFLIB_JSONLD_WARNING)
def test_context_expands_a_record_with_typed_values(context: dict[str, object]) -> None:
    doc = {
        "@context": context["@context"],
        "@graph": [
            {
                "id": "https://example.org/s/imposition/IMP1",
                "type": "Imposition",
                "identifier": "IMP1",
                "accessLevel": "Restricted",
                "imposedBy": "https://example.org/s/org/CL",
                "medium": "EmailMedium",
                "date": "2024-04-01",
            },
            {
                "id": "https://example.org/s/act/A1",
                "type": "ClassificationAct",
                "time": "2024-06-01T10:15:00",
            },
            {
                "id": "https://example.org/s/person/P05",
                "consentStatus": "ConsentWithdrawn",
                "org:reportsTo": "https://example.org/s/person/P03",
            },
        ],
    }
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    imp = URIRef("https://example.org/s/imposition/IMP1")
    act = URIRef("https://example.org/s/act/A1")
    person = URIRef("https://example.org/s/person/P05")
    expected = {
        (imp, RDF.type, CDO.Imposition),
        (imp, DCTERMS.identifier, Literal("IMP1")),
        (imp, CDO.accessLevel, CDO.Restricted),
        (imp, CDO.imposedBy, URIRef("https://example.org/s/org/CL")),
        (imp, CDO.medium, CDO.EmailMedium),
        (imp, DCTERMS.date, Literal("2024-04-01", datatype=XSD.date)),
        (act, RDF.type, CDO.ClassificationAct),
        (act, CDO.time, Literal("2024-06-01T10:15:00", datatype=XSD.dateTime)),
        (person, CDO.consentStatus, DPV.ConsentWithdrawn),
        (person, ORG.reportsTo, URIRef("https://example.org/s/person/P03")),
    }
    assert set(graph) == expected


@pytest.mark.filterwarnings(RDFLIB_JSONLD_WARNING)
def test_context_round_trips_the_study_example(context: dict[str, object]) -> None:
    turtle = Graph().parse(ONTOLOGY / "examples" / "study-example.ttl")
    compacted = json.loads(turtle.serialize(format="json-ld", context=context["@context"]))
    compacted["@context"] = context["@context"]
    assert isomorphic(Graph().parse(data=json.dumps(compacted), format="json-ld"), turtle)


def test_context_maps_only_to_defined_cdo_terms(context: dict[str, object], cdo: Graph) -> None:
    terms = context["@context"]
    assert isinstance(terms, dict)
    targets = [
        v if isinstance(v, str) else str(v.get("@id", ""))
        for v in terms.values()
        if isinstance(v, str | dict)
    ]
    undefined = sorted(
        t for t in targets if t.startswith("cdo:") and (CDO[t[4:]], None, None) not in cdo
    )
    assert undefined == []


# First column of each ```sparql block of docs/ontology.md, in order, on study-example.ttl:
# read off the example's imposition chain (IMP1 by CL, relayed as IMP2), its one excluded
# proposal, Delta Labels' two taxonomies, the one override, and the decisions whose only
# evidence is E1 (restricted).
DOC_QUERY_ANSWERS = [
    {"org/CL"},
    {"proposal/PP1"},
    {"org/AC"},
    {"override/A1"},
    {"imposition/IMP1", "imposition/IMP2"},
    {
        "excluded-category/PP1",
        "imposition/IMP2",
        "objection/OB1",
        "override/A1",
        "proposal/PP1",
    },
]


def test_documented_queries_answer_on_the_study_example() -> None:
    blocks = re.findall(r"```sparql\n(.*?)```", (ROOT / "docs" / "ontology.md").read_text(), re.S)
    store = Store()
    store.load(path=str(ONTOLOGY / "examples" / "study-example.ttl"), format=RdfFormat.TURTLE)
    answers = []
    for block in blocks:
        result = store.query(block)
        assert isinstance(result, QuerySolutions)
        answers.append(
            {row[0].value.removeprefix("https://example.org/cdkg/demo/") for row in result}
        )
    assert answers == DOC_QUERY_ANSWERS
