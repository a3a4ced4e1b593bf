"""`/analytics/authority`: per-actor power figures, decision levels per company, reporting
distances between proposers and deciders; JSON, or one of the tables as CSV."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse, Response

from app.analytics.authority import ACTOR_COLUMNS, authority
from app.negotiation import CSV, JSON, VARY, choose
from app.routers.paths import ProjectionDep

router = APIRouter(tags=["analytics"])

FORMATS = (JSON, CSV)
_PROBLEM: dict[str, dict[str, str]] = {"application/problem+json": {}}
Table = Literal["actors", "decision_levels", "reporting_distances"]
COLUMNS: dict[str, tuple[str, ...]] = {
    "actors": ACTOR_COLUMNS,
    "decision_levels": (
        "company",
        "label",
        "decision_level",
        "accepted",
        "excluded",
        "decisions",
    ),
    "reporting_distances": (
        "proposal",
        "proposal_label",
        "outcome",
        "decision_level",
        "proposer",
        "proposer_label",
        "decider",
        "decider_label",
        "reporting_distance",
    ),
}


@router.get(
    "/analytics/authority",
    summary="Who holds authority over categories",
    responses={
        200: {
            "description": "Every figure as JSON, or one table (`table=`) as CSV.",
            "content": {"application/json": {}, "text/csv": {}},
        },
        400: {"description": "A malformed parameter", "content": _PROBLEM},
        406: {"description": "Neither JSON nor CSV is acceptable", "content": _PROBLEM},
    },
)
def authority_route(
    projection: ProjectionDep,
    table: Annotated[Table, Query(description="The table a CSV answer holds.")] = "actors",
    fmt: Annotated[
        str | None, Query(alias="format", description="`json` or `csv`; overrides Accept.")
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Per actor (person or organisation): impositions made, relayed (made while relaying
    another) and received; exclusions decided; overrides made (as reviewer) and suffered (of
    their own acts, from the load-time summaries); objections raised, raised and overruled,
    and overruled by them; betweenness and PageRank in the imposer -> imposed-on network.
    Also the decision levels of proposal decisions per annotation company, and the number of
    org:reportsTo steps from each proposer up to the decider (null when the decider is not
    above the proposer). Only records the caller's level may see are counted."""
    chosen = choose(accept, fmt, FORMATS, "/analytics/authority")
    figures = authority(projection)
    if chosen.token == "csv":
        return Response(
            _csv(figures.to_json()[table], table), media_type=chosen.content_type, headers=VARY
        )
    body = {"level": projection.level.slug, "generation": projection.generation}
    return JSONResponse(body | figures.to_json(), media_type=chosen.content_type, headers=VARY)


def _csv(rows: list[dict[str, Any]], table: str) -> str:
    flat = [_flatten(row) for row in rows]
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=COLUMNS[table], lineterminator="\r\n", extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(flat)
    return out.getvalue()


def _flatten(row: dict[str, Any]) -> dict[str, Any]:
    """Nested node summaries become `<key>` (the IRI) and `<key>_label` columns."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat[key] = value.get("iri", "")
            flat[f"{key}_label"] = value.get("label", "")
        else:
            flat[key] = "" if value is None else value
    return flat
