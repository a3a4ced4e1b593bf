"""The SHACL shapes: each node shape's valid example conforms, its invalid example fails on it."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF
from rdflib.term import Node

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
EXAMPLES = ONTOLOGY / "examples"
SH = Namespace("http://www.w3.org/ns/shacl#")
CDO = Namespace("https://w3id.org/cdkg/ontology#")
CDOS = Namespace("https://w3id.org/cdkg/shapes#")


def node_shape_names() -> list[str]:
    # Read at collection time so that a new shape without examples shows up as a failing case.
    shapes = Graph().parse(ONTOLOGY / "shapes.ttl")
    names = [str(s).removeprefix(str(CDOS)) for s in shapes.subjects(RDF.type, SH.NodeShape)]
    return sorted(n for n in names if not n.startswith(("http:", "https:")))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY / "cdo.ttl")


def run(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none")
    return bool(conforms), report


def own_shapes(shapes: Graph, shape: URIRef) -> set[URIRef]:
    return {shape} | {p for p in shapes.objects(shape, SH.property) if isinstance(p, URIRef)}


def result_sources(report: Graph) -> set[URIRef]:
    """Source shapes of all results, including the details nested under sh:node results."""
    return {s for s in report.objects(None, SH.sourceShape) if isinstance(s, URIRef)}


@pytest.mark.parametrize("name", node_shape_names())
def test_valid_example_conforms_to_all_shapes(name: str, shapes: Graph) -> None:
    data = Graph().parse(EXAMPLES / f"{name}-valid.ttl")
    conforms, report = run(data, shapes)
    messages = sorted(str(m) for m in report.objects(None, SH.resultMessage))
    assert conforms, messages


@pytest.mark.parametrize("name", node_shape_names())
def test_invalid_example_fails_on_its_own_shape(name: str, shapes: Graph) -> None:
    data = Graph().parse(EXAMPLES / f"{name}-invalid.ttl")
    conforms, report = run(data, shapes)
    assert not conforms
    assert result_sources(report) & own_shapes(shapes, CDOS[name])


@pytest.mark.parametrize("name", node_shape_names())
def test_invalid_example_fails_only_on_its_own_shape(name: str, shapes: Graph) -> None:
    # A defect elsewhere would let the invalid example pass for the wrong reason.
    data = Graph().parse(EXAMPLES / f"{name}-invalid.ttl")
    _, report = run(data, shapes)
    assert result_sources(report) <= own_shapes(shapes, CDOS[name])


def test_every_example_file_belongs_to_a_shape() -> None:
    names = set(node_shape_names())
    stems = {p.stem.rsplit("-", 1)[0] for p in EXAMPLES.glob("*-valid.ttl")}
    stems |= {p.stem.rsplit("-", 1)[0] for p in EXAMPLES.glob("*-invalid.ttl")}
    assert stems == names


def test_shapes_graph_passes_shacl_for_shacl(shapes: Graph) -> None:
    conforms, _, text = validate(shapes, shacl_graph=shapes, meta_shacl=True, inference="none")
    assert conforms, text


def test_study_example_conforms_and_covers_every_target_class(shapes: Graph) -> None:
    data = Graph().parse(EXAMPLES / "study-example.ttl")
    conforms, report = run(data, shapes)
    assert conforms, sorted(str(m) for m in report.objects(None, SH.resultMessage))
    targets = set(shapes.objects(None, SH.targetClass))
    assert {t for t in targets if (None, RDF.type, t) not in data} == set()


def test_every_record_class_has_a_node_shape(shapes: Graph) -> None:
    record_classes = {
        "Study",
        "Codebook",
        "Code",
        "Organization",
        "OrganizationalUnit",
        "Person",
        "ConsentRecord",
        "Membership",
        "Interview",
        "Taxonomy",
        "Category",
        "TaxonomyVersion",
        "VersionChange",
        "Document",
        "Rule",
        "AnnotationProject",
        "Dataset",
        "DataItem",
        "Imposition",
        "CategoryProposal",
        "ExcludedCategory",
        "Objection",
        "ClassificationAct",
        "Override",
        "Flag",
        "Evidence",
    }
    for name in record_classes:
        shape = CDOS[f"{name}Shape"]
        assert (shape, SH.targetClass, CDO[name]) in shapes, name


def test_node_and_property_shapes_have_name_and_message(shapes: Graph) -> None:
    named = set(shapes.subjects(RDF.type, SH.NodeShape))
    named |= {p for p in shapes.objects(None, SH.property) if isinstance(p, URIRef)}
    missing = [
        str(s)
        for s in named
        if not isinstance(shapes.value(s, SH.name), Literal)
        or not isinstance(shapes.value(s, SH.message), Literal)
    ]
    assert missing == []


def test_property_shapes_are_named_not_anonymous(shapes: Graph) -> None:
    # Stable ids let a report's sh:sourceShape be looked up and documented.
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        anonymous = [p for p in shapes.objects(node_shape, SH.property) if isinstance(p, BNode)]
        assert anonymous == [], node_shape


def test_shapes_only_mention_terms_the_ontology_defines(shapes: Graph, ontology: Graph) -> None:
    used: set[Node] = set()
    for link in (SH.targetClass, SH["class"], SH.path, SH.hasValue):
        used |= set(shapes.objects(None, link))
    for head in shapes.objects(None, SH["in"]):
        used |= set(Collection(shapes, head))
    undefined = sorted(
        str(u)
        for u in used
        if isinstance(u, URIRef) and u.startswith(str(CDO)) and (u, None, None) not in ontology
    )
    assert undefined == []


def test_study_example_instantiates_every_data_class(ontology: Graph) -> None:
    # Value-set classes (cdo:Medium, ...) have their members in cdo.ttl, not in study data.
    value_classes = {c for c in ontology.objects(None, RDF.type) if (None, RDF.type, c) in ontology}
    data_classes = {
        c
        for c in ontology.subjects(RDF.type, OWL.Class)
        if isinstance(c, URIRef) and c.startswith(str(CDO)) and c not in value_classes
    }
    data = Graph().parse(EXAMPLES / "study-example.ttl")
    assert sorted(str(c) for c in data_classes if (None, RDF.type, c) not in data) == []
