"""The SPARQL 1.1 Service Description a bare GET on the endpoint returns.

It says what the endpoint is (`sd:endpoint`), what it speaks (query and update, the result and
input formats of the media-type table) and which dataset the caller queries by default: the
graphs this caller may read, so the description never names a graph they could not query.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple
from pyoxigraph import serialize as serialize_rdf

from app.sparql.negotiation import FORMATS, upload_formats

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PREFIXES = {"sd": SD, "formats": "http://www.w3.org/ns/formats/"}


def _sd(name: str) -> NamedNode:
    return NamedNode(SD + name)


def describe(
    endpoint: str, named_graphs: Sequence[str], *, union_default_graph: bool
) -> list[Triple]:
    """The description's triples. `union_default_graph`: the default graph is the merge of the
    named graphs the caller may read (anonymous callers and researchers)."""
    service = BlankNode()
    dataset = BlankNode()
    default_graph = BlankNode()
    triples = [
        Triple(service, RDF_TYPE, _sd("Service")),
        Triple(service, RDFS_LABEL, Literal("cdkg SPARQL 1.1 endpoint")),
        Triple(service, _sd("endpoint"), NamedNode(endpoint)),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")),
        Triple(service, _sd("feature"), _sd("EmptyGraphs")),
        *(Triple(service, _sd("resultFormat"), NamedNode(f.iri)) for f in FORMATS),
        *(Triple(service, _sd("inputFormat"), NamedNode(f.iri)) for f in upload_formats()),
        Triple(service, _sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, _sd("Dataset")),
        Triple(dataset, _sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, _sd("Graph")),
    ]
    if union_default_graph:
        triples.append(Triple(service, _sd("feature"), _sd("UnionDefaultGraph")))
    for graph in named_graphs:
        entry = BlankNode()
        triples += [
            Triple(dataset, _sd("namedGraph"), entry),
            Triple(entry, RDF_TYPE, _sd("NamedGraph")),
            Triple(entry, _sd("name"), NamedNode(graph)),
        ]
    return triples


def render(triples: Sequence[Triple], media_type: str) -> bytes:
    """The description in one of the graph formats of the media-type table."""
    fmt = RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    return serialize_rdf(triples, format=fmt, prefixes=PREFIXES) or b""
