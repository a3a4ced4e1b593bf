"""Build the published JSON Schema of record files from `loaders.spec`.

`python -m loaders.schema_build` rewrites loaders/schema/records.schema.json; a test fails when
the committed file and the spec disagree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loaders.spec import (
    BASE_PATTERN,
    COUNTRY_PATTERN,
    DATE_PATTERN,
    DATETIME_PATTERN,
    ID_PATTERN,
    IRI_PATTERN,
    KINDS,
    TOP_LEVEL,
    Conditional,
    Field,
    FieldType,
    Kind,
    expected,
)
from loaders.vocab import VALUE_SETS

SCHEMA_PATH = Path(__file__).parent / "schema" / "records.schema.json"
SCHEMA_ID = "https://w3id.org/cdkg/schema/records.schema.json"

_SCALARS: dict[FieldType, dict[str, Any]] = {
    FieldType.ID: {"$ref": "#/$defs/id"},
    FieldType.TEXT: {"type": "string", "minLength": 1},
    FieldType.DATE: {"$ref": "#/$defs/date"},
    FieldType.DATETIME: {"$ref": "#/$defs/dateTime"},
    FieldType.BOOL: {"type": "boolean"},
    FieldType.IRI: {"$ref": "#/$defs/iri"},
    FieldType.BASE: {"$ref": "#/$defs/base"},
    FieldType.COUNTRY: {"$ref": "#/$defs/country"},
    FieldType.REF: {"$ref": "#/$defs/id"},
}


def _field_schema(spec: Field) -> dict[str, Any]:
    if spec.type is FieldType.NESTED:
        return {
            "description": expected(spec),
            "type": "array",
            "items": {"$ref": f"#/$defs/{spec.nested}"},
        }
    if spec.type is FieldType.ENUM:
        one: dict[str, Any] = {"$ref": f"#/$defs/{spec.values}"}
    else:
        one = dict(_SCALARS[spec.type])
    if spec.many:
        listed: dict[str, Any] = {"type": "array", "items": one}
        if spec.required:
            listed["minItems"] = 1
        return {"description": expected(spec), "anyOf": [one, listed]}
    return {"description": expected(spec), **one}


def _conditional(cond: Conditional) -> dict[str, Any]:
    test: dict[str, Any] = {"enum": list(cond.values)}
    return {
        "if": {
            "properties": {cond.field: {"not": test} if cond.negate else test},
            "required": [cond.field],
        },
        "then": {"description": f"required {cond.text}", "required": list(cond.requires)},
    }


def _kind_schema(kind: Kind) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "title": kind.noun,
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in kind.fields if f.required],
        "properties": {f.name: _field_schema(f) for f in kind.fields},
    }
    if kind.conditionals:
        schema["allOf"] = [_conditional(c) for c in kind.conditionals]
    return schema


def build_schema() -> dict[str, Any]:
    defs: dict[str, Any] = {
        "id": {"type": "string", "pattern": ID_PATTERN},
        "date": {"type": "string", "pattern": DATE_PATTERN, "format": "date"},
        "dateTime": {"type": "string", "pattern": DATETIME_PATTERN, "format": "date-time"},
        "iri": {"type": "string", "pattern": IRI_PATTERN},
        "base": {"type": "string", "pattern": BASE_PATTERN},
        "country": {"type": "string", "pattern": COUNTRY_PATTERN},
    }
    defs.update({vs.name: {"enum": list(vs.values)} for vs in VALUE_SETS.values()})
    defs.update({kind.key: _kind_schema(kind) for kind in KINDS.values()})
    properties: dict[str, Any] = {}
    for key in TOP_LEVEL:
        if KINDS[key].single:
            properties[key] = {"$ref": f"#/$defs/{key}"}
        else:
            properties[key] = {"type": "array", "items": {"$ref": f"#/$defs/{key}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "cdkg study records",
        "description": (
            "One file of a study: any subset of the record kinds. Exactly one file of a study "
            "holds `study`. See docs/records.md."
        ),
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "$defs": defs,
    }


def render() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.parent.mkdir(exist_ok=True)
    SCHEMA_PATH.write_text(render(), encoding="utf-8")
