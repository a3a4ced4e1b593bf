"""The relay chain of an imposition: from the root imposer down through `cdo:relays` to every
imposition relaying it, and the agents it finally reached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.paths.model import Node, Subgraph, brief, evidence_json
from app.paths.projection import Projection
from app.paths.vocabulary import CDO, ORG

RELAYS = CDO + "relays"
IMPOSED_BY = CDO + "imposedBy"
IMPOSED_ON = CDO + "imposedOn"
# What a step of the chain shows, in the order a reader follows it.
STEP_LINKS = (
    ("imposed_by", IMPOSED_BY),
    ("imposed_on", IMPOSED_ON),
    ("imposes", CDO + "imposes"),
    ("documents", CDO + "viaDocument"),
    ("platforms", CDO + "viaPlatform"),
    ("project", CDO + "inProject"),
)


@dataclass(frozen=True)
class Step:
    imposition: Node
    depth: int
    relays: Node | None

    @property
    def order(self) -> tuple[str, int, str]:
        return (self.imposition.attrs.get("date", ""), self.depth, self.imposition.id)


@dataclass(frozen=True)
class Reached:
    agent: Node
    date: str
    via: tuple[Node, ...]


@dataclass(frozen=True)
class Chain:
    asked: Node
    root: Node
    steps: tuple[Step, ...]
    reached: tuple[Reached, ...]
    subgraph: Subgraph

    def to_json(self, projection: Projection) -> dict[str, Any]:
        return {
            "imposition": self.asked.to_json(),
            "root": self.root.to_json(),
            "root_imposers": [brief(n) for n in projection.targets(self.root.iri, IMPOSED_BY)],
            "steps": [_step_json(projection, step) for step in self.steps],
            "reached": [
                {"agent": brief(r.agent), "date": r.date, "via": [brief(n) for n in r.via]}
                for r in self.reached
            ],
            **self.subgraph.to_json(),
        }


def relay_chain(projection: Projection, imposition: Node) -> Chain:
    root = _root(projection, imposition)
    steps: list[Step] = []
    frontier: list[tuple[Node, int, Node | None]] = [(root, 0, None)]
    seen = {root.iri}
    while frontier:
        node, depth, parent = frontier.pop()
        steps.append(Step(node, depth, parent))
        for child in projection.sources(node.iri, RELAYS):
            if child.iri not in seen:
                seen.add(child.iri)
                frontier.append((child, depth + 1, node))
    steps.sort(key=lambda s: s.order)
    return Chain(
        imposition,
        root,
        tuple(steps),
        _reached(projection, steps),
        _subgraph(projection, steps),
    )


def _root(projection: Projection, imposition: Node) -> Node:
    current, seen = imposition, {imposition.iri}
    while True:
        earlier = [n for n in projection.targets(current.iri, RELAYS) if n.iri not in seen]
        if not earlier:
            return current
        current = earlier[0]
        seen.add(current.iri)


def _reached(projection: Projection, steps: list[Step]) -> tuple[Reached, ...]:
    """Agents an imposition of the chain was imposed on and who passed it on to no one; an
    organisation passes it on when one of its members relays it."""
    imposers = {n.iri for s in steps for n in projection.targets(s.imposition.iri, IMPOSED_BY)}
    relaying_orgs = {
        org.iri for iri in imposers for org in projection.targets(iri, ORG + "memberOf")
    }
    via: dict[str, list[Step]] = {}
    for step in steps:
        for agent in projection.targets(step.imposition.iri, IMPOSED_ON):
            if agent.iri not in imposers and agent.iri not in relaying_orgs:
                via.setdefault(agent.iri, []).append(step)
    found = [
        Reached(
            projection.node(iri),
            min(s.order[0] for s in reached_by),
            tuple(s.imposition for s in reached_by),
        )
        for iri, reached_by in via.items()
    ]
    return tuple(sorted(found, key=lambda r: (r.date, r.agent.id, r.agent.iri)))


def _subgraph(projection: Projection, steps: list[Step]) -> Subgraph:
    subgraph = Subgraph()
    for step in steps:
        subgraph.add_node(step.imposition)
        for edge in projection.out_edges(step.imposition.iri):
            if edge.predicate == CDO + "inProject":
                continue
            subgraph.add_edge(edge, step.imposition, projection.node(edge.target))
    return subgraph


def _step_json(projection: Projection, step: Step) -> dict[str, Any]:
    node = step.imposition
    body: dict[str, Any] = {
        "imposition": brief(node),
        "depth": step.depth,
        "relays": brief(step.relays) if step.relays else None,
        "date": node.attrs.get("date"),
        "medium": node.attrs.get("medium"),
    }
    for key, predicate in STEP_LINKS:
        body[key] = [brief(n) for n in projection.targets(node.iri, predicate)]
    body["evidence"] = evidence_json(node.evidence)
    return body
