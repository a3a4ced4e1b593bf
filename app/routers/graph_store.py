"""`/rdf-graph-store`: the SPARQL 1.1 Graph Store HTTP Protocol.

Graphs are named indirectly (`?graph=IRI`, `?default`) or directly (`/rdf-graph-store/<path>`
names the graph whose IRI is that URL). Reads are open to every caller at their access level;
writes need an owner token. `app.sparql.graph_store` holds the rules; this module wires them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import uuid4

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.deps import SettingsDep, StoreDep
from app.negotiation import VARY, MediaFormat
from app.routers.sparql import ExecutorDep, ViewerDep, stream
from app.security.access import Viewer, require_owner
from app.settings import Settings
from app.sparql.execution import Dataset, QueryExecutor, QueryOutput, UpdateJob
from app.sparql.graph_store import (
    GraphNotFound,
    GraphRef,
    MalformedRdf,
    check_writable,
    delete_update,
    exists,
    graph_from_params,
    may_read,
    post_update,
    put_update,
    read_job,
    read_parts,
    requested_dataset,
)
from app.sparql.negotiation import negotiate, split_content_type
from app.sparql.openapi import (
    GRAPH_STORE_BODY,
    GRAPH_STORE_PARAMETERS,
    graph_store_read_responses,
    graph_store_write_responses,
)
from app.sparql.protocol import ProtocolError
from app.sparql.running import run_query, run_update
from app.sparql.scope import GRAPH_STORE_PATH, graph_store_url, restriction_for
from app.store.base import GraphStore

router = APIRouter(tags=["graph store"])

OwnerDep = Annotated[Viewer, Depends(require_owner)]
_DIRECT = GRAPH_STORE_PATH + "/{path:path}"
_PATH_PARAMETER = {
    "name": "path",
    "in": "path",
    "required": True,
    "description": "Direct identification: the graph whose IRI is this request's URL.",
    "schema": {"type": "string"},
}
_READ: dict[str, Any] = {
    "response_class": Response,
    "responses": graph_store_read_responses(),
    "openapi_extra": {"parameters": GRAPH_STORE_PARAMETERS},
}
_WRITE: dict[str, Any] = {
    "response_class": Response,
    "responses": graph_store_write_responses(),
    "openapi_extra": {"parameters": GRAPH_STORE_PARAMETERS, "requestBody": GRAPH_STORE_BODY},
}
_READ_DIRECT: dict[str, Any] = {
    "response_class": Response,
    "responses": graph_store_read_responses(),
    "openapi_extra": {"parameters": [_PATH_PARAMETER, GRAPH_STORE_PARAMETERS[-1]]},
}
_WRITE_DIRECT: dict[str, Any] = {
    "response_class": Response,
    "responses": graph_store_write_responses(),
    "openapi_extra": {"parameters": [_PATH_PARAMETER], "requestBody": GRAPH_STORE_BODY},
}


def _named(request: Request, settings: Settings) -> GraphRef | None:
    """The graph a request names; None for a POST to the store itself (create a graph)."""
    path = request.path_params.get("path")
    if path:
        return GraphRef(f"{graph_store_url(request, settings.public_base_url)}/{path}")
    return graph_from_params(request.query_params.multi_items())


def _required(graph: GraphRef | None) -> GraphRef:
    if graph is None:
        raise ProtocolError("name a graph: ?graph=IRI, ?default, or a path under the store")
    return graph


@router.get(GRAPH_STORE_PATH, summary="Read a graph", **_READ)
@router.head(GRAPH_STORE_PATH, summary="A graph's headers", **_READ)
@router.get(_DIRECT, summary="Read a graph (direct)", **_READ_DIRECT)
@router.head(_DIRECT, summary="A graph's headers (direct)", **_READ_DIRECT)
async def read_graph(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    executor: ExecutorDep,
) -> Response:
    graph = _required(_named(request, settings))
    accept = request.headers.get("accept")
    media = negotiate("graph", accept, request.query_params.getlist("format"))
    row_limit = settings.row_limit if viewer.role == "anonymous" else None
    head = request.method == "HEAD"
    output = await run_in_threadpool(_read, store, executor, viewer, graph, media, row_limit, head)
    if output is None:
        return Response(media_type=media.content_type, headers=VARY)
    return stream(output)


@router.put(GRAPH_STORE_PATH, summary="Replace a graph", **_WRITE)
@router.put(_DIRECT, summary="Replace a graph (direct)", **_WRITE_DIRECT)
async def put_graph(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    _owner: OwnerDep,
    executor: ExecutorDep,
) -> Response:
    graph = _required(_named(request, settings))
    parts = await _parts(request)
    base = graph.iri or graph_store_url(request, settings.public_base_url)
    return await run_in_threadpool(_write, store, executor, graph, parts, base, put_update)


@router.post(GRAPH_STORE_PATH, summary="Add to a graph, or create one", **_WRITE)
@router.post(_DIRECT, summary="Add to a graph (direct)", **_WRITE_DIRECT)
async def post_graph(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    _owner: OwnerDep,
    executor: ExecutorDep,
) -> Response:
    store_url = graph_store_url(request, settings.public_base_url)
    graph = _named(request, settings) or GraphRef(f"{store_url}/{uuid4().hex}")
    parts = await _parts(request)
    return await run_in_threadpool(
        _write, store, executor, graph, parts, graph.iri or store_url, post_update
    )


@router.delete(GRAPH_STORE_PATH, summary="Delete a graph", **_WRITE)
@router.delete(_DIRECT, summary="Delete a graph (direct)", **_WRITE_DIRECT)
async def delete_graph(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    _owner: OwnerDep,
    executor: ExecutorDep,
) -> Response:
    graph = _required(_named(request, settings))
    return await run_in_threadpool(_delete, store, executor, graph)


async def _parts(request: Request) -> list[tuple[str | None, bytes]]:
    """The body as (Content-Type, bytes) parts: one, or each file part of a multipart body."""
    content_type = request.headers.get("content-type")
    if split_content_type(content_type)[0] != "multipart/form-data":
        return [(content_type, await request.body())]
    parts: list[tuple[str | None, bytes]] = []
    async with request.form() as form:
        for name, value in form.multi_items():
            if not isinstance(value, UploadFile):
                raise MalformedRdf(f"multipart field {name!r} is not a file part with a type")
            parts.append((value.content_type, await value.read()))
    return parts


# The functions below read the store or parse RDF, so they run in a worker thread.


def _read(
    store: GraphStore,
    executor: QueryExecutor,
    viewer: Viewer,
    graph: GraphRef,
    media: MediaFormat,
    row_limit: int | None,
    head: bool,
) -> QueryOutput | None:
    requested = requested_dataset(graph)
    # The Graph Store addresses graphs as they are stored: an owner's `?default` is the store's
    # own default graph (what PUT and DELETE on `?default` change), not the merged query view.
    restrict = None if viewer.is_owner else restriction_for(viewer, store)
    allowed = (requested or Dataset()) if restrict is None else restrict(requested)
    if not may_read(graph, allowed) or not exists(store, graph):
        raise GraphNotFound(f"no {graph} here")
    if head:
        return None
    return run_query(executor, read_job(graph, allowed, media, row_limit))


def _write(
    store: GraphStore,
    executor: QueryExecutor,
    graph: GraphRef,
    parts: list[tuple[str | None, bytes]],
    base_iri: str,
    make_job: Callable[[GraphRef, str], UpdateJob | None],
) -> Response:
    check_writable(store, graph)
    # Relative IRIs in the body resolve against the graph's IRI.
    job = make_job(graph, read_parts(parts, base_iri))
    with store.write_lock:
        created = not exists(store, graph)
        if job is not None:
            run_update(executor, job)
    if created and graph.iri is not None:
        return Response(status_code=201, headers={"Location": graph.iri})
    return Response(status_code=204)


def _delete(store: GraphStore, executor: QueryExecutor, graph: GraphRef) -> Response:
    check_writable(store, graph)
    with store.write_lock:
        if not exists(store, graph):
            raise GraphNotFound(f"no {graph} here")
        run_update(executor, delete_update(graph))
    return Response(status_code=204)
