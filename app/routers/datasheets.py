"""`/datasets/{id}/datasheet`: generated documentation of how a dataset's labels came to be, as
Markdown or as Croissant RAI JSON-LD."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import Response

from app.datasheets.build import build_datasheet
from app.datasheets.render import dumps_croissant, to_markdown
from app.negotiation import JSON_LD, MARKDOWN, VARY, choose
from app.routers.paths import ProjectionDep

router = APIRouter(tags=["datasheets"])

FORMATS = (MARKDOWN, JSON_LD)
_PROBLEM: dict[str, dict[str, str]] = {"application/problem+json": {}}


@router.get(
    "/datasets/{dataset:path}/datasheet",
    summary="A dataset's datasheet",
    responses={
        200: {
            "description": "Markdown, or Croissant RAI JSON-LD (`Accept: application/ld+json` "
            "or `format=jsonld`), where each statement is a schema.org Claim citing evidence.",
            "content": {"text/markdown": {}, "application/ld+json": {}},
        },
        404: {"description": "No such dataset visible at the caller's level", "content": _PROBLEM},
        406: {"description": "Neither Markdown nor JSON-LD is acceptable", "content": _PROBLEM},
    },
)
def datasheet_route(
    projection: ProjectionDep,
    dataset: Annotated[
        str, Path(description="A dataset id (e.g. `DS1`), `dataset/DS1` or its IRI.")
    ],
    fmt: Annotated[
        str | None, Query(alias="format", description="`md` or `jsonld`; overrides Accept.")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """The taxonomy versions, documents and impositions that governed the labels
    (`rai:dataAnnotationProtocol`), the platform and tool configurations
    (`rai:dataAnnotationPlatform`), excluded categories with who decided, why and their
    fallbacks, overruled objections and residual labels (`rai:dataLimitations`), override
    statistics from the load-time summaries (`rai:dataAnnotationAnalysis`,
    `rai:annotationsPerItem`), what public records say about the annotators
    (`rai:annotatorDemographics`) and the sensitive attributes the labels encode
    (`rai:personalSensitiveInformation`); only what the caller's level may see."""
    chosen = choose(accept, fmt, FORMATS, "datasheets")
    node = projection.resolve(dataset, kind="dataset", param="dataset")
    sheet = build_datasheet(projection, node)
    text = dumps_croissant(sheet) if chosen.token == "jsonld" else to_markdown(sheet)
    return Response(text, media_type=chosen.content_type, headers=VARY)
