"""Who holds authority over categories: per-actor counts of impositions, exclusions, overrides
and objections; decision levels per company; reporting distance between the proposers of a
category and those who decided on it; centrality in the imposition network.

Everything is read off the projection of the caller's level (app.paths), so a figure counts
only records that level may see, and it is computed once per projection.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx

from app.paths.model import Node, brief
from app.paths.projection import Projection
from app.paths.vocabulary import CDO, ORG, OVERRODE_TO

ACTOR_COLUMNS = (
    "actor",
    "kind",
    "label",
    "impositions_made",
    "impositions_relayed",
    "impositions_received",
    "exclusions_decided",
    "overrides_made",
    "acts",
    "overrides_suffered",
    "objections_raised",
    "objections_raised_overruled",
    "objections_overruled",
    "betweenness",
    "pagerank",
)


@dataclass(frozen=True)
class ActorFigures:
    actor: str
    kind: str
    label: str
    impositions_made: int
    impositions_relayed: int
    impositions_received: int
    exclusions_decided: int
    overrides_made: int
    acts: int
    overrides_suffered: int
    objections_raised: int
    objections_raised_overruled: int
    objections_overruled: int
    betweenness: float
    pagerank: float


@dataclass(frozen=True)
class Authority:
    actors: tuple[ActorFigures, ...]
    decision_levels: tuple[dict[str, Any], ...]
    reporting_distances: tuple[dict[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "actors": [asdict(a) for a in self.actors],
            "decision_levels": list(self.decision_levels),
            "reporting_distances": list(self.reporting_distances),
        }


def authority(projection: Projection) -> Authority:
    """The figures for `projection`, computed once and kept with it."""
    return projection.memo("authority", lambda: compute_authority(projection))


def compute_authority(p: Projection) -> Authority:
    """The figures, computed afresh (`authority` keeps them with the projection)."""
    counts: dict[str, Counter[str]] = {}

    def bump(agent: Node, figure: str, by: int = 1) -> None:
        counts.setdefault(agent.iri, Counter())[figure] += by

    imposition_network: nx.DiGraph[str] = nx.DiGraph()
    for imposition in p.nodes("imposition"):
        relays = bool(p.targets(imposition.iri, CDO + "relays"))
        imposers = p.targets(imposition.iri, CDO + "imposedBy")
        for agent in imposers:
            bump(agent, "impositions_made")
            if relays:
                bump(agent, "impositions_relayed")
        for agent in p.targets(imposition.iri, CDO + "imposedOn"):
            bump(agent, "impositions_received")
            for imposer in imposers:
                _strengthen(imposition_network, imposer.iri, agent.iri)
    for excluded in p.nodes("excluded-category"):
        for agent in p.targets(excluded.iri, CDO + "excludedBy"):
            bump(agent, "exclusions_decided")
    for objection in p.nodes("objection"):
        overruled_by = p.targets(objection.iri, CDO + "overruledBy")
        for agent in p.targets(objection.iri, CDO + "raisedBy"):
            bump(agent, "objections_raised")
            if overruled_by:
                bump(agent, "objections_raised_overruled")
        for agent in overruled_by:
            bump(agent, "objections_overruled")
    for person in p.nodes("person"):
        made = sum(e.weight or 0 for e in p.out_edges(person.iri, OVERRODE_TO))
        if made:
            bump(person, "overrides_made", made)
        acts, suffered = p.summaries.by_annotator.get(person.iri, (0, 0))
        if acts:
            bump(person, "acts", acts)
            bump(person, "overrides_suffered", suffered)
    betweenness, pagerank = _centrality(imposition_network)
    agents = [*p.nodes("person"), *p.nodes("org")]
    actors = tuple(
        ActorFigures(
            actor=a.iri,
            kind=a.kind,
            label=a.label,
            **{name: counts.get(a.iri, Counter())[name] for name in ACTOR_COLUMNS[3:13]},
            betweenness=betweenness.get(a.iri, 0.0),
            pagerank=pagerank.get(a.iri, 0.0),
        )
        for a in sorted(agents, key=lambda n: (n.kind, n.id, n.iri))
    )
    return Authority(actors, _decision_levels(p), _reporting_distances(p))


def _strengthen(graph: nx.DiGraph[str], source: str, target: str) -> None:
    if source == target:
        return
    if graph.has_edge(source, target):
        graph[source][target]["weight"] += 1
    else:
        graph.add_edge(source, target, weight=1)


def _centrality(graph: nx.DiGraph[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Betweenness (unweighted, normalised) and PageRank (weighted by how many impositions
    link two agents) over imposer -> imposed-on edges."""
    if graph.number_of_nodes() == 0:
        return {}, {}
    between = nx.betweenness_centrality(graph, normalized=True)
    rank = nx.pagerank(graph, weight="weight")
    return (
        {k: round(float(v), 6) for k, v in between.items()},
        {k: round(float(v), 6) for k, v in rank.items()},
    )


