"""Gather a dataset's datasheet from the projection of the reader's level: the taxonomy
versions, documents and impositions that governed its labels, the platform, the exclusions and
overruled objections, override statistics from the load-time summaries, and what public records
say about the annotators. Every statement names the records it is about and their evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from app.datasheets.model import Datasheet, Statement
from app.paths.model import Edge, Node
from app.paths.projection import Projection
from app.paths.vocabulary import APPLIED, CDO, ORG, OVERRODE_TO


def build_datasheet(p: Projection, dataset: Node) -> Datasheet:
    sheet = Datasheet(
        iri=dataset.iri,
        id=dataset.id,
        title=dataset.attrs.get("title", dataset.label),
        level=p.level.slug,
        description=dataset.attrs.get("description"),
        delivered=dataset.attrs.get("delivered"),
    )
    projects = p.targets(dataset.iri, CDO + "fromProject")
    sheet.producers = [_pair(n) for n in p.targets(dataset.iri, CDO + "producedBy")]
    if projects:
        sheet.project = _pair(projects[0])
        sheet.clients = [_pair(n) for n in p.targets(projects[0].iri, CDO + "client")]
    versions = _unique(v for pr in projects for v in p.targets(pr.iri, CDO + "usesTaxonomyVersion"))
    categories = _unique(c for v in versions for c in p.targets(v.iri, CDO + "includesCategory"))
    _protocol(p, sheet, projects, versions)
    _platform(p, sheet, dataset, projects)
    _limitations(p, sheet, dataset, projects, versions, categories)
    _analysis(p, sheet, dataset, projects, categories)
    _annotators(p, sheet, projects)
    _sensitive(p, sheet, versions, categories)
    return sheet


def _protocol(p: Projection, sheet: Datasheet, projects: list[Node], versions: list[Node]) -> None:
    for version in versions:
        taxonomies = p.targets(version.iri, CDO + "versionOf")
        developers = [d for t in taxonomies for d in p.targets(t.iri, CDO + "developedBy")]
        documents = p.targets(version.iri, CDO + "definedIn")
        text = f"Labels were chosen from taxonomy version {_name(version)}"
        text += f" of {names(taxonomies)}" if taxonomies else ""
        text += f", released {version.attrs['released']}" if "released" in version.attrs else ""
        text += f", defined in {names(documents)}" if documents else ""
        text += f"; the taxonomy was developed by {names(developers)}." if developers else "."
        sheet.add("dataAnnotationProtocol", _statement(text, [version, *taxonomies, *documents]))
        for change in p.sources(version.iri, CDO + "toVersion"):
            sheet.add("dataAnnotationProtocol", _change(p, change, version))
    for project in projects:
        impositions = p.sources(project.iri, CDO + "inProject")
        for imposition in sorted(
            (n for n in impositions if n.kind == "imposition"),
            key=lambda n: (n.attrs.get("date", ""), n.id),
        ):
            sheet.add("dataAnnotationProtocol", _imposition(p, imposition))


def _change(p: Projection, change: Node, version: Node) -> Statement:
    before = p.targets(change.iri, CDO + "sourceCategory")
    after = p.targets(change.iri, CDO + "resultCategory")
    deciders = p.targets(change.iri, CDO + "decidedBy")
    text = f"Change {change.id} to {_name(version)} ({change.attrs.get('change_type', 'change')})"
    if before or after:
        text += f": {names(before) or 'nothing'} became {names(after) or 'nothing'}"
    text += f", decided by {names(deciders)}" if deciders else ""
    text += f" on {change.attrs['date']}" if "date" in change.attrs else ""
    text += f". Rationale: {change.attrs['rationale']}" if "rationale" in change.attrs else ""
    return _statement(text.rstrip(".") + ".", [change, *before, *after, *deciders])


def _imposition(p: Projection, imposition: Node) -> Statement:
    imposers = p.targets(imposition.iri, CDO + "imposedBy")
    targets = p.targets(imposition.iri, CDO + "imposedOn")
    imposed = p.targets(imposition.iri, CDO + "imposes")
    documents = p.targets(imposition.iri, CDO + "viaDocument")
    relays = p.targets(imposition.iri, CDO + "relays")
    text = f"Imposition {imposition.id}: {names(imposers)} made {names(imposed)} binding on "
    text += f"{names(targets)}"
    text += f" by {imposition.attrs['medium']}" if "medium" in imposition.attrs else ""
    text += f" on {imposition.attrs['date']}" if "date" in imposition.attrs else ""
    text += f", through {names(documents)}" if documents else ""
    text += f", relaying {names(relays)}" if relays else ""
    about = [imposition, *imposers, *targets, *imposed, *documents]
    return _statement(text + ".", about)


def _platform(p: Projection, sheet: Datasheet, dataset: Node, projects: list[Node]) -> None:
    platforms = _unique(
        [
            *p.targets(dataset.iri, CDO + "platform"),
            *(x for pr in projects for x in p.targets(pr.iri, CDO + "platform")),
        ]
    )
    for platform in platforms:
        sheet.add(
            "dataAnnotationPlatform",
            _statement(f"Annotation took place on {_name(platform)}.", [platform]),
        )
    for project in projects:
        for imposition in p.sources(project.iri, CDO + "inProject"):
            via = p.targets(imposition.iri, CDO + "viaPlatform")
            tools = [
                d
                for d in p.targets(imposition.iri, CDO + "viaDocument")
                if CDO + "ToolConfiguration" in d.types
            ]
            if via or tools:
                text = f"Imposition {imposition.id} was carried by the tool itself"
                text += f" on {names(via)}" if via else ""
                text += f" (configuration {names(tools)})" if tools else ""
                sheet.add(
                    "dataAnnotationPlatform",
                    _statement(text + ".", [imposition, *via, *tools]),
                )


def _limitations(
    p: Projection,
    sheet: Datasheet,
    dataset: Node,
    projects: list[Node],
    versions: list[Node],
    categories: list[Node],
) -> None:
    taxonomies = {t.iri for v in versions for t in p.targets(v.iri, CDO + "versionOf")}
    in_scope = {n.iri for n in projects}
    for excluded in p.nodes("excluded-category"):
        if not taxonomies & {t.iri for t in p.targets(excluded.iri, CDO + "excludedFrom")}:
            continue
        proposals = p.targets(excluded.iri, CDO + "fromProposal")
        proposal_projects = {
            pr.iri for prop in proposals for pr in p.targets(prop.iri, CDO + "inProject")
        }
        if proposal_projects and not proposal_projects & in_scope:
            continue
        proposers = [x for prop in proposals for x in p.targets(prop.iri, CDO + "proposedBy")]
        deciders = p.targets(excluded.iri, CDO + "excludedBy")
        fallback = p.targets(excluded.iri, CDO + "fallbackCategory")
        text = f"The category {excluded.label!r} is not in the taxonomy"
        text += f": proposed by {names(proposers)}" if proposers else ""
        text += f", excluded by {names(deciders)}" if deciders else ""
        level = excluded.attrs.get("decision_level")
        text += f" at {level} level" if level else ""
        text += f" on {excluded.attrs['date']}" if "date" in excluded.attrs else ""
        text += (
            f" ({excluded.attrs['rationale'].rstrip('.')})" if "rationale" in excluded.attrs else ""
        )
        text += f". Items of that kind carry {names(fallback)} instead" if fallback else ""
        about = [excluded, *proposals, *proposers, *deciders, *fallback]
        sheet.add("dataLimitations", _statement(text + ".", about))
    in_taxonomy = {c.iri for c in categories}
    for objection in p.nodes("objection"):
        concerns = [c for c in p.targets(objection.iri, CDO + "concerns") if c.iri in in_taxonomy]
        overruled_by = p.targets(objection.iri, CDO + "overruledBy")
        if not concerns or not overruled_by:
            continue
        raised = p.targets(objection.iri, CDO + "raisedBy")
        text = f"An objection by {names(raised)} to {names(concerns)} was overruled by "
        text += f"{names(overruled_by)}"
        text += f" on {objection.attrs['date']}" if "date" in objection.attrs else ""
        about = [objection, *raised, *concerns, *overruled_by]
        sheet.add("dataLimitations", _statement(text + ".", about))
    finals = p.summaries.final_labels.get(dataset.iri, {})
    total = sum(finals.values())
    residual = [c for c in categories if CDO + "ResidualCategory" in c.types]
    residual_items = sum(finals.get(c.iri, 0) for c in residual)
    if total and residual:
        text = (
            f"{residual_items} of {total} labelled items ({_share(residual_items, total)}) carry "
            f"a residual category ({names(residual)})."
        )
        sheet.add("dataLimitations", _statement(text, residual))


def _analysis(
    p: Projection,
    sheet: Datasheet,
    dataset: Node,
    projects: list[Node],
    categories: list[Node],
) -> None:
    applied = _applied_edges(p, {n.iri for n in projects})
    acts = sum(e.details.get("acts", 0) for e in applied)
    overridden = sum(e.details.get("overridden", 0) for e in applied)
    if acts:
        text = (
            f"Annotators made {acts} classification acts; QA reviewers overrode {overridden} "
            f"({_share(overridden, acts)}), so {acts - overridden} final labels are the "
            "annotator's own choice."
        )
        sheet.add("dataAnnotationAnalysis", _statement(text, projects))
    per_category: Counter[str] = Counter()
    for edge in applied:
        per_category[edge.target] += edge.details.get("overridden", 0)
    for iri, n in sorted(per_category.items(), key=lambda kv: (-kv[1], kv[0])):
        if n:
            sheet.add(
                "dataAnnotationAnalysis",
                _statement(f"{n} labels {_name(p.node(iri))} were overridden.", [p.node(iri)]),
            )
    justification: Counter[str] = Counter()
    evidence: set[str] = set()
    for category in categories:
        for edge in p.in_edges(category.iri, OVERRODE_TO):
            justification.update(edge.details)
            evidence.update(edge.evidence)
    if justification:
        parts = ", ".join(f"{kind}: {n}" for kind, n in sorted(justification.items()))
        text = (
            "Overrides to these categories (in every project using them), by what justified "
            f"them: {parts}."
        )
        sheet.add("dataAnnotationAnalysis", _statement(text, categories, evidence))
    finals = p.summaries.final_labels.get(dataset.iri, {})
    if finals:
        parts = ", ".join(
            f"{_name(p.node(iri)) if p.has(iri) else iri}: {n}"
            for iri, n in sorted(finals.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        sheet.add("dataAnnotationAnalysis", _statement(f"Final labels per category: {parts}."))
        items = sum(finals.values())
        if acts and items:
            sheet.add(
                "annotationsPerItem",
                _statement(f"{acts / items:.2f} classification acts per labelled item."),
            )


def _applied_edges(p: Projection, projects: set[str]) -> list[Edge]:
    """The folded `applied` edges of these projects (one per annotator and category)."""
    return [
        e
        for _s, _t, e in p.graph.edges(data="edge")
        if e.predicate == APPLIED and e.project in projects
    ]


def _annotators(p: Projection, sheet: Datasheet, projects: list[Node]) -> None:
    in_scope = {n.iri for n in projects}
    annotators = _unique(p.node(e.source) for e in _applied_edges(p, in_scope))
    if not annotators:
        return
    orgs = Counter(
        ", ".join([_name(o), *([_place(o)] if _place(o) else [])])
        for a in annotators
        for o in p.targets(a.iri, ORG + "memberOf")
        if o.kind == "org"
    )
    text = f"{len(annotators)} annotators, known by pseudonymous ids only"
    if orgs:
        text += "; by organisation: " + "; ".join(
            f"{name}: {n}" for name, n in sorted(orgs.items())
        )
    text += ". The study records no personal demographics of annotators."
    sheet.add("annotatorDemographics", _statement(text, annotators))


def _sensitive(
    p: Projection, sheet: Datasheet, versions: list[Node], categories: list[Node]
) -> None:
    by_attribute: dict[str, list[Node]] = {}
    for category in categories:
        attribute = category.attrs.get("sensitive_attribute")
        if attribute:
            by_attribute.setdefault(attribute, []).append(category)
    for attribute, encoded in sorted(by_attribute.items()):
        values = ", ".join(
            f"{c.label} ({c.attrs['attribute_value']})" if "attribute_value" in c.attrs else c.label
            for c in encoded
        )
        text = f"The labels encode {attribute}: {values}."
        sheet.add("personalSensitiveInformation", _statement(text, encoded))


def names(nodes: Sequence[Node]) -> str:
    parts = [_name(n) for n in nodes]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _name(node: Node) -> str:
    return node.label if node.label == node.id else f"{node.label} ({node.id})"


def _place(org: Node) -> str:
    return ", ".join(org.attrs[k] for k in ("location", "country") if k in org.attrs)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def _pair(node: Node) -> tuple[str, str]:
    return (node.iri, node.label)


def _unique(nodes: Iterable[Node]) -> list[Node]:
    return list({n.iri: n for n in nodes}.values())


def _statement(text: str, about: Iterable[Node] = (), evidence: Iterable[str] = ()) -> Statement:
    """A statement about some records, backed by their evidence (and any given)."""
    about_list = _unique(about)
    backing = {e for n in about_list for e in n.evidence} | set(evidence)
    return Statement(text, tuple(n.iri for n in about_list), tuple(sorted(backing)))
