"""The networkx projection of the decision layer that one access level may see.

Nodes are the records of the decision layer (agents, units, documents, rules, taxonomies,
versions, categories, impositions, proposals, excluded categories, objections, version changes,
projects, datasets). Edges are the links between them, each with its predicate, label and the
evidence of the record it comes from. Classification acts and overrides are folded into
weighted edges (annotator -applied-> category per project, reviewer -overrode to-> category,
reviewer -justified overrides by-> document or rule), so the graph keeps the size of the
decision layer whatever the number of acts.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import networkx as nx

from app.paths.errors import AmbiguousNode, BadReference, UnknownNode
from app.paths.model import Edge, Node
from app.paths.reading import (
    OverrideRecord,
    SummaryCounts,
    Triple,
    decision_triples,
    override_records,
    summary_counts,
)
from app.paths.vocabulary import (
    APPLIED,
    ATTRIBUTES,
    CDO,
    DCTERMS,
    JUSTIFIED_BY,
    KIND_ALIASES,
    NODE_KINDS,
    OVERRODE_TO,
    RDF_TYPE,
    RDFS_LABEL,
    SKIPPED_PREDICATES,
    Labels,
)
from app.store.base import AccessLevel, GraphStore
from app.store.catalogue import generation, visible_graphs

T = TypeVar("T")
KINDS = frozenset(NODE_KINDS.values())
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Projection:
    level: AccessLevel
    generation: int
    graph: nx.MultiDiGraph[str]
    summaries: SummaryCounts
    index: dict[tuple[str, str], list[str]]
    adjacent: dict[str, tuple[str, ...]]
    _memo: dict[str, Any] = field(default_factory=dict)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock)

    def node(self, iri: str) -> Node:
        found: Node = self.graph.nodes[iri]["node"]
        return found

    def has(self, iri: str) -> bool:
        return iri in self.graph

    def nodes(self, kind: str | None = None) -> list[Node]:
        every = (data["node"] for _iri, data in self.graph.nodes(data=True))
        return sorted((n for n in every if kind is None or n.kind == kind), key=lambda n: n.iri)

    def out_edges(self, iri: str, predicate: str | None = None) -> list[Edge]:
        return [
            e
            for _s, _t, e in self.graph.out_edges(iri, data="edge")
            if predicate is None or e.predicate == predicate
        ]

    def in_edges(self, iri: str, predicate: str | None = None) -> list[Edge]:
        return [
            e
            for _s, _t, e in self.graph.in_edges(iri, data="edge")
            if predicate is None or e.predicate == predicate
        ]

    def targets(self, iri: str, predicate: str) -> list[Node]:
        """Nodes `iri` links to by `predicate`, in id order (each once)."""
        return _ordered(self.node(e.target) for e in self.out_edges(iri, predicate))

    def sources(self, iri: str, predicate: str) -> list[Node]:
        """Nodes linking to `iri` by `predicate`, in id order (each once)."""
        return _ordered(self.node(e.source) for e in self.in_edges(iri, predicate))

    def edges_between(self, a: str, b: str) -> list[tuple[Edge, str]]:
        """Every edge joining a and b, with its direction seen from a."""
        forward = self.graph.get_edge_data(a, b, default={}).values()
        backward = self.graph.get_edge_data(b, a, default={}).values()
        return [(d["edge"], "forward") for d in forward] + [
            (d["edge"], "backward") for d in backward
        ]

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value derived from this projection, computed once (it never changes)."""
        with self._memo_lock:
            if key not in self._memo:
                self._memo[key] = compute()
            value: T = self._memo[key]
            return value

    def resolve(self, ref: str, *, kind: str | None = None, param: str = "node") -> Node:
        """The node `ref` names: a full IRI, `kind/id` (e.g. `person/P07`), or a bare id when
        `kind` says which kind is meant. A node this level may not see is unknown."""
        text = ref.strip()
        if not text:
            raise BadReference(f"{param}: empty; name a node as kind/id (e.g. person/P07) or IRI")
        if _IRI.match(text):
            if not self.has(text):
                raise UnknownNode(f"{param}: no node <{text}> in the graph")
            node = self.node(text)
        else:
            node = self._by_id(text, kind, param)
        if kind is not None and node.kind != kind:
            raise UnknownNode(f"{param}: {text!r} is not of kind {kind}")
        return node

    def _by_id(self, text: str, kind: str | None, param: str) -> Node:
        named_kind, sep, ident = text.partition("/")
        if not sep:
            if kind is None:
                raise BadReference(
                    f"{param}: {text!r} names no kind; use kind/id (e.g. person/P07) or a full IRI"
                )
            named_kind, ident = kind, text
        named_kind = KIND_ALIASES.get(named_kind, named_kind)
        if named_kind not in KINDS:
            raise BadReference(
                f"{param}: unknown kind {named_kind!r} in {text!r}; kinds: "
                + ", ".join(sorted(KINDS))
            )
        iris = self.index.get((named_kind, ident), [])
        if not iris:
            raise UnknownNode(f"{param}: no {named_kind} {ident!r} in the graph")
        if len(iris) > 1:
            raise AmbiguousNode(
                f"{param}: {text!r} names several nodes ({', '.join(sorted(iris))}); use the IRI"
            )
        return self.node(iris[0])


