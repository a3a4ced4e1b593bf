"""The three SELECTs a projection is built from, filtered to the graphs one access level may see.

Each asks for `?s a <class> ; ?p ?o` with a filter on ?p rather than one variable per property:
the engine answers that shape with one index scan per subject, where a join per property costs
several times more on a study of 200,000 acts. The patterns run over every named graph with
`GRAPH ?g`, and rows from graphs the level may not see are dropped here: naming the visible
graphs as the dataset instead makes the engine repeat every lookup once per graph, which on a
disk store with a few dozen graphs is ten times slower. Classification acts themselves are never
read: their counts come from the load-time summaries (docs/model.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, QuerySolutions

from app.paths.vocabulary import CDO, NODE_KINDS
from app.store.base import GraphStore

_PREFIX = f"PREFIX cdo: <{CDO}>\n"

DECISION_LAYER = (
    _PREFIX
    + "SELECT ?s ?p ?o ?tg ?g WHERE { VALUES ?class { "
    + " ".join(f"<{iri}>" for iri in NODE_KINDS)
    + " } GRAPH ?tg { ?s a ?class } GRAPH ?g { ?s ?p ?o } }"
)

# Only the counts are read: the summary's IRI names its annotator, project, category or dataset
# (docs/model.md, "Summaries written at load time"), which saves reading three links per summary.
SUMMARIES = (
    _PREFIX
    + """SELECT ?s ?p ?o ?tg ?g WHERE {
  VALUES ?class { cdo:ApplicationSummary cdo:OverrideSummary cdo:FinalLabelSummary }
  GRAPH ?tg { ?s a ?class } GRAPH ?g { ?s ?p ?o }
  FILTER (?p IN (cdo:actCount, cdo:overriddenCount, cdo:itemCount))
}"""
)
# summary kind -> (how many record ids its IRI ends with, the slug of each)
SUMMARY_IRIS: dict[str, tuple[str, ...]] = {
    "applied": ("person", "project", "category"),
    "final": ("dataset", "category"),
    "overrides": ("person",),
}

OVERRIDES = (
    _PREFIX
    + """SELECT ?s ?p ?o ?tg ?g WHERE {
  GRAPH ?tg { ?s a cdo:Override } GRAPH ?g { ?s ?p ?o }
  FILTER (?p IN (cdo:reviewer, cdo:newCategory, cdo:justificationType, cdo:justifiedBy,
                 cdo:evidence))
}"""
)


@dataclass(frozen=True)
class Triple:
    subject: str
    predicate: str
    value: str
    is_iri: bool


@dataclass
class OverrideRecord:
    reviewer: str = ""
    new_category: str = ""
    justification: str = ""
    justified_by: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


@dataclass
class SummaryCounts:
    """The load-time summaries one level may see, added up over the levels."""

    # (annotator, project, category) -> [acts, overridden]
    applied: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    # annotator -> [acts, overridden]
    by_annotator: dict[str, list[int]] = field(default_factory=dict)
    # dataset -> category -> items whose final label it is
    final_labels: dict[str, dict[str, int]] = field(default_factory=dict)


def decision_triples(store: GraphStore, graphs: Sequence[str]) -> Iterator[Triple]:
    for s, p, o, is_iri in _rows(store, DECISION_LAYER, graphs):
        yield Triple(s, p, o, is_iri)


def summary_counts(store: GraphStore, graphs: Sequence[str]) -> SummaryCounts:
    nodes: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for s, p, o, _iri in _rows(store, SUMMARIES, graphs):
        nodes[s][p.removeprefix(CDO)] = int(o)
    counts = SummaryCounts()
    for iri, fields in nodes.items():
        named = summary_records(iri)
        if named is None:
            continue
        kind, records = named
        acts, overridden = fields.get("actCount", 0), fields.get("overriddenCount", 0)
        if kind == "applied":
            key = (records[0], records[1], records[2])
            found = counts.applied.setdefault(key, [0, 0])
        elif kind == "overrides":
            found = counts.by_annotator.setdefault(records[0], [0, 0])
        else:
            per_dataset = counts.final_labels.setdefault(records[0], {})
            per_dataset[records[1]] = per_dataset.get(records[1], 0) + fields.get("itemCount", 0)
            continue
        found[0] += acts
        found[1] += overridden
    return counts


def summary_records(iri: str) -> tuple[str, tuple[str, ...]] | None:
    """The kind of a summary and the IRIs of the records its IRI names:
    `{base}summary/{kind}/{level}/{id}/...` names `{base}{slug}/{id}` for each slug of the kind."""
    for kind, slugs in SUMMARY_IRIS.items():
        head, *ids = iri.rsplit("/", len(slugs) + 1)
        marker = f"summary/{kind}"
        if len(ids) == len(slugs) + 1 and head.endswith(marker):
            base = head.removesuffix(marker)
            return kind, tuple(
                f"{base}{slug}/{ident}" for slug, ident in zip(slugs, ids[1:], strict=True)
            )
    return None


def override_records(store: GraphStore, graphs: Sequence[str]) -> dict[str, OverrideRecord]:
    found: defaultdict[str, OverrideRecord] = defaultdict(OverrideRecord)
    for s, p, o, _iri in _rows(store, OVERRIDES, graphs):
        record = found[s]
        name = p.removeprefix(CDO)
        if name == "reviewer":
            record.reviewer = o
        elif name == "newCategory":
            record.new_category = o
        elif name == "justificationType":
            record.justification = o
        elif name == "justifiedBy":
            record.justified_by.append(o)
        else:
            record.evidence.append(o)
    return {iri: r for iri, r in found.items() if r.reviewer and r.new_category}


def _rows(
    store: GraphStore, sparql: str, graphs: Sequence[str]
) -> Iterator[tuple[str, str, str, bool]]:
    """(subject, predicate, object value, whether the object is an IRI) per solution whose
    type triple (?tg) and triple (?g) both lie in `graphs`."""
    if not graphs:
        return
    visible = frozenset(graphs)
    result = store.query(sparql, default_graphs=())
    if not isinstance(result, QuerySolutions):
        raise TypeError("a projection query must return solutions")
    for s, p, o, tg, g in result:
        if (
            isinstance(tg, NamedNode)
            and isinstance(g, NamedNode)
            and tg.value in visible
            and g.value in visible
            and isinstance(s, NamedNode)
            and isinstance(p, NamedNode)
            and o is not None
        ):
            yield s.value, p.value, str(getattr(o, "value", o)), isinstance(o, NamedNode)
