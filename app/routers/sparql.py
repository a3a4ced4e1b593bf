"""`/sparql`: the SPARQL 1.1 Protocol (query, update, service description).

Thin: `app.sparql.protocol` decides what the request asks for and builds the job; the executor
on `app.state` runs it; the answer is sent whole or streamed. Errors are raised, and
`app.errors` maps them. A query is answered without leaving the event loop (the worker process
is awaited there): hand-offs to threads used to be most of what a point lookup cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.deps import StoreDep, app_settings, app_store
from app.negotiation import VARY, content_type_of
from app.security.access import Viewer, check_owner, get_viewer, readable_graphs
from app.settings import Settings
from app.sparql.execution import QueryExecutor, QueryOutput
from app.sparql.negotiation import negotiate
from app.sparql.openapi import (
    SPARQL_GET_PARAMETERS,
    SPARQL_POST_BODY,
    query_responses,
    update_responses,
)
from app.sparql.protocol import (
    DescribeService,
    QueryOperation,
    UpdateOperation,
    operation_from_get,
    operation_from_post,
    plan_query,
    plan_update,
)
from app.sparql.running import run_query_async, run_update
from app.sparql.scope import endpoint_url, restriction_for
from app.sparql.service_description import describe, render
from app.sparql.workers import InProcessExecutor
from app.store.base import GraphStore

router = APIRouter(tags=["sparql"])

ViewerDep = Annotated[Viewer, Depends(get_viewer)]
TRUNCATED_HEADER = "CDKG-Truncated"
# Query texts up to this length are planned on the event loop (about 0.5 ms at most).
PLAN_INLINE_CHARS = 16 * 1024


async def current_executor(request: Request, store: StoreDep) -> QueryExecutor:
    """The app's executor; an in-process one when the app runs without (tests, tools).

    `async` only so that FastAPI calls it on the event loop instead of a thread: it blocks on
    nothing."""
    return _executor_of(request, store)


ExecutorDep = Annotated[QueryExecutor, Depends(current_executor)]


@dataclass(frozen=True)
class Caller:
    """Who asks, and what serves them."""

    viewer: Viewer
    store: GraphStore
    settings: Settings
    executor: QueryExecutor


def _caller(request: Request, viewer: Viewer) -> Caller:
    # FastAPI spends several microseconds a request on each dependency, so the routes take
    # only the viewer (which tests override) as one and read the store, settings and executor
    # from `app.state` here.
    store = app_store(request)
    return Caller(viewer, store, app_settings(request), _executor_of(request, store))


def _executor_of(request: Request, store: GraphStore) -> QueryExecutor:
    executor: QueryExecutor | None = getattr(request.app.state, "executor", None)
    return executor if executor is not None else InProcessExecutor(store)


@router.get(
    "/sparql",
    summary="SPARQL query by GET, or the service description",
    description=(
        "With `query=`: run a SPARQL 1.1 query (SPARQL 1.1 Protocol §2.1.1). Without: the "
        "SPARQL 1.1 Service Description of this endpoint, as RDF."
    ),
    responses=query_responses(),
    response_class=Response,
    openapi_extra={"parameters": SPARQL_GET_PARAMETERS},
)
async def sparql_get(request: Request, viewer: ViewerDep) -> Response:
    caller = _caller(request, viewer)
    params = request.query_params.multi_items()
    operation = operation_from_get(params)
    if isinstance(operation, DescribeService):
        return await run_in_threadpool(
            _service_description,
            request,
            caller.store,
            caller.viewer,
            caller.settings.public_base_url,
        )
    return await _query(request, operation, caller)


@router.post(
    "/sparql",
    summary="SPARQL query or update by POST",
    description=(
        "A query (form field `query`, or an `application/sparql-query` body) or an update "
        "(form field `update`, or an `application/sparql-update` body; needs an owner token). "
        "SPARQL 1.1 Protocol §2.1.2, §2.1.3, §2.2."
    ),
    responses={**query_responses(), **update_responses()},
    response_class=Response,
    openapi_extra={"parameters": SPARQL_GET_PARAMETERS, "requestBody": SPARQL_POST_BODY},
)
async def sparql_post(request: Request, viewer: ViewerDep) -> Response:
    caller = _caller(request, viewer)
    body = await request.body()
    operation = operation_from_post(
        request.headers.get("content-type"), body, request.query_params.multi_items()
    )
    if isinstance(operation, UpdateOperation):
        check_owner(caller.viewer)
        job = plan_update(
            operation, base_iri=endpoint_url(request, caller.settings.public_base_url)
        )
        await run_in_threadpool(run_update, caller.executor, job)
        return Response(status_code=204)
    return await _query(request, operation, caller)


async def _query(request: Request, operation: QueryOperation, caller: Caller) -> Response:
    viewer, store, settings = caller.viewer, caller.store, caller.settings
    plan = partial(
        plan_query,
        operation,
        restrict=restriction_for(viewer, store),
        accept=request.headers.get("accept"),
        formats=request.query_params.getlist("format"),
        base_iri=endpoint_url(request, settings.public_base_url),
        row_limit=settings.row_limit if viewer.role == "anonymous" else None,
    )
    # Planning screens and scans the text and reads the catalogue only when its generation has
    # moved: microseconds for any usual query, so it runs on the event loop unless the text is
    # long enough to hold the loop up noticeably.
    job = plan() if len(operation.query) <= PLAN_INLINE_CHARS else await run_in_threadpool(plan)
    return stream(await run_query_async(caller.executor, job))


def stream(output: QueryOutput) -> Response:
    """The response for a query's output: sent whole when it is already in memory (one write,
    with a Content-Length), else streamed from the executor's spool."""
    headers = dict(VARY)
    if output.truncated:
        headers[TRUNCATED_HEADER] = "true"
    media_type = content_type_of(output.media_type)
    if output.body is not None:
        return Response(output.body, media_type=media_type, headers=headers)
    return StreamingResponse(output.chunks, media_type=media_type, headers=headers)


def _service_description(
    request: Request, store: GraphStore, viewer: Viewer, public_base_url: str | None
) -> Response:
    media = negotiate(
        "graph", request.headers.get("accept"), request.query_params.getlist("format")
    )
    graphs = store.graph_names() if viewer.is_owner else list(readable_graphs(viewer, store))
    triples = describe(
        endpoint_url(request, public_base_url),
        sorted(graphs),
        union_default_graph=not viewer.is_owner,
    )
    return Response(
        render(triples, media.media_type),
        media_type=media.content_type,
        headers=VARY,
    )
