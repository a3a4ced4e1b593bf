"""The `#+` YAML header of a canned query file, validated into typed models.

A `.rq` file starts with comment lines `#+ key: value` that SPARQL tools ignore; together they
are a YAML mapping (title, description, parameters, tags, example). Anything wrong in it is a
`HeaderError` naming the file and the field, which stops start-up: a broken query must never
be served half-documented.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from app.canned.params import check_value, expand_iri

ParameterType = Literal["iri", "string", "date", "integer", "boolean"]
HEADER_PREFIX = "#+"
# Request parameters every canned query takes besides its own.
RESERVED_NAMES = frozenset({"limit", "offset", "format"})
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class HeaderError(ValueError):
    """A canned query file cannot be served; the message names the file and the field."""

    def __init__(self, path: Path, field: str, message: str) -> None:
        super().__init__(f"{path}: {field}: {message}")
        self.path = path
        self.field = field


Scalar = str | int | bool


class _HeaderLoader(yaml.SafeLoader):
    """Safe YAML that leaves dates as written: `2024-13-01` is then a bad date value, reported
    on its parameter, not a YAML error."""


_HeaderLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _scalar_text(value: object) -> object:
    """YAML reads `true` as a bool and `2` as an int; parameter values compare as text."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class ParameterSpec(BaseModel):
    """One parameter: a SPARQL variable of the query, bound as a typed RDF term."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="The SPARQL variable it binds (without '?').")
    type: ParameterType
    description: str = Field(min_length=1)
    required: bool = False
    default: Scalar | None = None
    enum: tuple[str, ...] | None = None

    @field_validator("name")
    @classmethod
    def _valid_name(cls, name: str) -> str:
        if not _VARIABLE_NAME.match(name):
            raise ValueError(f"{name!r} is not a SPARQL variable name (letters, digits, _)")
        if name in RESERVED_NAMES:
            raise ValueError(f"{name!r} is reserved for paging and formats")
        return name

    @field_validator("default", mode="before")
    @classmethod
    def _default_text(cls, value: object) -> object:
        return _scalar_text(value)

    @field_validator("enum", mode="before")
    @classmethod
    def _enum_text(cls, values: object) -> object:
        if isinstance(values, list):
            return [str(v).lower() if isinstance(v, bool) else _scalar_text(v) for v in values]
        return values

    @field_validator("enum", "default", mode="after")
    @classmethod
    def _expanded(cls, value: object, info: ValidationInfo) -> object:
        # Prefixed IRIs (cdo:ClientLevel) are compared with request values in full.
        if info.data.get("type") != "iri":
            return value
        if isinstance(value, tuple):
            return tuple(expand_iri(str(v)) for v in value)
        return expand_iri(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> ParameterSpec:
        if self.enum is not None:
            if not self.enum:
                raise ValueError("enum must list at least one value")
            for value in self.enum:
                problem = check_value(self.type, value)
                if problem:
                    raise ValueError(f"enum value {value!r}: {problem}")
        if self.default is not None:
            if self.required:
                raise ValueError("a required parameter cannot have a default")
            text = _raw(self.default)
            problem = check_value(self.type, text)
            if problem:
                raise ValueError(f"default {text!r}: {problem}")
            if self.enum is not None and text not in self.enum:
                raise ValueError(f"default {text!r} is not one of the enum values")
        return self

    @property
    def default_text(self) -> str | None:
        return None if self.default is None else _raw(self.default)


class QueryHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    parameters: tuple[ParameterSpec, ...] = ()
    tags: tuple[str, ...] = ()
    example: str = Field(min_length=1, description="An example call: /queries/<name>?...")

    @field_validator("parameters")
    @classmethod
    def _unique_names(cls, specs: tuple[ParameterSpec, ...]) -> tuple[ParameterSpec, ...]:
        seen: set[str] = set()
        for spec in specs:
            if spec.name in seen:
                raise ValueError(f"parameter {spec.name!r} is declared twice")
            seen.add(spec.name)
        return specs


def _raw(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def split_header(text: str) -> tuple[str, int]:
    """The YAML text of the leading `#+` lines, and how many lines it spans."""
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith(HEADER_PREFIX):
            break
        body = line[len(HEADER_PREFIX) :]
        lines.append(body[1:] if body.startswith(" ") else body)
    return "\n".join(lines), len(lines)


def parse_header(path: Path, text: str) -> QueryHeader:
    """The validated header of the query file `path` whose content is `text`."""
    source, count = split_header(text)
    if count == 0:
        raise HeaderError(path, "header", f"the file must start with '{HEADER_PREFIX}' YAML lines")
    try:
        data = yaml.load(source, Loader=_HeaderLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (header line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise HeaderError(path, "header", f"not valid YAML{where}: {problem}") from None
    except ValueError as exc:  # a scalar YAML could not convert
        raise HeaderError(path, "header", f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise HeaderError(path, "header", "must be a YAML mapping (title:, description:, ...)")
    try:
        return QueryHeader.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise HeaderError(path, _field_path(error["loc"]), error["msg"]) from None


def _field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "header"