def _outcome(p: Projection, proposal: Node) -> str | None:
    if p.sources(proposal.iri, CDO + "fromProposal"):
        return "excluded"
    if p.targets(proposal.iri, CDO + "acceptedAs"):
        return "accepted"
    return None


def _company(p: Projection, proposal: Node) -> Node | None:
    """The annotation company a proposal was decided in: its project's vendor, else the
    company its first proposer belongs to."""
    for project in p.targets(proposal.iri, CDO + "inProject"):
        for vendor in p.targets(project.iri, CDO + "vendor"):
            return vendor
    for person in p.targets(proposal.iri, CDO + "proposedBy"):
        for org in p.targets(person.iri, ORG + "memberOf"):
            if CDO + "AnnotationCompany" in org.types:
                return org
    return None


def _decision_levels(p: Projection) -> tuple[dict[str, Any], ...]:
    tally: Counter[tuple[str, str, str, str]] = Counter()
    for proposal in p.nodes("proposal"):
        outcome = _outcome(p, proposal)
        level = proposal.attrs.get("decision_level")
        company = _company(p, proposal)
        if outcome is None or level is None or company is None:
            continue
        tally[(company.iri, company.label, level, outcome)] += 1
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for (iri, label, level, outcome), n in sorted(tally.items()):
        row = rows.setdefault(
            (iri, level),
            {
                "company": iri,
                "label": label,
                "decision_level": level,
                "accepted": 0,
                "excluded": 0,
                "decisions": 0,
            },
        )
        row[outcome] += n
        row["decisions"] += n
    return tuple(rows.values())


def _reporting_distances(p: Projection) -> tuple[dict[str, Any], ...]:
    """Steps up the org:reportsTo line from each proposer to the decider; None when the
    decider is not above the proposer (another organisation, or an organisation itself)."""
    line: nx.DiGraph[str] = nx.DiGraph()
    for person in p.nodes("person"):
        line.add_node(person.iri)
        for boss in p.targets(person.iri, ORG + "reportsTo"):
            line.add_edge(person.iri, boss.iri)
    rows: list[dict[str, Any]] = []
    for proposal in p.nodes("proposal"):
        outcome = _outcome(p, proposal)
        if outcome is None:
            continue
        for proposer in p.targets(proposal.iri, CDO + "proposedBy"):
            for decider in p.targets(proposal.iri, CDO + "decidedBy"):
                try:
                    steps: int | None = nx.shortest_path_length(line, proposer.iri, decider.iri)
                except (nx.NetworkXNoPath, nx.NodeNotFound):
                    steps = None
                rows.append(
                    {
                        "proposal": brief(proposal),
                        "outcome": outcome,
                        "decision_level": proposal.attrs.get("decision_level"),
                        "proposer": brief(proposer),
                        "decider": brief(decider),
                        "reporting_distance": steps,
                    }
                )
    return tuple(rows)
