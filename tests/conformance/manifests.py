"""Reading the W3C SPARQL 1.1 test manifests (data files under CDKG_CONFORMANCE_DIR).

Manifests are walked from a top manifest following `mf:include`; each `mf:entries` item becomes
one `Entry`. File references are resolved against the manifest's own file IRI, as the suite
intends, so a named graph `qt:graphData <data.ttl>` is named by that file's absolute IRI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import RDF, RDFS, BNode, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

REPO_ROOT = Path(__file__).resolve().parents[2]
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")


def conformance_dir() -> Path:
    """The shared conformance folder: CDKG_CONFORMANCE_DIR, else ../shared/conformance."""
    configured = os.environ.get("CDKG_CONFORMANCE_DIR")
    folder = Path(configured) if configured else REPO_ROOT.parent / "shared" / "conformance"
    if not (folder / "w3c-sparql11" / "manifest.ttl").is_file():
        raise FileNotFoundError(
            f"W3C SPARQL 1.1 tests not found under {folder}: set CDKG_CONFORMANCE_DIR to the "
            "folder that holds w3c-sparql11/"
        )
    return folder


def suite_dir() -> Path:
    return conformance_dir() / "w3c-sparql11"


def file_path(iri: str) -> Path:
    return Path(unquote(urlparse(iri).path))


@dataclass(frozen=True)
class GraphData:
    """A file to load and the graph it goes into (None: the default graph)."""

    file: str
    graph: str | None


@dataclass(frozen=True)
class Entry:
    iri: str
    type: str
    name: str
    graph: Graph = field(repr=False, compare=False)
    node: URIRef = field(repr=False, compare=False)


def entries(top: Path) -> Iterator[Entry]:
    """Every entry of `top` and of the manifests it includes, in manifest order."""
    graph = Graph()
    graph.parse(top, format="turtle", publicID=top.as_uri())
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        for included in graph.objects(manifest, MF.include):
            for item in Collection(graph, included):
                yield from entries(file_path(str(item)))
        for listed in graph.objects(manifest, MF.entries):
            for node in Collection(graph, listed):
                assert isinstance(node, URIRef)
                kind = graph.value(node, RDF.type)
                name = graph.value(node, MF.name)
                yield Entry(
                    str(node),
                    str(kind).rpartition("#")[2],
                    str(name or ""),
                    graph,
                    node,
                )


def value(entry: Entry, subject: Node, predicate: URIRef) -> str | None:
    found = entry.graph.value(subject, predicate)
    return None if found is None else str(found)


def action(entry: Entry) -> Node:
    found = entry.graph.value(entry.node, MF.action)
    assert found is not None, f"{entry.iri} has no mf:action"
    return found


def result(entry: Entry) -> Node | None:
    return entry.graph.value(entry.node, MF.result)


def query_data(entry: Entry, node: Node) -> list[GraphData]:
    """`qt:data` into the default graph, each `qt:graphData <f>` into the named graph <f>."""
    loads = [GraphData(str(f), None) for f in entry.graph.objects(node, QT.data)]
    loads += [GraphData(str(f), str(f)) for f in entry.graph.objects(node, QT.graphData)]
    return loads


def update_data(entry: Entry, node: Node) -> list[GraphData]:
    """`ut:data` into the default graph, each `ut:graphData [ut:graph <f>; rdfs:label "L"]`
    into the named graph <L>."""
    graph = entry.graph
    loads = [GraphData(str(f), None) for f in graph.objects(node, UT.data)]
    for described in graph.objects(node, UT.graphData):
        assert isinstance(described, BNode)
        file = graph.value(described, UT.graph)
        label = graph.value(described, RDFS.label)
        assert file is not None and label is not None, f"{entry.iri}: incomplete ut:graphData"
        loads.append(GraphData(str(file), str(label)))
    return loads


def defined_entry(manifest: Path, iri: str) -> Entry:
    """An entry a manifest defines without listing it in mf:entries."""
    graph = Graph()
    graph.parse(manifest, format="turtle", publicID=manifest.as_uri())
    node = URIRef(iri)
    kind = graph.value(node, RDF.type)
    assert kind is not None, f"{manifest} does not define {iri}"
    return Entry(iri, str(kind).rpartition("#")[2], str(graph.value(node, MF.name)), graph, node)
