"""The nodes and edges of the projection, and the subgraph every path answer returns."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.paths.vocabulary import curie


@dataclass(frozen=True, slots=True)
class Node:
    iri: str
    kind: str
    id: str
    label: str
    types: tuple[str, ...]
    attrs: Mapping[str, str]
    evidence: tuple[str, ...]

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "ref": self.ref,
            "kind": self.kind,
            "id": self.id,
            "label": self.label,
            "types": [curie(t) for t in self.types],
            **({"attributes": dict(self.attrs)} if self.attrs else {}),
            "evidence": evidence_json(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Edge:
    """One link of the projection. Folded edges (applied, overrode to, justified overrides by)
    stand for many records: `weight` counts them and `details` breaks the count down."""

    source: str
    target: str
    predicate: str
    label: str
    evidence: tuple[str, ...] = ()
    weight: int | None = None
    project: str | None = None
    details: Mapping[str, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.predicate, self.project)

    def to_json(self, direction: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "source": self.source,
            "target": self.target,
            "predicate": self.predicate,
            "label": self.label,
            "evidence": evidence_json(self.evidence),
        }
        if self.weight is not None:
            body["weight"] = self.weight
        if self.project is not None:
            body["project"] = self.project
        if self.details:
            body["details"] = dict(self.details)
        if direction is not None:
            body["direction"] = direction
        return body


def brief(node: Node) -> dict[str, str]:
    """How an answer names a node it does not describe in full."""
    return {"iri": node.iri, "ref": node.ref, "id": node.id, "label": node.label}


def evidence_id(iri: str) -> str:
    """Evidence IRIs end in `evidence/{id}` (docs/model.md)."""
    return iri.rsplit("/", 1)[-1]


def evidence_json(iris: Iterable[str]) -> list[dict[str, str]]:
    return [{"id": evidence_id(iri), "iri": iri} for iri in sorted(set(iris))]


@dataclass
class Subgraph:
    """The nodes and edges an answer is about, in the order they were added."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[tuple[str, str, str, str | None], Edge] = field(default_factory=dict)

    def add_node(self, node: Node) -> None:
        self.nodes.setdefault(node.iri, node)

    def add_edge(self, edge: Edge, source: Node, target: Node) -> None:
        self.add_node(source)
        self.add_node(target)
        self.edges.setdefault((edge.source, edge.target, *edge.key), edge)

    def to_json(self) -> dict[str, Any]:
        return {
            "nodes": [n.to_json() for n in self.nodes.values()],
            "edges": [e.to_json() for e in self.edges.values()],
        }
