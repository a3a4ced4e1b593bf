"""Dereferenceable IRIs: `/id/{study}/...` answers for every minted IRI, HTML or RDF.

Direct content negotiation at the resource's URL (200 with `Vary: Accept`, `Content-Location`
naming the format's own document, `Link: rel="alternate"` to every other one), not a 303 to a
per-format URL: docs/linked-data.md says why. Every answer reads the caller's graphs only, so a
resource the caller may not see is exactly as unknown (404) as one that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from app.deps import SettingsDep, StoreDep
from app.errors import ApiError, NotFound
from app.linkeddata.documents import (
    description_of,
    home_html,
    kind_html,
    resource_html,
    resource_rdf,
)
from app.linkeddata.formats import DOCUMENT_FORMATS
from app.linkeddata.iris import ID_ROOT, split_suffix
from app.linkeddata.links import Linker
from app.linkeddata.pages import Link
from app.linkeddata.related import operations, views_for
from app.linkeddata.render import stylesheet
from app.linkeddata.state import LinkedData, Reader, get_linked_data
from app.linkeddata.validators import conditional_response, data_version
from app.negotiation import HTML, VARY, NotAcceptable, by_token, choose
from app.security.access import Viewer, get_viewer
from app.sparql.scope import public_base

router = APIRouter(tags=["linked data"])

ViewerDep = Annotated[Viewer, Depends(get_viewer)]
LinkedDataDep = Annotated[LinkedData, Depends(get_linked_data)]
_DOCUMENT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The resource as HTML, Turtle, JSON-LD, N-Triples or RDF/XML",
        "content": {
            "text/html": {},
            "text/turtle": {},
            "application/ld+json": {},
            "application/n-triples": {},
            "application/rdf+xml": {},
        },
    },
    304: {"description": "The client's copy is current (If-None-Match / If-Modified-Since)"},
    404: {"description": "No resource the caller may see has this IRI"},
    406: {"description": "None of the accepted media types is available"},
}


@router.head(f"/{ID_ROOT}/", include_in_schema=False)
@router.get(
    f"/{ID_ROOT}/",
    summary="The studies published here",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}}},
)
def studies(request: Request, store: StoreDep, viewer: ViewerDep, ld: LinkedDataDep) -> Response:
    reader = ld.reader(store, viewer.level)
    linker = _linker(request, reader, f"{ID_ROOT}/")
    services = [Link("Dataset description (VoID and DCAT)", linker.void())]
    if linker.sparql():
        services.append(Link("SPARQL endpoint", linker.sparql()))
    body = home_html(ld, reader, linker, services)
    headers = {**VARY, **_version(ld, reader, "home")}
    return conditional_response(request, body, HTML.content_type, headers)


@router.head(f"/{ID_ROOT}/{{study}}/", include_in_schema=False)
@router.get(
    f"/{ID_ROOT}/{{study}}/",
    summary="A study's folder: redirects to the study's own page",
    response_class=Response,
    status_code=303,
)
def study_folder(
    study: str, request: Request, store: StoreDep, viewer: ViewerDep, ld: LinkedDataDep
) -> Response:
    reader = ld.reader(store, viewer.level)
    found = reader.iris.study_by_slug(study)
    if found is None:
        raise NotFound(f"no study {study!r} is published here")
    target = _linker(request, reader, found.folder).resource(found.iri)
    return RedirectResponse(target or "/", status_code=303)


@router.head(f"/{ID_ROOT}/{{study}}/{{rest:path}}", include_in_schema=False)
@router.get(
    f"/{ID_ROOT}/{{study}}/{{rest:path}}",
    summary="A minted IRI, or the listing of one kind of record",
    description=(
        "The resource `{base}{rest}` of the study, by content negotiation (`Accept`, or "
        "`format=html|ttl|jsonld|nt|rdfxml`, or a `.html`, `.ttl`, `.jsonld`, `.nt`, `.rdf` "
        "suffix). A bare kind (`/id/demo/imposition`) lists every record of that kind, "
        "500 a page (`page=`)."
    ),
    response_class=Response,
    responses=_DOCUMENT_RESPONSES,
)
def resource(
    study: str,
    rest: str,
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    ld: LinkedDataDep,
    format: Annotated[str | None, Query(description="html, ttl, jsonld, nt or rdfxml")] = None,
    page: Annotated[str | None, Query(description="Page of a kind listing, from 1")] = None,
) -> Response:
    reader = ld.reader(store, viewer.level)
    found = reader.iris.study_by_slug(study)
    here = f"{ID_ROOT}/{study}/{rest}"
    if found is None:
        return _not_found(request, ld, reader, here, f"no study {study!r} is published here")
    description = description_of(reader, found.base + rest)
    token: str | None = None
    if description is None:
        plain, token = split_suffix(rest)
        if token is not None:
            description = description_of(reader, found.base + plain)
            here = f"{ID_ROOT}/{study}/{plain}"
    if description is None:
        if "/" not in rest and token is None:
            listing = kind_html(
                ld, reader, found, rest, _page(page), _linker(request, reader, here)
            )
            if listing is not None:
                headers = {"Vary": "Authorization", **_version(ld, reader, "html")}
                return conditional_response(request, listing, HTML.content_type, headers)
        return _not_found(request, ld, reader, here, f"nothing is published at /{here}")
    fmt = (
        by_token(token, DOCUMENT_FORMATS)
        if token is not None
        else choose(request.headers.get("accept"), format, DOCUMENT_FORMATS, "this resource")
    )
    linker = _linker(request, reader, here)
    headers = {
        **VARY,
        "Link": _alternate_links(linker, description.iri),
        **_version(ld, reader, fmt.token),
    }
    if token is None:
        location = linker.resource_path(description.iri, fmt.token)
        if location is not None:
            headers["Content-Location"] = linker.to(location)
    if fmt is HTML:
        views = views_for(
            description.iri,
            description.types,
            operations(request.app.openapi()),
            reader.vocabulary,
            linker.root,
        )
        body: str | bytes = resource_html(ld, reader, description, linker, views)
    else:
        path = linker.resource_path(description.iri, fmt.token) or here
        document = f"{public_base(request, settings.public_base_url)}/{path}"
        body = resource_rdf(reader, description, fmt.token, document)
    return conditional_response(request, body, fmt.content_type, headers)


@router.get(
    "/resource",
    summary="Look up an IRI: redirects (303) to its page on this server",
    response_class=Response,
    status_code=303,
    responses={404: {"description": "No resource the caller may see has this IRI"}},
)
def lookup(
    request: Request,
    store: StoreDep,
    viewer: ViewerDep,
    ld: LinkedDataDep,
    iri: Annotated[str, Query(description="A minted IRI, as it appears in the data")],
) -> Response:
    reader = ld.reader(store, viewer.level)
    linker = _linker(request, reader, "resource")
    if description_of(reader, iri) is None:
        raise NotFound("no resource with that IRI is published here")
    target = linker.resource(iri)
    if target is None:
        raise NotFound("no resource with that IRI is published here")
    return RedirectResponse(target, status_code=303)


@router.get("/ld.css", include_in_schema=False)
def css() -> Response:
    return Response(
        stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
    )


def _linker(request: Request, reader: Reader, here: str) -> Linker:
    return Linker(reader.iris, here, static=False, root=request.scope.get("root_path", ""))


def _version(ld: LinkedData, reader: Reader, variant: str) -> dict[str, str]:
    return data_version(ld, reader).headers(reader.level, variant)


def _alternate_links(linker: Linker, iri: str) -> str:
    links = [
        f'<{href}>; rel="alternate"; type="{media}"' for _l, media, href in linker.alternates(iri)
    ]
    page = linker.resource_path(iri, "html")
    if page is not None:
        links.insert(0, f'<{linker.to(page)}>; rel="alternate"; type="text/html"')
    return ", ".join(links)


def _page(text: str | None) -> int:
    if text is None or not text.strip():
        return 1
    if not text.strip().isdigit() or int(text) < 1:
        raise ApiError(f"page={text!r}: expected a whole number from 1 up")
    return int(text)


def _not_found(
    request: Request, ld: LinkedData, reader: Reader, here: str, message: str
) -> Response:
    try:
        wants = choose(request.headers.get("accept"), None, DOCUMENT_FORMATS, "this page")
    except NotAcceptable:
        raise NotFound(message) from None
    if wants is HTML:
        body = ld.renderer.not_found(message, _linker(request, reader, here))
        return Response(body, status_code=404, media_type=HTML.content_type)
    raise NotFound(message)
