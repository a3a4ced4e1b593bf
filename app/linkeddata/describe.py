"""What the store says about one resource, as far as the reader may see.

Every query runs over the reader's graphs only (their union as the default graph), so a page,
an RDF document or a label can never show a triple from a graph the reader may not read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Triple

from app.linkeddata.vocab import LABEL_PREDICATES, RDF_TYPE, RDFS_LABEL
from app.store.base import GraphStore

# Incoming links shown (and written) per predicate; the rest are counted, not listed.
INCOMING_CAP = 200
_LABEL_BATCH = 400

ObjectTerm = NamedNode | BlankNode | Literal


@dataclass(frozen=True)
class Description:
    """One resource: its own statements, who links to it, and labels for every IRI in sight."""

    iri: str
    outgoing: tuple[tuple[str, ObjectTerm], ...]
    incoming: tuple[tuple[str, str], ...]  # (subject IRI, predicate IRI)
    incoming_counts: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def types(self) -> frozenset[str]:
        return frozenset(
            o.value for p, o in self.outgoing if p == RDF_TYPE and isinstance(o, NamedNode)
        )

    @property
    def label(self) -> str:
        return self.labels.get(self.iri) or self.iri

    def values(self, predicate: str) -> list[ObjectTerm]:
        return [o for p, o in self.outgoing if p == predicate]

    def first_literal(self, predicate: str) -> str | None:
        return next((o.value for o in self.values(predicate) if isinstance(o, Literal)), None)

    def triples(self) -> list[Triple]:
        """The RDF a machine gets: the resource's statements, the links to it (up to the cap
        per predicate) and an rdfs:label for each neighbour that has one."""
        this = NamedNode(self.iri)
        triples = [Triple(this, NamedNode(p), o) for p, o in self.outgoing]
        triples += [Triple(NamedNode(s), NamedNode(p), this) for s, p in self.incoming]
        neighbours = {o.value for _, o in self.outgoing if isinstance(o, NamedNode)}
        neighbours |= {s for s, _ in self.incoming}
        for iri in sorted(neighbours - {self.iri}):
            if iri in self.labels:
                triples.append(
                    Triple(NamedNode(iri), NamedNode(RDFS_LABEL), Literal(self.labels[iri]))
                )
        return triples


def select(store: GraphStore, graphs: Sequence[str], sparql: str) -> QuerySolutions:
    """A SELECT over the union of `graphs`, and no other graph."""
    result = store.query(sparql, default_graphs=list(graphs), named_graphs=[])
    if not isinstance(result, QuerySolutions):
        raise TypeError("expected a SELECT query")
    return result


def term(iri: str) -> str:
    """An IRI written as a SPARQL term; NamedNode refuses anything that is not a valid IRI."""
    return str(NamedNode(iri))


def describe(store: GraphStore, graphs: Sequence[str], iri: str) -> Description | None:
    """The description of `iri`, or None when the reader's graphs say nothing about it."""
    this = term(iri)
    outgoing: list[tuple[str, ObjectTerm]] = []
    for row in select(store, graphs, f"SELECT DISTINCT ?p ?o WHERE {{ {this} ?p ?o }}"):
        predicate, value = row[0], row[1]
        if isinstance(predicate, NamedNode) and isinstance(value, NamedNode | BlankNode | Literal):
            outgoing.append((predicate.value, value))
    if not outgoing:
        return None
    counts = incoming_counts(store, graphs, iri)
    incoming = incoming_links(store, graphs, iri, counts)
    outgoing.sort(key=lambda pair: (pair[0], _sort_key(pair[1])))
    names = {iri} | {o.value for _, o in outgoing if isinstance(o, NamedNode)}
    names |= {s for s, _ in incoming}
    return Description(iri, tuple(outgoing), tuple(incoming), counts, labels(store, graphs, names))


def incoming_counts(store: GraphStore, graphs: Sequence[str], iri: str) -> dict[str, int]:
    rows = select(
        store,
        graphs,
        f"SELECT ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p {term(iri)} FILTER(isIRI(?s)) }} "
        "GROUP BY ?p",
    )
    return {row[0].value: int(row[1].value) for row in rows if row[0] is not None and row[1]}


def incoming_links(
    store: GraphStore, graphs: Sequence[str], iri: str, counts: dict[str, int]
) -> list[tuple[str, str]]:
    """(subject, predicate) pairs pointing at `iri`, at most INCOMING_CAP per predicate."""
    few = sorted(p for p, n in counts.items() if n <= INCOMING_CAP)
    many = sorted(p for p, n in counts.items() if n > INCOMING_CAP)
    found: list[tuple[str, str]] = []
    this = term(iri)
    if few:
        values = " ".join(term(p) for p in few)
        rows = select(
            store,
            graphs,
            f"SELECT DISTINCT ?s ?p WHERE {{ VALUES ?p {{ {values} }} ?s ?p {this} "
            "FILTER(isIRI(?s)) } ORDER BY ?p ?s",
        )
        found += [(row[0].value, row[1].value) for row in rows if row[0] and row[1]]
    for predicate in many:
        rows = select(
            store,
            graphs,
            f"SELECT DISTINCT ?s WHERE {{ ?s {term(predicate)} {this} FILTER(isIRI(?s)) }} "
            f"ORDER BY ?s LIMIT {INCOMING_CAP}",
        )
        found += [(row[0].value, predicate) for row in rows if row[0]]
    return found


def labels(store: GraphStore, graphs: Sequence[str], iris: Iterable[str]) -> dict[str, str]:
    """The best label the reader's graphs give each IRI (those without one are left out)."""
    wanted = sorted(set(iris))
    rank = {p: i for i, p in enumerate(LABEL_PREDICATES)}
    best: dict[str, tuple[int, str]] = {}
    predicates = " ".join(term(p) for p in LABEL_PREDICATES)
    for start in range(0, len(wanted), _LABEL_BATCH):
        values = " ".join(term(i) for i in wanted[start : start + _LABEL_BATCH])
        rows = select(
            store,
            graphs,
            f"SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {predicates} }} "
            "?x ?p ?l FILTER(isLiteral(?l)) }",
        )
        for row in rows:
            key = (rank[row[1].value], row[2].value)
            current = best.get(row[0].value)
            if current is None or key < current:
                best[row[0].value] = key
    return {iri: label for iri, (_rank, label) in best.items()}


def _sort_key(value: ObjectTerm) -> tuple[int, str]:
    return (0 if isinstance(value, NamedNode) else 1, value.value)
