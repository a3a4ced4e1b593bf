"""Request values -> typed RDF terms, bound to the query's variables by the engine.

Values are never pasted into the query text: each becomes a `NamedNode` or a `Literal` with its
XSD datatype and is handed to pyoxigraph as a substitution (SEP-0007), so quotes, braces,
angle brackets or `#` in a value are data, never syntax. A value that does not fit its type is a
`ParameterError` naming the parameter and the expected type (a 400 over HTTP).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Variable

from app.errors import ApiError

if TYPE_CHECKING:
    from app.canned.header import ParameterSpec

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

# Prefixed names a caller may write instead of a full IRI (`cdo:EmailMedium`).
PREFIXES = {
    "cdo": "https://w3id.org/cdkg/ontology#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dpv": "https://w3id.org/dpv#",
}

EXPECTED = {
    "iri": "an absolute IRI, e.g. https://w3id.org/cdkg/demo/person/P07 or cdo:EmailMedium",
    "string": "a text",
    "date": "a date written YYYY-MM-DD",
    "integer": "a whole number",
    "boolean": "true or false",
}

Term = NamedNode | Literal


class ParameterError(ApiError):
    """A request value does not fit its parameter."""

    title = "Bad parameter"
    slug = "bad-parameter"


@dataclass(frozen=True)
class Binding:
    """The parameters of one call: terms for the engine, and the values as the caller sees them."""

    terms: dict[Variable, Term]
    values: dict[str, str]


def expand_iri(text: str) -> str:
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


def to_term(kind: str, text: str) -> Term:
    """The RDF term `text` stands for as a `kind` value; ValueError when it does not fit."""
    if kind == "iri":
        iri = expand_iri(text)
        if not _SCHEME.match(iri):
            raise ValueError("it has no scheme")
        return NamedNode(iri)
    if kind == "string":
        return Literal(text)
    if kind == "date":
        if not _DATE.match(text):
            raise ValueError("not YYYY-MM-DD")
        dt.date.fromisoformat(text)
        return Literal(text, datatype=NamedNode(XSD + "date"))
    if kind == "integer":
        if not _INTEGER.match(text):
            raise ValueError("not a whole number")
        return Literal(str(int(text)), datatype=NamedNode(XSD + "integer"))
    if kind == "boolean":
        flag = _BOOLEANS.get(text.strip().lower())
        if flag is None:
            raise ValueError("not true or false")
        return Literal(flag)
    raise ValueError(f"unknown parameter type {kind!r}")


def check_value(kind: str, text: str) -> str | None:
    """What is wrong with `text` as a `kind` value, or None."""
    try:
        to_term(kind, text)
    except ValueError:
        return f"expected {EXPECTED.get(kind, kind)}"
    return None


def canonical(spec: ParameterSpec, text: str) -> str:
    """How a value is shown back (and compared with enum values): IRIs expanded."""
    return expand_iri(text) if spec.type == "iri" else text


def parse_value(spec: ParameterSpec, text: str) -> Term:
    """The term for a request value of `spec`; ParameterError naming it when it does not fit."""
    try:
        term = to_term(spec.type, text)
    except ValueError:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise ParameterError(
            f"parameter {spec.name!r}: {shown!r} is not valid; expected {EXPECTED[spec.type]}"
        ) from None
    if spec.enum is not None and canonical(spec, text) not in spec.enum:
        raise ParameterError(
            f"parameter {spec.name!r}: {text!r} is not allowed; use one of: {', '.join(spec.enum)}"
        )
    return term


def bind(
    specs: Sequence[ParameterSpec],
    given: Mapping[str, Sequence[str]],
    *,
    reserved: frozenset[str] = frozenset(),
) -> Binding:
    """Bind the values of one call. `given` maps names to every value sent under that name.

    An empty value counts as not given (HTML forms send every field); a parameter not given
    takes its default, else stays unbound, which the queries read as "all".
    """
    known = {spec.name: spec for spec in specs}
    unknown = sorted(name for name in given if name not in known and name not in reserved)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise ParameterError(
            f"unknown parameter {unknown[0]!r}; this query takes: {allowed} "
            "(plus limit, offset, format)"
        )
    terms: dict[Variable, Term] = {}
    values: dict[str, str] = {}
    for spec in specs:
        sent = [v for v in given.get(spec.name, ()) if v.strip()]
        if len(sent) > 1:
            raise ParameterError(f"parameter {spec.name!r} is given {len(sent)} times; give one")
        # Spaces around a typed value are a copy-paste slip; in a text they may be the data.
        if sent:
            text: str | None = sent[0] if spec.type == "string" else sent[0].strip()
        else:
            text = spec.default_text
        if text is None:
            if spec.required:
                raise ParameterError(
                    f"parameter {spec.name!r} is required ({EXPECTED[spec.type]}): "
                    f"{spec.description}"
                )
            continue
        terms[Variable(spec.name)] = parse_value(spec, text)
        values[spec.name] = canonical(spec, text)
    return Binding(terms, values)
