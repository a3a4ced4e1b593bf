"""Check the decision layer against ontology/shapes.ttl with pySHACL.

The big tables (acts, overrides, flags, data items, evidence) stay out: pySHACL needs about 40 s
per million triples. Their rows are checked by equivalent code (`loaders.csv_table`,
`loaders.references`); here the nodes the decision layer links to in those tables are stood in
for by their type triples, so `sh:class` constraints on such links still hold; what the shapes
say about the stand-ins themselves is ignored. (pySHACL's `focus_nodes` would skip them, but it
then miscounts `sh:qualifiedValueShape` values, so results are filtered afterwards instead.)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from loaders.errors import RecordError
from loaders.nodes import NodeLocator


@cache
def _shapes(path: Path, mtime_ns: int) -> Graph:
    return Graph().parse(path, format="turtle")


def shacl_errors(
    ntriples: str, focus: list[str], shapes: Path, locator: NodeLocator
) -> list[RecordError]:
    """SHACL errors of the nodes `focus` (IRIs) within the graph `ntriples`."""
    data = Graph().parse(data=ntriples, format="nt")
    wanted = {URIRef(node) for node in focus}
    conforms, results, _text = validate(
        data,
        shacl_graph=_shapes(shapes, shapes.stat().st_mtime_ns),
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
