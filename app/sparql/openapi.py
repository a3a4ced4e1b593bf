"""OpenAPI descriptions of the SPARQL and Graph Store routes, built from the media-type table.

The routes read their parameters from the raw request (the Protocol needs repeated and
duplicate-checked parameters), so they are documented here rather than by signatures.
"""

from __future__ import annotations

from typing import Any

from app.sparql.negotiation import FORMATS, openapi_content, upload_formats

_GRAPH_PARAM = {"type": "array", "items": {"type": "string", "format": "iri"}}
_FORMAT_PARAM: dict[str, Any] = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "Response format, overriding Accept: "
    + ", ".join(f"`{f.token}` ({f.label})" for f in FORMATS),
    "schema": {"type": "string", "enum": [f.token for f in FORMATS]},
}

SPARQL_GET_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "query",
        "in": "query",
        "required": False,
        "description": "The SPARQL 1.1 query. Without it, GET returns the service description.",
        "schema": {"type": "string"},
    },
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "description": "A graph of the default graph (repeatable); overrides FROM.",
        "schema": _GRAPH_PARAM,
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "description": "A named graph of the dataset (repeatable); overrides FROM NAMED.",
        "schema": _GRAPH_PARAM,
    },
    {
        "name": "using-graph-uri",
        "in": "query",
        "required": False,
        "description": "Updates only: a graph of the WHERE clauses' default graph (repeatable).",
        "schema": _GRAPH_PARAM,
    },
    {
        "name": "using-named-graph-uri",
        "in": "query",
        "required": False,
        "description": "Updates only: a named graph for the WHERE clauses (repeatable).",
        "schema": _GRAPH_PARAM,
    },
    _FORMAT_PARAM,
]

_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "A SPARQL 1.1 query."},
        "update": {"type": "string", "description": "A SPARQL 1.1 update (owner token)."},
        "default-graph-uri": _GRAPH_PARAM,
        "named-graph-uri": _GRAPH_PARAM,
        "using-graph-uri": _GRAPH_PARAM,
        "using-named-graph-uri": _GRAPH_PARAM,
    },
}

SPARQL_POST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": _FORM_SCHEMA},
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/sparql-update": {"schema": {"type": "string"}},
    },
}

GRAPH_STORE_BODY: dict[str, Any] = {
    "required": False,
    "content": {
        **{f.media_type: {"schema": {"type": "string"}} for f in upload_formats()},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "additionalProperties": {"type": "string", "format": "binary"},
            }
        },
    },
}

GRAPH_STORE_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "graph",
        "in": "query",
        "required": False,
        "description": "The graph's IRI (indirect identification).",
        "schema": {"type": "string", "format": "iri"},
    },
    {
        "name": "default",
        "in": "query",
        "required": False,
        "description": "Present (no value): the default graph.",
        "schema": {"type": "string", "enum": [""]},
        "allowEmptyValue": True,
    },
    _FORMAT_PARAM,
]

_PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": _PROBLEM}


def query_responses() -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": "Query results (SELECT, ASK), a graph (CONSTRUCT, DESCRIBE) or the "
            "service description, in the negotiated format. `CDKG-Truncated: true` when the "
            "row cap cut the result short.",
            "content": openapi_content(("solutions", "boolean", "graph")),
        },
        400: _problem("Malformed query, refused query (SERVICE, LOAD) or bad protocol request"),
        401: _problem("The bearer token is not valid"),
        406: _problem("No available format matches Accept or format="),
        415: _problem("The body's media type or charset is not one the endpoint reads"),
        503: _problem("The query ran out of time, or too many queries are running"),
    }


def update_responses() -> dict[int | str, dict[str, Any]]:
    return {
        204: {"description": "The update was applied (in one transaction)."},
        401: _problem("No token, or a token that is not valid: updates need an owner token"),
        403: _problem("The token is not an owner's"),
    }


def graph_store_read_responses() -> dict[int | str, dict[str, Any]]:
    return {
        200: {"description": "The graph", "content": openapi_content(("graph",))},
        404: _problem("No such graph (or not one the caller may read)"),
        406: _problem("No available format matches Accept or format="),
    }


def graph_store_write_responses() -> dict[int | str, dict[str, Any]]:
    return {
        201: {"description": "The graph was created; `Location` names it."},
        204: {"description": "The graph was changed."},
        400: _problem("The body is not valid RDF in its media type"),
        401: _problem("Writes need an owner token"),
        403: _problem("The token is not an owner's"),
        404: _problem("No such graph (DELETE)"),
        409: _problem("The graph belongs to a loaded study: change the records and load them"),
        415: _problem("Not an RDF media type the store reads"),
    }
