"""How each canned query documents itself in OpenAPI: its parameters, text and media types."""

from __future__ import annotations

from typing import Any

from app.canned.header import ParameterSpec
from app.canned.registry import CannedQuery
from app.canned.render import TABLE_FORMATS

_SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
}

PAGING_PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": "Rows per page (at most the server's row limit, CDKG_ROW_LIMIT).",
        "schema": {"type": "integer", "minimum": 1, "default": 100},
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "description": "Rows to skip: the `next` link of the previous page sets it.",
        "schema": {"type": "integer", "minimum": 0, "default": 0},
    },
    {
        "name": "format",
        "in": "query",
        "required": False,
        "description": "Overrides the Accept header.",
        "schema": {"type": "string", "enum": [f.token for f in TABLE_FORMATS]},
    },
]

_PROBLEM = {"application/problem+json": {"schema": {"type": "object"}}}

PAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "title": {"type": "string"},
        "parameters": {"type": "object", "additionalProperties": {"type": "string"}},
        "columns": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "array", "items": {"type": "object"}},
        "offset": {"type": "integer"},
        "limit": {"type": "integer"},
        "truncated": {"type": "boolean", "description": "More rows follow this page."},
        "next": {"type": ["string", "null"], "description": "The next page, when truncated."},
    },
}


def parameter_document(spec: ParameterSpec) -> dict[str, Any]:
    schema = dict(_SCHEMAS[spec.type])
    if spec.enum is not None:
        schema["enum"] = list(spec.enum)
    if spec.default is not None:
        schema["default"] = spec.default
    return {
        "name": spec.name,
        "in": "query",
        "required": spec.required,
        "description": spec.description,
        "schema": schema,
    }


def operation_parameters(query: CannedQuery) -> list[dict[str, Any]]:
    return [parameter_document(p) for p in query.header.parameters] + PAGING_PARAMETERS


def operation_description(query: CannedQuery) -> str:
    header = query.header
    lines = [header.description, "", f"Example: `{header.example}`", ""]
    if header.parameters:
        lines.append("Parameters (bound as typed RDF terms, never pasted into the text):")
        for p in header.parameters:
            need = "required" if p.required else "optional, unbound means all"
            if p.default is not None:
                need = f"default {p.default_text}"
            lines.append(f"- `{p.name}` ({p.type}, {need}): {p.description}")
        lines.append("")
    lines += ["The query:", "", "```sparql", query.sparql.rstrip(), "```"]
    return "\n".join(lines)


def operation_responses() -> dict[int | str, dict[str, Any]]:
    content: dict[str, Any] = {}
    for fmt in TABLE_FORMATS:
        schema = PAGE_SCHEMA if fmt.token == "json" else {"type": "string"}
        content[fmt.media_type] = {"schema": schema}
    return {
        200: {"description": "One page of results", "content": content},
        400: {"description": "A parameter is missing or does not fit", "content": _PROBLEM},
        406: {"description": "No acceptable format", "content": _PROBLEM},
    }
