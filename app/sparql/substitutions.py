"""Variable bindings that travel with a query job as text.

Canned-query parameters are bound as RDF terms (SEP-0007 substitutions), never pasted into the
query. A job crosses a process boundary as JSON, so each term travels in its N-Triples form and
is read back with pyoxigraph's own N-Triples parser on the other side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, Variable, parse

Term = NamedNode | BlankNode | Literal | Triple

_SUBJECT = "<urn:cdkg:binding>"


def encode_substitutions(terms: Mapping[Variable, Term]) -> tuple[tuple[str, str], ...]:
    """(variable name, term in N-Triples syntax) pairs, in a stable order."""
    return tuple(sorted((variable.value, str(term)) for variable, term in terms.items()))


def decode_substitutions(pairs: Sequence[Sequence[str]]) -> dict[Variable, Term]:
    """The terms `encode_substitutions` wrote; a pair that is not one N-Triples term fails."""
    terms: dict[Variable, Term] = {}
    for name, text in pairs:
        triples = list(parse(f"{_SUBJECT} {_SUBJECT} {text} .\n", format=RdfFormat.N_TRIPLES))
        if len(triples) != 1:
            raise ValueError(f"the binding of ?{name} is not one RDF term")
        terms[Variable(name)] = triples[0].object
    return terms
