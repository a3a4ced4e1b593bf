"""The SPARQL 1.1 Graph Store HTTP Protocol: which graph a request names, and what it does.

Reads become a `CONSTRUCT` job for the same executor `/sparql` uses (time limit, row cap,
streaming, the caller's access). Writes become one SPARQL update each, so each is one
transaction, run by the executor so that every reader sees it. Uploads are parsed by
pyoxigraph, which never fetches anything (no remote JSON-LD contexts, no XML external entities:
tests/test_outbound.py proves it).

Graphs that belong to a loaded study (catalogued graphs) and the catalogue itself are written
only by `cdkg load`, which validates records before writing; a write here would bypass that, so
it is refused (409).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import QuadParser, RdfFormat, parse, serialize

from app.errors import ApiError
from app.negotiation import MediaFormat
from app.sparql.execution import Dataset, QueryJob, UpdateJob
from app.sparql.iri import is_absolute_iri
from app.sparql.negotiation import rdf_format_for
from app.sparql.protocol import ProtocolError
from app.store.base import CATALOGUE_GRAPH, AccessLevel, GraphStore
from app.store.catalogue import visible_graphs

_EVERY_TRIPLE = "CONSTRUCT WHERE { ?s ?p ?o }"


class GraphNotFound(ApiError):
    status = 404
    title = "Graph not found"
    slug = "graph-not-found"


class MalformedRdf(ApiError):
    status = 400
    title = "Malformed RDF"
    slug = "malformed-rdf"


class GraphManagedByLoader(ApiError):
    status = 409
    title = "Graph managed by the loader"
    slug = "graph-managed-by-loader"


@dataclass(frozen=True)
class GraphRef:
    """A graph named by a request: `iri` None is the default graph."""

    iri: str | None

    def __str__(self) -> str:
        return "the default graph" if self.iri is None else f"graph <{self.iri}>"


DEFAULT_GRAPH = GraphRef(None)


def graph_from_params(params: Sequence[tuple[str, str]]) -> GraphRef | None:
    """The graph `?graph=IRI` or `?default` names (indirect identification); None if neither."""
    graphs = [value for key, value in params if key == "graph"]
    default = any(key == "default" for key, _ in params)
    if graphs and default:
        raise ProtocolError("name a graph with either ?graph= or ?default, not both")
    if len(graphs) > 1:
        raise ProtocolError(f"the request names {len(graphs)} graphs; name exactly one")
    if default:
        return DEFAULT_GRAPH
    if not graphs:
        return None
    if not is_absolute_iri(graphs[0]):
        raise ProtocolError(f"graph={graphs[0]!r} is not an absolute IRI")
    return GraphRef(graphs[0])


def exists(store: GraphStore, graph: GraphRef) -> bool:
    return graph.iri is None or graph.iri in store.graph_names()


def read_job(
    graph: GraphRef, dataset: Dataset, media: MediaFormat, row_limit: int | None
) -> QueryJob:
    """The job that returns `graph`'s triples, `dataset` being what the caller may read of it."""
    return QueryJob(
        _EVERY_TRIPLE,
        Dataset(dataset.default_graphs, ()),
        graph_media_type=media.media_type,
        row_limit=row_limit,
    )


def requested_dataset(graph: GraphRef) -> Dataset | None:
    """The dataset to ask access control for, to read `graph`."""
    return None if graph.iri is None else Dataset((graph.iri,), ())


def may_read(graph: GraphRef, allowed: Dataset) -> bool:
    """Whether access control kept `graph` in the dataset it returned."""
    return graph.iri is None or graph.iri in (allowed.default_graphs or ())


def check_writable(store: GraphStore, graph: GraphRef) -> None:
    if graph.iri is None:
        return
    if graph.iri == CATALOGUE_GRAPH or graph.iri in visible_graphs(store, AccessLevel.CONFIDENTIAL):
        raise GraphManagedByLoader(
            f"{graph} belongs to a loaded study (or is the catalogue): change the study's "
            "records and run `cdkg load`, which validates them before writing"
        )


def read_parts(parts: Sequence[tuple[str | None, bytes]], base_iri: str) -> str:
    """The triples of an upload as N-Triples text: of its body, or of every file part of a
    multipart/form-data body, merged. Each part's Content-Type picks its parser; relative IRIs
    resolve against `base_iri`."""
    if not parts:
        raise MalformedRdf("the multipart body has no file parts")
    return "".join(_ntriples(data, rdf_format_for(ctype), base_iri) for ctype, data in parts)


def put_update(graph: GraphRef, ntriples: str) -> UpdateJob:
    """Replace the content of `graph` (PUT)."""
    if graph.iri is None:
        clear = ["CLEAR SILENT DEFAULT"]
    else:
        clear = [f"DROP SILENT GRAPH <{graph.iri}>", f"CREATE GRAPH <{graph.iri}>"]
    return UpdateJob(" ;\n".join([*clear, *_insert(graph, ntriples)]))


def post_update(graph: GraphRef, ntriples: str) -> UpdateJob | None:
    """Merge triples into `graph`, creating it when missing (POST); None: nothing to do."""
    create = [] if graph.iri is None else [f"CREATE SILENT GRAPH <{graph.iri}>"]
    operations = [*create, *_insert(graph, ntriples)]
    return UpdateJob(" ;\n".join(operations)) if operations else None


def delete_update(graph: GraphRef) -> UpdateJob:
    if graph.iri is None:
        return UpdateJob("CLEAR DEFAULT")
    return UpdateJob(f"DROP GRAPH <{graph.iri}>")


def _insert(graph: GraphRef, ntriples: str) -> list[str]:
    if not ntriples:
        return []
    if graph.iri is None:
        return [f"INSERT DATA {{\n{ntriples}}}"]
    return [f"INSERT DATA {{ GRAPH <{graph.iri}> {{\n{ntriples}}} }}"]


def _ntriples(data: bytes, fmt: RdfFormat, base_iri: str) -> str:
    try:
        quads: QuadParser = parse(
            data, format=fmt, base_iri=base_iri, without_named_graphs=True, rename_blank_nodes=True
        )
        # Quads in the default graph print exactly as N-Triples lines, all in Rust.
        written = serialize(quads, format=RdfFormat.N_QUADS) or b""
    except SyntaxError as exc:
        raise MalformedRdf(f"the {fmt.name} body does not parse: {exc}") from None
    except ValueError as exc:
        raise MalformedRdf(f"the {fmt.name} body cannot be read: {exc}") from None
    return written.decode("utf-8")
