"""Why a label is in a dataset: the client of the project, the documents and impositions that
made the category (or a version or rule carrying it) binding, the annotators who applied it and
how often, and the overrides, version changes and exclusions that moved labels to or from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.paths.model import Edge, Node, Subgraph, brief, evidence_json
from app.paths.projection import Projection
from app.paths.vocabulary import APPLIED, CDO, OVERRODE_TO

IMPOSES = CDO + "imposes"
IN_PROJECT = CDO + "inProject"
INCLUDES = CDO + "includesCategory"
APPLIES_TO = CDO + "appliesTo"


@dataclass
class Explanation:
    category: Node
    dataset: Node | None
    projects: list[Node]
    impositions: list[Node] = field(default_factory=list)
    applied: list[Edge] = field(default_factory=list)
    overrode_to: list[Edge] = field(default_factory=list)
    changes: list[Node] = field(default_factory=list)
    exclusions: list[Node] = field(default_factory=list)
    final_items: int | None = None
    subgraph: Subgraph = field(default_factory=Subgraph)

    def to_json(self, projection: Projection) -> dict[str, Any]:
        p = projection
        return {
            "category": self.category.to_json(),
            "dataset": self.dataset.to_json() if self.dataset else None,
            "final_label_items": self.final_items,
            "projects": [
                {
                    **brief(project),
                    "clients": [brief(n) for n in p.targets(project.iri, CDO + "client")],
                    "vendors": [brief(n) for n in p.targets(project.iri, CDO + "vendor")],
                }
                for project in self.projects
            ],
            "impositions": [_imposition_json(p, n) for n in self.impositions],
            "documents": [brief(n) for n in self._documents(p)],
            "annotators": [
                {
                    "annotator": brief(p.node(e.source)),
                    "project": brief(p.node(e.project)) if e.project and p.has(e.project) else None,
                    **e.details,
                }
                for e in self.applied
            ],
            "overrides": {
                "acts_applying_it": sum(e.details.get("acts", 0) for e in self.applied),
                "of_it": sum(e.details.get("overridden", 0) for e in self.applied),
                "to_it": [
                    {
                        "reviewer": brief(p.node(e.source)),
                        "count": e.weight,
                        "by": dict(e.details),
                        "evidence": evidence_json(e.evidence),
                    }
                    for e in self.overrode_to
                ],
            },
            "changes": [_decision_json(p, n) for n in self.changes],
            "exclusions": [_decision_json(p, n) for n in self.exclusions],
            **self.subgraph.to_json(),
        }

    def _documents(self, p: Projection) -> list[Node]:
        found: dict[str, Node] = {}
        for imposition in self.impositions:
            for doc in p.targets(imposition.iri, CDO + "viaDocument"):
                found.setdefault(doc.iri, doc)
        return sorted(found.values(), key=lambda n: (n.id, n.iri))


def explain(projection: Projection, category: Node, dataset: Node | None) -> Explanation:
    p = projection
    versions = p.sources(category.iri, INCLUDES)
    if dataset is not None:
        projects = p.targets(dataset.iri, CDO + "fromProject")
    else:
        uses = {v.iri for v in versions}
        candidates = {e.project for e in p.in_edges(category.iri, APPLIED) if e.project}
        candidates |= {e.source for v in uses for e in p.in_edges(v, CDO + "usesTaxonomyVersion")}
        projects = sorted((p.node(i) for i in candidates if p.has(i)), key=lambda n: n.id)
    result = Explanation(category, dataset, projects)
    in_scope = {n.iri for n in projects}
    carriers = {category.iri, *(v.iri for v in versions)}
    carriers |= {r.iri for r in p.sources(category.iri, APPLIES_TO)}
    for project in projects:
        for imposition in p.sources(project.iri, IN_PROJECT):
            if imposition.kind == "imposition" and carriers & {
                n.iri for n in p.targets(imposition.iri, IMPOSES)
            }:
                result.impositions.append(imposition)
    result.impositions.sort(key=lambda n: (n.attrs.get("date", ""), n.id))
    result.applied = sorted(
        (e for e in p.in_edges(category.iri, APPLIED) if e.project in in_scope),
        key=lambda e: (p.node(e.source).id, e.project or ""),
    )
    result.overrode_to = sorted(
        p.in_edges(category.iri, OVERRODE_TO), key=lambda e: p.node(e.source).id
    )
    result.changes = p.sources(category.iri, CDO + "resultCategory")
    result.exclusions = p.sources(category.iri, CDO + "fallbackCategory")
    if dataset is not None:
        result.final_items = p.summaries.final_labels.get(dataset.iri, {}).get(category.iri, 0)
    _fill_subgraph(p, result, carriers)
    return result


def _fill_subgraph(p: Projection, result: Explanation, carriers: set[str]) -> None:
    g = result.subgraph
    g.add_node(result.category)
    if result.dataset is not None:
        for edge in p.out_edges(result.dataset.iri, CDO + "fromProject"):
            g.add_edge(edge, result.dataset, p.node(edge.target))
    for project in result.projects:
        for edge in p.out_edges(project.iri, CDO + "client"):
            g.add_edge(edge, project, p.node(edge.target))
    wanted = {
        CDO + "imposedBy",
        CDO + "imposedOn",
        CDO + "viaDocument",
        CDO + "relays",
        IN_PROJECT,
    }
    for imposition in result.impositions:
        for edge in p.out_edges(imposition.iri):
            if edge.predicate in wanted or (edge.predicate == IMPOSES and edge.target in carriers):
                g.add_edge(edge, imposition, p.node(edge.target))
    for carrier in carriers - {result.category.iri}:
        for edge in p.out_edges(carrier):
            if edge.target == result.category.iri:
                g.add_edge(edge, p.node(carrier), result.category)
    for edge in [*result.applied, *result.overrode_to]:
        g.add_edge(edge, p.node(edge.source), result.category)
    for decision in [*result.changes, *result.exclusions]:
        for edge in p.out_edges(decision.iri):
            if edge.target == result.category.iri or edge.predicate in {
                CDO + "decidedBy",
                CDO + "excludedBy",
            }:
                g.add_edge(edge, decision, p.node(edge.target))


def _imposition_json(p: Projection, node: Node) -> dict[str, Any]:
    return {
        **brief(node),
        "date": node.attrs.get("date"),
        "medium": node.attrs.get("medium"),
        "imposed_by": [brief(n) for n in p.targets(node.iri, CDO + "imposedBy")],
        "imposed_on": [brief(n) for n in p.targets(node.iri, CDO + "imposedOn")],
        "imposes": [brief(n) for n in p.targets(node.iri, IMPOSES)],
        "documents": [brief(n) for n in p.targets(node.iri, CDO + "viaDocument")],
        "relays": [brief(n) for n in p.targets(node.iri, CDO + "relays")],
        "evidence": evidence_json(node.evidence),
    }


def _decision_json(p: Projection, node: Node) -> dict[str, Any]:
    deciders = p.targets(node.iri, CDO + "decidedBy") + p.targets(node.iri, CDO + "excludedBy")
    return {
        **brief(node),
        "kind": node.kind,
        "decided_by": [brief(n) for n in deciders],
        **{
            k: node.attrs[k]
            for k in ("date", "change_type", "decision_level", "rationale")
            if k in node.attrs
        },
        "evidence": evidence_json(node.evidence),
    }
