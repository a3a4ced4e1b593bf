"""The ontology at its namespace: `/ontology` (HTML documentation, or RDF by negotiation), its
files, the SHACL shapes and the JSON-LD context. The namespace IRI
`https://w3id.org/cdkg/ontology#` is redirected here by its w3id rule (docs/linked-data.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.errors import NotFound
from app.linkeddata.formats import DOCUMENT_FORMATS
from app.linkeddata.iris import SUFFIXES
from app.linkeddata.ontology_docs import (
    CONTEXT_FILE,
    SHAPES_FILE,
    cached_ontology_html,
    ontology_rdf,
    ontology_version,
)
from app.linkeddata.state import LinkedData, get_linked_data
from app.linkeddata.validators import conditional_response
from app.negotiation import HTML, by_token, choose

router = APIRouter(tags=["linked data"])

LinkedDataDep = Annotated[LinkedData, Depends(get_linked_data)]
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The ontology",
        "content": {
            "text/html": {},
            "text/turtle": {},
            "application/ld+json": {},
            "application/n-triples": {},
            "application/rdf+xml": {},
        },
    },
    406: {"description": "None of the accepted media types is available"},
}


@router.head("/ontology", include_in_schema=False)
@router.get(
    "/ontology",
    summary="The ontology: HTML documentation, or Turtle, JSON-LD, N-Triples, RDF/XML",
    response_class=Response,
    responses=_RESPONSES,
)
def ontology(
    request: Request,
    ld: LinkedDataDep,
    format: Annotated[str | None, Query(description="html, ttl, jsonld, nt or rdfxml")] = None,
) -> Response:
    fmt = choose(request.headers.get("accept"), format, DOCUMENT_FORMATS, "/ontology")
    headers = _headers(ld, fmt.token)
    headers["Vary"] = "Accept"
    headers["Content-Location"] = f"{_root(request)}/ontology/cdo{_suffix(fmt.token)}"
    return _answer(request, ld, fmt.token, headers)


@router.head("/ontology/{name}", include_in_schema=False)
@router.get(
    "/ontology/{name}",
    summary="One file of the ontology: cdo.html|ttl|jsonld|nt|rdf, shapes.ttl, context.jsonld",
    response_class=Response,
    responses={200: _RESPONSES[200], 404: {"description": "No such file"}},
)
def ontology_file(name: str, request: Request, ld: LinkedDataDep) -> Response:
    if name in (SHAPES_FILE, CONTEXT_FILE):
        media = "text/turtle; charset=utf-8" if name == SHAPES_FILE else "application/ld+json"
        body = (ld.ontology_dir / name).read_bytes()
        return conditional_response(request, body, media, _headers(ld, name))
    stem, dot, suffix = name.partition(".")
    token = SUFFIXES.get(dot + suffix)
    if stem != "cdo" or token is None:
        raise NotFound(f"no ontology file {name!r}; try cdo.ttl, shapes.ttl or context.jsonld")
    return _answer(request, ld, token, _headers(ld, token))


@router.head("/shapes", include_in_schema=False)
@router.get(
    "/shapes",
    summary="The SHACL shapes the loaders check records against (Turtle)",
    response_class=Response,
    responses={200: {"content": {"text/turtle": {}}}},
)
def shapes(request: Request, ld: LinkedDataDep) -> Response:
    return ontology_file(SHAPES_FILE, request, ld)


def _answer(request: Request, ld: LinkedData, token: str, headers: dict[str, str]) -> Response:
    fmt = by_token(token, DOCUMENT_FORMATS)
    if fmt is HTML:
        body: str | bytes = cached_ontology_html(ld)
    else:
        body = ontology_rdf(ld.ontology_dir, token)
    return conditional_response(request, body, fmt.content_type, headers)


def _headers(ld: LinkedData, variant: str) -> dict[str, str]:
    return {"ETag": f'"o{ontology_version(ld.ontology_dir)}-{variant}"'}


def _suffix(token: str) -> str:
    return next(s for s, t in SUFFIXES.items() if t == token)


def _root(request: Request) -> str:
    root: str = request.scope.get("root_path", "")
    return root
