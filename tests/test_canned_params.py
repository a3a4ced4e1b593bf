"""Request values -> typed RDF terms: what each parameter type accepts and how it refuses."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Variable

from app.canned.header import ParameterSpec
from app.canned.params import ParameterError, bind, parse_value

XSD = "http://www.w3.org/2001/XMLSchema#"


def spec(kind: str, **extra: object) -> ParameterSpec:
    return ParameterSpec.model_validate(
        {"name": "p", "type": kind, "description": "A parameter.", **extra}
    )


@pytest.mark.parametrize(
    ("kind", "text", "term"),
    [
        ("iri", "https://example.org/x/1", NamedNode("https://example.org/x/1")),
        ("iri", "urn:isbn:0451450523", NamedNode("urn:isbn:0451450523")),
        (
            "iri",
            "cdo:EmailMedium",
            NamedNode("https://w3id.org/cdkg/ontology#EmailMedium"),
        ),
        ("string", 'say "hi" {} <> #\n', Literal('say "hi" {} <> #\n')),
        ("date", "2024-02-29", Literal("2024-02-29", datatype=NamedNode(XSD + "date"))),
        ("integer", "+7", Literal("7", datatype=NamedNode(XSD + "integer"))),
        ("integer", "-12", Literal("-12", datatype=NamedNode(XSD + "integer"))),
        ("boolean", "true", Literal(True)),
        ("boolean", "0", Literal(False)),
        ("boolean", "FALSE", Literal(False)),
    ],
)
def test_values_become_typed_terms(kind: str, text: str, term: NamedNode | Literal) -> None:
    assert parse_value(spec(kind), text) == term


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("iri", "no scheme here", "absolute IRI"),
        ("iri", "relative/path", "absolute IRI"),
        ("iri", "https://example.org/a b", "absolute IRI"),
        ("iri", 'https://example.org/"x"', "absolute IRI"),
        ("iri", "https://example.org/<x>", "absolute IRI"),
        ("iri", "https://example.org/{x}", "absolute IRI"),
        ("date", "2024-02-30", "YYYY-MM-DD"),
        ("date", "2024-2-3", "YYYY-MM-DD"),
        ("date", "2024-02-03T10:00:00", "YYYY-MM-DD"),
        ("integer", "1.5", "whole number"),
        ("integer", "1e3", "whole number"),
        ("integer", "\u0661\u0662", "whole number"),
        ("boolean", "yes", "true or false"),
    ],
)
def test_bad_values_name_the_parameter_and_type(kind: str, text: str, expected: str) -> None:
    with pytest.raises(ParameterError) as caught:
        parse_value(spec(kind), text)
    assert caught.value.status == 400
    assert caught.value.detail.startswith("parameter 'p': ")
    assert expected in caught.value.detail


def test_enum_values() -> None:
    level = spec("iri", enum=["cdo:ClientLevel", "cdo:QALevel"])
    assert parse_value(level, "cdo:QALevel") == NamedNode("https://w3id.org/cdkg/ontology#QALevel")
    full = "https://w3id.org/cdkg/ontology#ClientLevel"
    assert parse_value(level, full) == NamedNode(full)
    with pytest.raises(ParameterError, match="use one of"):
        parse_value(level, "cdo:TeamLeadLevel")


def test_binding_defaults_and_unbound_parameters() -> None:
    specs = [
        spec("iri").model_copy(update={"name": "who"}),
        spec("integer", default=2).model_copy(update={"name": "least"}),
    ]
    bound = bind(specs, {})
    assert bound.terms == {Variable("least"): Literal(2)}
    assert bound.values == {"least": "2"}
    given = bind(specs, {"who": ["https://example.org/p"], "least": ["5"]})
    assert given.terms == {
        Variable("who"): NamedNode("https://example.org/p"),
        Variable("least"): Literal(5),
    }


def test_binding_refuses_what_it_cannot_place() -> None:
    required = [spec("iri", required=True)]
    with pytest.raises(ParameterError, match="'p' is required"):
        bind(required, {})
    with pytest.raises(ParameterError, match="'p' is required"):
        bind(required, {"p": ["  "]})
    with pytest.raises(ParameterError, match="given 2 times"):
        bind(required, {"p": ["urn:a", "urn:b"]})
    with pytest.raises(ParameterError, match="unknown parameter 'q'; this query takes: p"):
        bind(required, {"p": ["urn:a"], "q": ["x"]})
    assert bind(required, {"p": ["urn:a"], "limit": ["5"]}, reserved=frozenset({"limit"}))


def test_text_keeps_its_spaces() -> None:
    text = [spec("string")]
    assert bind(text, {"p": [" padded "]}).terms == {Variable("p"): Literal(" padded ")}
