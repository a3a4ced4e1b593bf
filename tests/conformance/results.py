"""Comparing query results and datasets as the W3C suite means them.

Solutions compare as multisets (as sequences when the query orders them) up to a consistent
renaming of blank nodes; graphs and datasets compare by isomorphism (RDFC-1.0 canonical forms).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Triple,
    parse_query_results,
)

Term = NamedNode | BlankNode | Literal | Triple
XSD = "http://www.w3.org/2001/XMLSchema#"
_EXACT = frozenset(
    XSD + name
    for name in (
        "decimal",
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "positiveInteger",
    )
)
_NUMERIC = _EXACT | {XSD + "double", XSD + "float"}
Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class Table:
    variables: frozenset[str]
    rows: tuple[Row, ...]
    order: tuple[str, ...]


def read_results(data: bytes, fmt: QueryResultsFormat) -> Table | bool:
    """Solutions or a boolean, parsed from `data`."""
    parsed = parse_query_results(data, fmt)
    if isinstance(parsed, QueryBoolean):
        return bool(parsed)
    assert isinstance(parsed, QuerySolutions)
    order = tuple(v.value for v in parsed.variables)
    rows = tuple(tuple(solution[name] for name in order) for solution in parsed)
    return Table(frozenset(order), rows, order)


def same_table(expected: Table, actual: Table, *, ordered: bool) -> bool:
    if expected.variables != actual.variables:
        return False
    names = sorted(expected.variables)
    want = [_project(row, expected.order, names) for row in expected.rows]
    got = [_project(row, actual.order, names) for row in actual.rows]
    if len(want) != len(got):
        return False
    if not ordered and Counter(map(_shape, want)) != Counter(map(_shape, got)):
        return False
    return _match(want, got, 0, {}, set(), ordered)


def canonical(quads: Iterable[Quad]) -> set[Quad]:
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def csv_table(text: str) -> tuple[list[str], Counter[tuple[str, ...]]]:
    """Header and rows (blank node labels blurred) of a SPARQL CSV result."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    rows: Counter[tuple[str, ...]] = Counter(
        tuple(_csv_cell(cell) for cell in row) for row in reader
    )
    return header, rows


def _csv_cell(cell: str) -> str:
    """A CSV cell as compared: blank node labels blurred, numbers by value (CSV has no types,
    and the store writes `1.0E6` as `1000000`)."""
    if cell.startswith("_:"):
        return "_:"
    try:
        return repr(float(cell))
    except ValueError:
        return cell


def _project(row: Row, order: Sequence[str], names: Sequence[str]) -> Row:
    position = {name: i for i, name in enumerate(order)}
    return tuple(row[position[name]] for name in names)


def _shape(row: Row) -> tuple[object, ...]:
    """The row with every blank node made the same, for a cheap multiset pre-check."""
    return tuple("_:" if isinstance(t, BlankNode) else _value(t) for t in row)


def _value(term: Term | None) -> object:
    """What a term is compared by: numeric and boolean literals by datatype and value (the
    store keeps values, not lexical forms: the suite's `2.0E3` and `"0"^^xsd:boolean` come back
    as `2000` and `false`), everything else by itself."""
    if isinstance(term, Literal) and term.datatype.value == XSD + "boolean":
        return ("boolean", term.value in ("true", "1"))
    if isinstance(term, Literal) and term.datatype.value in _NUMERIC:
        try:
            number: object = (
                Decimal(term.value) if term.datatype.value in _EXACT else float(term.value)
            )
        except (InvalidOperation, ValueError):
            return term
        return (term.datatype.value, number)
    return term


def _match(
    want: list[Row],
    got: list[Row],
    index: int,
    mapping: dict[str, str],
    used: set[int],
    ordered: bool,
) -> bool:
    if index == len(want):
        return True
    candidates = [index] if ordered else [i for i in range(len(got)) if i not in used]
    for candidate in candidates:
        extended = _extend(want[index], got[candidate], mapping)
        if extended is None:
            continue
        used.add(candidate)
        if _match(want, got, index + 1, extended, used, ordered):
            return True
        used.discard(candidate)
    return False


def _extend(want: Row, got: Row, mapping: dict[str, str]) -> dict[str, str] | None:
    """`mapping` (expected blank node -> actual one) extended so that `want` maps to `got`."""
    extended = dict(mapping)
    targets = set(extended.values())
    for expected, actual in zip(want, got, strict=True):
        if isinstance(expected, BlankNode) and isinstance(actual, BlankNode):
            bound = extended.get(expected.value)
            if bound is None:
                if actual.value in targets:
                    return None
                extended[expected.value] = actual.value
                targets.add(actual.value)
            elif bound != actual.value:
                return None
        elif _value(expected) != _value(actual):
            return None
    return extended


RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def result_set_table(quads: Iterable[Quad]) -> Table | None:
    """The solutions of an `rs:ResultSet` graph (the suite's older result format); None if the
    graph holds none."""
    dataset = Dataset(quads)
    sets = [
        q.subject
        for q in dataset.quads_for_predicate(NamedNode(RDF_TYPE))
        if q.object == NamedNode(RS + "ResultSet")
    ]
    if not sets:
        return None
    (result_set,) = sets
    order = tuple(
        sorted(
            q.object.value
            for q in dataset.quads_for_subject(result_set)
            if q.predicate == NamedNode(RS + "resultVariable")
        )
    )
    rows = []
    for solution in _objects(dataset, result_set, RS + "solution"):
        bound: dict[str, Term] = {}
        for binding in _objects(dataset, solution, RS + "binding"):
            (name,) = _objects(dataset, binding, RS + "variable")
            (term,) = _objects(dataset, binding, RS + "value")
            bound[name.value] = term
        rows.append(tuple(bound.get(name) for name in order))
    return Table(frozenset(order), tuple(rows), order)


def _objects(dataset: Dataset, subject: object, predicate: str) -> list[Term]:
    return [
        q.object
        for q in dataset.quads_for_subject(subject)  # type: ignore[arg-type]
        if q.predicate == NamedNode(predicate)
    ]