def _ordered(nodes: Iterable[Node]) -> list[Node]:
    unique = {n.iri: n for n in nodes}
    return sorted(unique.values(), key=lambda n: (n.id, n.iri))


def build_projection(store: GraphStore, level: AccessLevel, labels: Labels) -> Projection:
    """Read what `level` may see and build its projection (a few SELECTs, no per-act work)."""
    current = generation(store)
    graphs = visible_graphs(store, level)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    links = _add_nodes(graph, decision_triples(store, graphs), labels)
    nodes: dict[str, Node] = {iri: data["node"] for iri, data in graph.nodes(data=True)}
    for subject, predicate, target in links:
        if target in nodes and predicate not in SKIPPED_PREDICATES and subject != target:
            edge = Edge(subject, target, predicate, labels.edge(predicate), nodes[subject].evidence)
            graph.add_edge(subject, target, key=edge.key, edge=edge)
    summaries = summary_counts(store, graphs)
    _add_applied(graph, summaries)
    _add_overrides(graph, override_records(store, graphs), labels)
    index: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for node in nodes.values():
        index[(node.kind, node.id)].append(node.iri)
    adjacent = {
        iri: tuple(sorted((set(graph.successors(iri)) | set(graph.predecessors(iri))) - {iri}))
        for iri in graph.nodes
    }
    return Projection(level, current, graph, summaries, dict(index), adjacent)


@dataclass
class _Draft:
    types: list[str] = field(default_factory=list)
    ident: str = ""
    label: str = ""
    attrs: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    evidence: set[str] = field(default_factory=set)


def _add_nodes(
    graph: nx.MultiDiGraph[str], triples: Iterable[Triple], labels: Labels
) -> list[tuple[str, str, str]]:
    """Add a node per decision-layer record; return the IRI-valued links to resolve later."""
    drafts: defaultdict[str, _Draft] = defaultdict(_Draft)
    links: list[tuple[str, str, str]] = []
    for t in triples:
        draft = drafts[t.subject]
        if t.predicate == RDF_TYPE:
            draft.types.append(t.value)
        elif t.predicate == DCTERMS + "identifier":
            draft.ident = t.value
        elif t.predicate == RDFS_LABEL:
            draft.label = t.value
        elif t.predicate == CDO + "evidence":
            draft.evidence.add(t.value)
        elif t.predicate in ATTRIBUTES:
            draft.attrs[ATTRIBUTES[t.predicate]].add(labels(t.value) if t.is_iri else t.value)
        elif t.is_iri:
            links.append((t.subject, t.predicate, t.value))
    for iri in sorted(drafts):
        draft = drafts[iri]
        kind = next((NODE_KINDS[c] for c in NODE_KINDS if c in draft.types), None)
        if kind is None:
            continue
        ident = draft.ident or iri.rsplit("/", 1)[-1]
        node = Node(
            iri=iri,
            kind=kind,
            id=ident,
            label=draft.label or ident,
            types=tuple(sorted(set(draft.types))),
            attrs={key: ", ".join(sorted(values)) for key, values in sorted(draft.attrs.items())},
            evidence=tuple(sorted(draft.evidence)),
        )
        graph.add_node(iri, node=node)
    return links


def _add_applied(graph: nx.MultiDiGraph[str], summaries: SummaryCounts) -> None:
    for (annotator, project, category), (acts, overridden) in sorted(summaries.applied.items()):
        if annotator in graph and category in graph and acts > 0:
            edge = Edge(
                annotator,
                category,
                APPLIED,
                "applied",
                weight=acts,
                project=project,
                details={"acts": acts, "overridden": overridden, "own_choice": acts - overridden},
            )
            graph.add_edge(annotator, category, key=edge.key, edge=edge)


def _add_overrides(
    graph: nx.MultiDiGraph[str], records: dict[str, OverrideRecord], labels: Labels
) -> None:
    """Fold overrides per (reviewer, new category) and per (reviewer, justifying record)."""
    folded: dict[tuple[str, str, str], tuple[Counter[str], set[str]]] = {}
    for record in records.values():
        justification = labels(record.justification) if record.justification else "unknown"
        targets = [(OVERRODE_TO, record.new_category)]
        targets += [(JUSTIFIED_BY, by) for by in record.justified_by]
        for predicate, target in targets:
            if record.reviewer not in graph or target not in graph:
                continue
            counts, evidence = folded.setdefault(
                (record.reviewer, predicate, target), (Counter(), set())
            )
            counts[justification] += 1
            evidence.update(record.evidence)
    for (reviewer, predicate, target), (counts, evidence) in sorted(folded.items()):
        edge = Edge(
            reviewer,
            target,
            predicate,
            labels.edge(predicate),
            tuple(sorted(evidence)),
            weight=sum(counts.values()),
            details=dict(sorted(counts.items())),
        )
        graph.add_edge(reviewer, target, key=edge.key, edge=edge)
