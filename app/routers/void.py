"""`/void` and `/.well-known/void` (RFC 8615 / VoID §7): the VoID and DCAT description of the
data the caller can see, in Turtle, JSON-LD, N-Triples or RDF/XML."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.deps import SettingsDep, StoreDep
from app.linkeddata.catalog import void_document
from app.linkeddata.formats import RDF_FORMATS
from app.linkeddata.state import LinkedData, get_linked_data
from app.linkeddata.validators import conditional_response, data_version
from app.linkeddata.void import Links
from app.negotiation import VARY, choose
from app.security.access import Viewer, get_viewer
from app.sparql.scope import public_base

router = APIRouter(tags=["linked data"])

ViewerDep = Annotated[Viewer, Depends(get_viewer)]
LinkedDataDep = Annotated[LinkedData, Depends(get_linked_data)]
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "VoID and DCAT for the caller's access level",
        "content": {f.media_type: {} for f in RDF_FORMATS},
    },
    406: {"description": "None of the accepted media types is available"},
}


@router.head("/void", include_in_schema=False)
@router.get(
    "/void",
    summary="VoID and DCAT description of the data the caller can see",
    response_class=Response,
    responses=_RESPONSES,
)
def void(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    ld: LinkedDataDep,
    format: Annotated[str | None, Query(description="ttl, jsonld, nt or rdfxml")] = None,
) -> Response:
    fmt = choose(request.headers.get("accept"), format, RDF_FORMATS, "/void")
    reader = ld.reader(store, viewer.level)
    site = public_base(request, settings.public_base_url) + "/"
    body = void_document(ld, reader, Links(site, site + "void"), fmt.token)
    headers = {
        **VARY,
        **data_version(ld, reader).headers(viewer.level, "void-" + fmt.token),
    }
    return conditional_response(request, body, fmt.content_type, headers)


@router.head("/.well-known/void", include_in_schema=False)
@router.get(
    "/.well-known/void",
    summary="The well-known location of the VoID description (same as /void)",
    response_class=Response,
    responses=_RESPONSES,
)
def well_known_void(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    ld: LinkedDataDep,
    format: Annotated[str | None, Query(description="ttl, jsonld, nt or rdfxml")] = None,
) -> Response:
    return void(request, store, settings, viewer, ld, format)
