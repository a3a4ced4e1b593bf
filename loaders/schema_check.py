"""Check a parsed YAML/JSON record file against records.schema.json, in the researcher's words.

jsonschema reports paths into the document; this module turns each into the file, line, record
id and field it concerns and says what the field accepts (from `loaders.spec`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from loaders.documents import LineDict, LineList
from loaders.errors import RecordError
from loaders.schema_build import SCHEMA_PATH
from loaders.spec import KINDS, TOP_LEVEL, Field, Kind, expected


def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def _is_datetime(value: object) -> bool:
    return not isinstance(value, str) or bool(datetime.fromisoformat(value))


@cache
def _validator() -> Draft202012Validator:
    checker = FormatChecker(formats=())
    checker.checks("date", raises=ValueError)(_is_date)
    checker.checks("date-time", raises=ValueError)(_is_datetime)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=checker)


def describe(value: object) -> str:
    """A value as the researcher would recognise it in their file."""
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return json.dumps(shown, ensure_ascii=False)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} value"


def check_document(doc: object, file: str) -> list[RecordError]:
    """Every schema error of one parsed file (empty when it is valid)."""
    kinds = ", ".join(TOP_LEVEL[:4])
    if doc is None:
        return [
            RecordError(
                file, f"the file is empty; expected a mapping of record kinds ({kinds}, ...)"
            )
        ]
    if not isinstance(doc, LineDict):
        line = doc.line if isinstance(doc, LineList) else None
        return [
            RecordError(
                file,
                f"expected a mapping of record kinds ({kinds}, ...) at the top of the file, "
                f"found {describe(doc)}",
                line=line,
            )
        ]
    found: list[RecordError] = []
    for error in _validator().iter_errors(doc):
        for item in _translate(error, doc, file):
            if item not in found:
                found.append(item)
    return sorted(found, key=lambda e: (e.line or 0, e.record or "", e.field or ""))


class _Place:
    """Where a jsonschema error path lands: a record, maybe a field, maybe an item of it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.kind: Kind | None = None
        self.record: LineDict | None = None
        self.label: str | None = None
        self.line: int | None = None
        self.field: Field | None = None
        self.index: int | None = None

    def error(
        self, message: str, *, field: str | None = None, line: int | None = None
    ) -> RecordError:
        name = field if field is not None else (self.field.name if self.field else None)
        return RecordError(self.file, message, self.label, name, line or self.line)


def _record_label(kind: Kind, data: object, position: int, parent: str | None) -> str:
    if kind.id_field is None and parent is not None:
        return f"{parent}, {kind.noun} {position}"
    if isinstance(data, dict):
        ident = data.get(kind.id_field or "id")
        if isinstance(ident, str) and ident:
            return f"{kind.key} {ident}"
    return f"{kind.key} #{position}"


def _locate(doc: LineDict, path: Sequence[Any], file: str) -> _Place:
    place = _Place(file)
    top = str(path[0])
    kind = KINDS[top]
    place.kind = kind
    container: Any = doc
    rest: list[Any] = list(path[1:])
    place.line = doc.key_lines.get(top)
    if kind.single:
        data: Any = doc[top]
        position = 1
    else:
        if not rest:
            return place
        position = int(rest.pop(0))
        container = doc[top]
        data = container[position]
        place.line = container.item_lines[position]
        position += 1
    place.label = _record_label(kind, data, position, None)
    while True:
        place.record = data if isinstance(data, LineDict) else None
        if place.record is not None:
            place.line = place.record.line
        if not rest or place.record is None:
            return place
        name = str(rest.pop(0))
        spec = kind.by_name.get(name)
        place.field = spec
        place.line = place.record.key_lines.get(name, place.line)
        value = place.record.get(name)
        if spec is None or not rest:
            return place
        index = int(rest.pop(0))
        place.index = index
        if isinstance(value, LineList) and index < len(value.item_lines):
            place.line = value.item_lines[index]
        if spec.nested is None or not isinstance(value, LineList):
            return place
        kind = KINDS[spec.nested]
        place.kind, place.field, place.index = kind, None, None
        data = value[index]
        place.label = _record_label(kind, data, index + 1, place.label)


def _translate(error: ValidationError, doc: LineDict, file: str) -> Iterable[RecordError]:
    path = list(error.absolute_path)
    if not path:
        yield from _top_level(error, doc, file)
        return
    place = _locate(doc, path, file)
    kind = place.kind
    assert kind is not None
    if place.label is None:
        # The value under a top-level key is not a list of records.
        yield place.error(
            f"expected a list of {kind.noun} records, found {describe(error.instance)}"
        )
        return
    if place.field is None:
        yield from _record_error(error, place, kind)
        return
    yield _field_error(error, place, place.field)


def _top_level(error: ValidationError, doc: LineDict, file: str) -> Iterable[RecordError]:
    if error.validator == "additionalProperties":
        for key in doc:
            if key not in TOP_LEVEL:
                yield RecordError(
                    file,
                    f"unknown record kind {json.dumps(key)}{suggest(key, TOP_LEVEL)}; "
                    f"record kinds are: {', '.join(TOP_LEVEL)}",
                    line=doc.key_lines.get(key),
                )
    else:
        yield RecordError(file, error.message, line=doc.line)


def _record_error(error: ValidationError, place: _Place, kind: Kind) -> Iterable[RecordError]:
    record = place.record
    if record is None:
        yield place.error(
            f"expected a {kind.noun} mapping of fields, found {describe(error.instance)}"
        )
        return
    if error.validator == "required":
        condition = error.schema.get("description") if isinstance(error.schema, dict) else None
        message = str(condition) if condition else "required field is missing"
        wanted = error.validator_value if isinstance(error.validator_value, list) else []
        for name in wanted:
            if name not in record:
                yield place.error(message, field=name)
    elif error.validator == "additionalProperties":
        allowed = [f.name for f in kind.fields]
        for name in record:
            if name not in allowed:
                yield place.error(
                    f"unknown field{suggest(name, allowed)}; {kind.noun} fields are: "
                    f"{', '.join(allowed)}",
                    field=name,
                    line=record.key_lines.get(name),
                )
    else:
        yield place.error(error.message)


def _field_error(error: ValidationError, place: _Place, spec: Field) -> RecordError:
    value = error.instance
    if place.index is None and isinstance(value, list):
        if not value:
            return place.error(f"expected at least one item, each {expected(spec, item=True)}")
        for index, item in enumerate(value):
            if _item_invalid(error, index):
                lines = place.record.get(spec.name) if place.record else None
                line = lines.item_lines[index] if isinstance(lines, LineList) else None
                wanted = expected(spec, item=True)
                return place.error(
                    f"item {index + 1}: expected {wanted}, found {describe(item)}", line=line
                )
    if place.index is not None:
        return place.error(
            f"item {place.index + 1}: expected {expected(spec, item=True)}, found {describe(value)}"
        )
    return place.error(f"expected {expected(spec)}, found {describe(value)}")


def _item_invalid(error: ValidationError, index: int) -> bool:
    return any(list(sub.relative_path)[:1] == [index] for sub in error.context or ())


def suggest(name: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""
