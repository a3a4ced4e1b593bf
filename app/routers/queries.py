"""`/queries`: the canned research queries, one documented operation each.

`build_router(registry)` registers the routes from the registry when the app is built, so each
query is its own OpenAPI operation showing its text and typed parameters. The viewer's dataset
is restricted exactly as on `/sparql`: a canned query reads the catalogued graphs of the
caller's access level, their union as the default graph.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app.canned.header import RESERVED_NAMES
from app.canned.html import HtmlRenderer, PageLinks
from app.canned.openapi import operation_description, operation_parameters, operation_responses
from app.canned.params import ParameterError, bind
from app.canned.registry import CannedQuery, QueryRegistry
from app.canned.render import TABLE_FORMATS, dumps_json, render_csv, render_json
from app.canned.results import DEFAULT_LIMIT, Page, run_page
from app.deps import SettingsDep, StoreDep
from app.negotiation import VARY, choose
from app.security.access import Viewer, get_viewer, restrict_dataset

ViewerDep = Annotated[Viewer, Depends(get_viewer)]
TRUNCATED_HEADER = "CDKG-Truncated"
TAG = "canned queries"
_DIGITS = re.compile(r"^[0-9]{1,12}$")


def build_router(registry: QueryRegistry, html: HtmlRenderer | None = None) -> APIRouter:
    """The `/queries` routes for every query of `registry`."""
    renderer = html or HtmlRenderer()
    router = APIRouter(tags=[TAG])
    router.add_api_route(
        "/queries",
        partial(list_queries, registry, renderer),
        methods=["GET"],
        name="canned_index",
        summary="The canned research queries: titles, descriptions, parameters",
        response_model=None,
        responses={
            200: {
                "description": "The index",
                "content": {"application/json": {}, "text/html": {}},
            }
        },
    )
    for query in registry:
        router.add_api_route(
            query.path_template,
            partial(answer_query, query, renderer),
            methods=["GET"],
            name=f"canned_{query.name}",
            operation_id=f"canned_{query.name.replace('-', '_')}",
            summary=query.header.title,
            description=operation_description(query),
            response_model=None,
            responses=operation_responses(),
            openapi_extra={"parameters": operation_parameters(query)},
        )
    return router


def list_queries(registry: QueryRegistry, renderer: HtmlRenderer, request: Request) -> Response:
    accept, token = request.headers.get("accept"), request.query_params.get("format")
    fmt = choose(accept, token, TABLE_FORMATS, "canned queries")
    if fmt.token == "html":
        return Response(renderer.index(registry), media_type=fmt.content_type)
    if fmt.token == "csv":
        fmt = TABLE_FORMATS[0]
    body = [index_entry(query) for query in registry]
    return Response(dumps_json({"queries": body}), media_type=fmt.content_type, headers=VARY)


def answer_query(
    query: CannedQuery,
    renderer: HtmlRenderer,
    request: Request,
    viewer: ViewerDep,
    store: StoreDep,
    settings: SettingsDep,
) -> Response:
    params = request.query_params
    fmt = choose(
        request.headers.get("accept"), params.get("format"), TABLE_FORMATS, "canned queries"
    )
    given: dict[str, list[str]] = {}
    for name, value in params.multi_items():
        given.setdefault(name, []).append(value)
    binding = bind(query.header.parameters, given, reserved=RESERVED_NAMES)
    limit = min(_whole(params.get("limit"), "limit", DEFAULT_LIMIT, 1), settings.row_limit)
    offset = _whole(params.get("offset"), "offset", 0, 0)
    dataset = restrict_dataset(viewer, None, store)
    page = run_page(
        store,
        query,
        binding,
        dataset,
        offset=offset,
        limit=limit,
        executor=request.app.state.executor,
    )
    next_url = _page_url(request, page.next_offset, limit)
    headers = dict(VARY)
    if page.truncated and next_url is not None:
        headers[TRUNCATED_HEADER] = "true"
        headers["Link"] = f'<{next_url}>; rel="next"'
    if fmt.token == "csv":
        return Response(render_csv(page), media_type=fmt.content_type, headers=headers)
    if fmt.token == "html":
        links = _links(request, page)
        body = renderer.result(query, binding, page, links)
        return Response(body, media_type=fmt.content_type, headers=headers)
    return Response(
        render_json(query, binding, page, next_url), media_type=fmt.content_type, headers=headers
    )


def index_entry(query: CannedQuery) -> dict[str, object]:
    header = query.header
    return {
        "name": query.name,
        "title": header.title,
        "description": header.description,
        "path": query.path_template,
        "tags": list(header.tags),
        "example": header.example,
        "parameters": [p.model_dump(exclude_none=False) for p in header.parameters],
    }


def _whole(text: str | None, name: str, default: int, minimum: int) -> int:
    if text is None or not text.strip():
        return default
    value = text.strip()
    if not _DIGITS.match(value) or int(value) < minimum:
        raise ParameterError(
            f"parameter {name!r}: {text!r} is not valid; expected a whole number from {minimum} up"
        )
    return int(value)


def _page_url(request: Request, offset: int | None, limit: int) -> str | None:
    if offset is None:
        return None
    return str(request.url.include_query_params(offset=offset, limit=limit))


def _links(request: Request, page: Page) -> PageLinks:
    previous = None
    if page.offset > 0 and page.limit is not None:
        previous = str(request.url.include_query_params(offset=max(page.offset - page.limit, 0)))
    return PageLinks(
        json=str(request.url.include_query_params(format="json")),
        csv=str(request.url.include_query_params(format="csv")),
        previous=previous,
        next=_page_url(request, page.next_offset, page.limit or DEFAULT_LIMIT),
    )
