"""Path questions over the decision layer: how two nodes connect, the relay chain of an
imposition, why a label is in a dataset. JSON, or an SVG picture of the same subgraph."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.responses import JSONResponse, Response

from app.deps import SettingsDep, StoreDep
from app.negotiation import JSON, SVG, VARY, MediaFormat, choose
from app.paths.cache import get_projection
from app.paths.chain import relay_chain
from app.paths.connect import MAX_LENGTH, MAX_PATHS, connect
from app.paths.explain import explain
from app.paths.model import Subgraph
from app.paths.projection import Projection
from app.paths.svg import render_svg
from app.security.access import Viewer, get_viewer

router = APIRouter(tags=["paths"])

FORMATS = (JSON, SVG)
_PROBLEM: dict[str, dict[str, str]] = {"application/problem+json": {}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The answer as JSON (nodes, edges with labels and evidence ids), or a "
        "picture of its subgraph with `Accept: image/svg+xml` or `format=svg`.",
        "content": {"application/json": {}, "image/svg+xml": {}},
    },
    400: {"description": "A malformed parameter or node name", "content": _PROBLEM},
    404: {"description": "No such node visible at the caller's level", "content": _PROBLEM},
    406: {"description": "Neither JSON nor SVG is acceptable", "content": _PROBLEM},
}

ViewerDep = Annotated[Viewer, Depends(get_viewer)]
FormatParam = Annotated[
    str | None, Query(alias="format", description="`json` or `svg`; overrides Accept.")
]
AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]
NODE_HELP = "A full IRI, or kind/id as in the records (e.g. `person/P07`, `org/C1`)."


def viewer_projection(store: StoreDep, settings: SettingsDep, viewer: ViewerDep) -> Projection:
    """The projection of what the caller may see, current with the store."""
    return get_projection(store, viewer.level, settings.ontology_dir / "cdo.ttl")


ProjectionDep = Annotated[Projection, Depends(viewer_projection)]


@router.get("/paths/connect", responses=RESPONSES, summary="How two nodes are connected")
def connect_route(
    projection: ProjectionDep,
    source: Annotated[str, Query(alias="from", description=NODE_HELP)],
    target: Annotated[str, Query(alias="to", description=NODE_HELP)],
    max_length: Annotated[
        int, Query(ge=1, le=MAX_LENGTH, description="Longest path, in edges.")
    ] = 4,
    limit: Annotated[int, Query(ge=1, le=MAX_PATHS, description="Most paths returned.")] = 20,
    fmt: FormatParam = None,
    accept: AcceptHeader = None,
) -> Response:
    """Simple paths between two nodes of the decision layer, shortest first, found without
    regard to edge direction; each edge reports its direction, predicate, label and evidence.
    `truncated` says that more paths exist within the bound than `limit`."""
    chosen = choose(accept, fmt, FORMATS, "/paths/connect")
    start = projection.resolve(source, param="from")
    end = projection.resolve(target, param="to")
    found = connect(projection, start, end, max_length, limit)
    title = f"Paths from {start.label} to {end.label}"
    return _respond(chosen, projection, found.to_json(projection), found.subgraph, title)


@router.get("/paths/chain/{imposition:path}", responses=RESPONSES, summary="Relay chain")
def chain_route(
    projection: ProjectionDep,
    imposition: Annotated[
        str, Path(description="An imposition id (e.g. `IM16`), `imposition/IM16` or its IRI.")
    ],
    fmt: FormatParam = None,
    accept: AcceptHeader = None,
) -> Response:
    """The relay chain an imposition belongs to: from the root imposition and its imposer down
    through `cdo:relays` to every imposition relaying it, in date order with media, documents
    and evidence, and the agents it finally reached."""
    chosen = choose(accept, fmt, FORMATS, "/paths/chain")
    node = projection.resolve(imposition, kind="imposition", param="imposition")
    found = relay_chain(projection, node)
    title = f"Relay chain of {node.label}"
    return _respond(chosen, projection, found.to_json(projection), found.subgraph, title)


@router.get("/explain/{category:path}", responses=RESPONSES, summary="Why a label is there")
def explain_route(
    projection: ProjectionDep,
    category: Annotated[
        str, Path(description="A category id (e.g. `c-pet`), `category/c-pet` or its IRI.")
    ],
    dataset: Annotated[
        str | None, Query(description="Only the project of this dataset (id, kind/id or IRI).")
    ] = None,
    fmt: FormatParam = None,
    accept: AcceptHeader = None,
) -> Response:
    """Why a label is in a dataset: the project's client, the impositions (and their
    documents) that made the category, a version containing it or a rule about it binding,
    the annotators who applied it with counts, and the overrides, version changes and
    exclusions that moved labels to or from it."""
    chosen = choose(accept, fmt, FORMATS, "/explain")
    node = projection.resolve(category, kind="category", param="category")
    scope = projection.resolve(dataset, kind="dataset", param="dataset") if dataset else None
    found = explain(projection, node, scope)
    title = f"Why {node.label}" + (f" is in {scope.label}" if scope else "")
    return _respond(chosen, projection, found.to_json(projection), found.subgraph, title)


def _respond(
    chosen: MediaFormat,
    projection: Projection,
    body: dict[str, Any],
    subgraph: Subgraph,
    title: str,
) -> Response:
    if chosen.token == "svg":
        return Response(render_svg(subgraph, title), media_type=chosen.content_type, headers=VARY)
    body = {"level": projection.level.slug, "generation": projection.generation, **body}
    return JSONResponse(body, media_type=chosen.content_type, headers=VARY)
