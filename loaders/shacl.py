"""Check the decision layer against ontology/shapes.ttl with pySHACL.

The big tables (acts, overrides, flags, data items, evidence) stay out: pySHACL needs about 40 s
per million triples. Their rows are checked by equivalent code (`loaders.csv_table`,
`loaders.references`); here the nodes the decision layer links to in those tables are stood in
for by their type triples, so `sh:class` constraints on such links still hold; what the shapes
say about the stand-ins themselves is ignored: the shapes pySHACL gets do not target their
classes, and results on other nodes than the decision layer's are dropped. (pySHACL's
`focus_nodes` would skip the stand-ins too, but it then miscounts `sh:qualifiedValueShape` values.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, Quad
from pyoxigraph import Literal as OxLiteral
from pyshacl import validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from loaders.errors import RecordError
from loaders.nodes import NodeLocator
from loaders.vocab import XSD

_XSD_STRING = XSD + "string"


@cache
def _shapes(path: Path, mtime_ns: int, untargeted: frozenset[str]) -> Graph:
    """The shapes, less their `sh:targetClass` of the classes in `untargeted`. The shapes graph
    has no named graphs, so it goes in rdflib's simpler store, which pySHACL reads faster."""
    graph = Graph(store="SimpleMemory").parse(path, format="turtle")
    for cls in untargeted:
        graph.remove((None, SH.targetClass, URIRef(cls)))
    return graph


def _data_graph(quads: Iterable[Quad]) -> Graph:
    """The quads' triples as an rdflib graph, with the terms rdflib's own N-Triples parser makes
    (a plain literal has no datatype); each distinct term is converted once."""
    terms: dict[object, Node] = {}

    def term(node: object) -> Node:
        found = terms.get(node)
        if found is None:
            if isinstance(node, NamedNode):
                found = URIRef(node.value)
            elif isinstance(node, OxLiteral):
                if node.language:
                    found = Literal(node.value, lang=node.language)
                elif node.datatype.value == _XSD_STRING:
                    found = Literal(node.value)
                else:
                    found = Literal(node.value, datatype=URIRef(node.datatype.value))
            elif isinstance(node, BlankNode):
                found = BNode(node.value)
            else:
                raise TypeError(f"the loader writes no such term: {node!r}")
            terms[node] = found
        return found

    graph = Graph()
    add = graph.add
    for quad in quads:
        add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return graph


def shacl_errors(
    quads: Iterable[Quad],
    focus: list[str],
    shapes: Path,
    locator: NodeLocator,
    stand_ins: Collection[str] = (),
) -> list[RecordError]:
    """SHACL errors of the nodes `focus` (IRIs) within the triples of `quads`; nodes typed with a
    class of `stand_ins` only stand in for records checked elsewhere."""
    data = _data_graph(quads)
    wanted = {URIRef(node) for node in focus}
    shapes_graph = _shapes(shapes, shapes.stat().st_mtime_ns, frozenset(stand_ins))
    conforms, results, _text = validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    if conforms:
        return []
    assert isinstance(results, Graph)
    errors: list[RecordError] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        if results.value(result, SH.resultSeverity) != SH.Violation:
            continue
        node = results.value(result, SH.focusNode)
        if node not in wanted:
            continue
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shape = results.value(result, SH.sourceShape)
        texts = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        message = texts[0] if texts else "does not conform to the shapes"
        if value is not None:
            shown = str(value) if isinstance(value, URIRef | Literal) else "a blank node"
            message += f' (value: "{shown}")'
        if isinstance(shape, URIRef):
            message += f" [shape {shape.split('#')[-1]}]"
        place = locator.locate(
            str(node) if isinstance(node, URIRef) else None,
            str(path) if isinstance(path, URIRef) else None,
        )
        if place.record is None and isinstance(node, URIRef):
            message = f"<{node}>: {message}"
        errors.append(RecordError(place.file, message, place.record, place.field, place.line))
    return sorted(set(errors), key=lambda e: (e.file, e.line or 0, e.message))
