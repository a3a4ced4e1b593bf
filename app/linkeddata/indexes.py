"""The index sections of pages: a study's kinds of records, a listing of one kind, a taxonomy's
versions side by side with what changed, a dataset's final labels, an organisation's people.

Each function reads the reader's graphs only and returns plain rows for the templates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from pyoxigraph import Literal, NamedNode

from app.linkeddata.describe import labels, select, term
from app.linkeddata.iris import Study
from app.linkeddata.vocab import CDO, DCTERMS, ORG, RDF_TYPE, SKOS, Vocabulary, local_name
from app.store.base import GraphStore

# The class each kind of record is minted as (docs/model.md), for a kind's heading.
KIND_CLASSES: dict[str, str] = {
    "study": CDO + "Study",
    "codebook": CDO + "Codebook",
    "code": CDO + "Code",
    "org": CDO + "Organization",
    "unit": CDO + "OrganizationalUnit",
    "person": CDO + "Person",
    "consent": CDO + "ConsentRecord",
    "membership": CDO + "Membership",
    "interview": CDO + "Interview",
    "taxonomy": CDO + "Taxonomy",
    "category": CDO + "Category",
    "version": CDO + "TaxonomyVersion",
    "change": CDO + "VersionChange",
    "document": CDO + "Document",
    "rule": CDO + "Rule",
    "project": CDO + "AnnotationProject",
    "dataset": CDO + "Dataset",
    "item": CDO + "DataItem",
    "imposition": CDO + "Imposition",
    "proposal": CDO + "CategoryProposal",
    "excluded-category": CDO + "ExcludedCategory",
    "objection": CDO + "Objection",
    "act": CDO + "ClassificationAct",
    "override": CDO + "Override",
    "flag": CDO + "Flag",
    "evidence": CDO + "Evidence",
}
# Kinds listed first on a study's page: what a reader of the study looks for.
KIND_ORDER = (
    "org",
    "person",
    "project",
    "taxonomy",
    "dataset",
    "imposition",
    "proposal",
    "excluded-category",
    "objection",
    "override",
    "change",
    "evidence",
    "document",
    "rule",
)


def kind_label(slug: str, vocabulary: Vocabulary) -> str:
    cls = KIND_CLASSES.get(slug)
    if cls is not None:
        return vocabulary.label(cls)
    return "Count summaries" if slug == "summary" else slug.replace("-", " ").capitalize()


def study_members(store: GraphStore, graphs: Sequence[str], study: Study) -> dict[str, list[str]]:
    """Every resource of `study` the reader can see, by kind (the first path segment)."""
    rows = select(
        store,
        graphs,
        f"SELECT DISTINCT ?s WHERE {{ ?s <{RDF_TYPE}> ?t "
        f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_string(study.base)})) }} ORDER BY ?s",
    )
    kinds: dict[str, list[str]] = {}
    for row in rows:
        iri = row[0].value if row[0] is not None else ""
        rest = study.rest_of(iri)
        if rest is None or "/" not in rest:
            continue
        kinds.setdefault(rest.split("/", 1)[0], []).append(iri)
    return kinds


def ordered_kinds(kinds: dict[str, list[str]]) -> list[str]:
    first = [k for k in KIND_ORDER if k in kinds]
    return first + sorted(k for k in kinds if k not in first)


@dataclass(frozen=True)
class Change:
    iri: str
    kind: str
    before: list[str]
    after: list[str]
    decided_by: str | None
    date: str | None
    rationale: str | None


@dataclass
class VersionColumn:
    iri: str
    label: str
    released: str | None
    categories: set[str] = field(default_factory=set)
    changes: list[Change] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Exclusion:
    iri: str
    decided_by: str | None
    level: str | None
    fallback: str | None
    date: str | None


@dataclass
class TaxonomyView:
    versions: list[VersionColumn]
    categories: list[str]  # every category of the taxonomy or its versions, by label
    residual: set[str]
    exclusions: list[Exclusion]
    names: dict[str, str]


def taxonomy_view(
    store: GraphStore, graphs: Sequence[str], taxonomy: str, vocabulary: Vocabulary
) -> TaxonomyView:
    this = term(taxonomy)
    versions: dict[str, VersionColumn] = {}
    for row in select(
        store,
        graphs,
        f"""SELECT ?v ?released WHERE {{ ?v <{CDO}versionOf> {this} .
              OPTIONAL {{ ?v <{CDO}released> ?released }} }}""",
    ):
        iri = _text(row[0])
        if iri:
            versions[iri] = VersionColumn(iri, local_name(iri), _text(row[1]))
    categories: set[str] = set()
    for row in select(
        store,
        graphs,
        f"""SELECT ?v ?c WHERE {{ ?v <{CDO}versionOf> {this} ; <{CDO}includesCategory> ?c }}""",
    ):
        version, category = _text(row[0]), _text(row[1])
        if version in versions and category:
            versions[version].categories.add(category)
            categories.add(category)
    for row in select(store, graphs, f"SELECT ?c WHERE {{ ?c <{SKOS}inScheme> {this} }}"):
        if _text(row[0]):
            categories.add(_text(row[0]) or "")
    residual = {
        _text(row[0]) or ""
        for row in select(
            store,
            graphs,
            f"SELECT ?c WHERE {{ ?c <{SKOS}inScheme> {this} ; a <{CDO}ResidualCategory> }}",
        )
    }
    _add_changes(store, graphs, this, versions, vocabulary)
    exclusions = [
        Exclusion(
            _text(r[0]) or "", _text(r[1]), _label(r[2], vocabulary), _text(r[3]), _text(r[4])
        )
        for r in select(
            store,
            graphs,
            f"""SELECT ?x ?by ?level ?fallback ?date WHERE {{ ?x <{CDO}excludedFrom> {this} .
                  OPTIONAL {{ ?x <{CDO}excludedBy> ?by }}
                  OPTIONAL {{ ?x <{CDO}decisionLevel> ?level }}
                  OPTIONAL {{ ?x <{CDO}fallbackCategory> ?fallback }}
                  OPTIONAL {{ ?x <{DCTERMS}date> ?date }} }} ORDER BY ?date ?x""",
        )
    ]
    mentioned = set(versions) | categories
    for column in versions.values():
        for change in column.changes:
            mentioned |= {*change.before, *change.after}
            if change.decided_by:
                mentioned.add(change.decided_by)
    for exclusion in exclusions:
        mentioned |= {exclusion.iri} | {x for x in (exclusion.decided_by, exclusion.fallback) if x}
    names = labels(store, graphs, mentioned)
    ordered = sorted(versions.values(), key=lambda v: (v.released or "", v.iri))
    for column in ordered:
        column.label = names.get(column.iri, column.label)
    for previous, column in pairwise(ordered):
        column.added = _by_label(column.categories - previous.categories, names)
        column.removed = _by_label(previous.categories - column.categories, names)
    return TaxonomyView(ordered, _by_label(categories, names), residual, exclusions, names)


def _add_changes(
    store: GraphStore,
    graphs: Sequence[str],
    taxonomy: str,
    versions: dict[str, VersionColumn],
    vocabulary: Vocabulary,
) -> None:
    moved: dict[str, tuple[list[str], list[str]]] = {}
    for row in select(
        store,
        graphs,
        f"""SELECT ?ch ?role ?c WHERE {{ ?v <{CDO}versionOf> {taxonomy} ; <{CDO}hasChange> ?ch .
              VALUES ?role {{ <{CDO}sourceCategory> <{CDO}resultCategory> }} ?ch ?role ?c }}
            ORDER BY ?c""",
    ):
        change, role, category = _text(row[0]), _text(row[1]), _text(row[2])
        if change and category:
            entry = moved.setdefault(change, ([], []))
            entry[0 if role == CDO + "sourceCategory" else 1].append(category)
    for row in select(
        store,
        graphs,
        f"""SELECT ?v ?ch ?type ?by ?date ?why WHERE {{
              ?v <{CDO}versionOf> {taxonomy} ; <{CDO}hasChange> ?ch .
              OPTIONAL {{ ?ch <{CDO}changeType> ?type }}
              OPTIONAL {{ ?ch <{CDO}decidedBy> ?by }}
              OPTIONAL {{ ?ch <{DCTERMS}date> ?date }}
              OPTIONAL {{ ?ch <{CDO}rationale> ?why }} }} ORDER BY ?date ?ch""",
    ):
        version, change = _text(row[0]), _text(row[1])
        if version not in versions or not change:
            continue
        before, after = moved.get(change, ([], []))
        versions[version].changes.append(
            Change(
                change,
                _label(row[2], vocabulary) or "change",
                before,
                after,
                _text(row[3]),
                _text(row[4]),
                _text(row[5]),
            )
        )


@dataclass(frozen=True)
class LabelCount:
    category: str
    items: int
    residual: bool


@dataclass
class DatasetView:
    items: int
    labels: list[LabelCount]
    names: dict[str, str]

    @property
    def labelled(self) -> int:
        return sum(row.items for row in self.labels)

    @property
    def residual_share(self) -> float | None:
        total = self.labelled
        return None if not total else sum(r.items for r in self.labels if r.residual) / total


def dataset_view(store: GraphStore, graphs: Sequence[str], dataset: str) -> DatasetView:
    """The dataset's final labels, from the load-time summaries the reader can see."""
    this = term(dataset)
    counts = [
        (_text(row[0]) or "", int(_text(row[1]) or 0), _text(row[2]) == "true")
        for row in select(
            store,
            graphs,
            f"""SELECT ?c (SUM(?n) AS ?total) (BOUND(?r) AS ?residual) WHERE {{
                  ?s a <{CDO}FinalLabelSummary> ; <{CDO}inDataset> {this} ;
                     <{CDO}category> ?c ; <{CDO}itemCount> ?n .
                  OPTIONAL {{ ?c a ?r FILTER(?r = <{CDO}ResidualCategory>) }}
                }} GROUP BY ?c ?r ORDER BY DESC(?total) ?c""",
        )
    ]
    items = select(
        store,
        graphs,
        f"SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{ ?i a <{CDO}DataItem> ; "
        f"<{CDO}inDataset> {this} }}",
    )
    total = next((int(_text(row[0]) or 0) for row in items), 0)
    names = labels(store, graphs, {c for c, _n, _r in counts})
    return DatasetView(total, [LabelCount(c, n, r) for c, n, r in counts], names)


@dataclass(frozen=True)
class MemberRow:
    person: str
    role: str
    unit: str | None
    start: str | None
    end: str | None


def organisation_members(
    store: GraphStore, graphs: Sequence[str], organisation: str, vocabulary: Vocabulary
) -> tuple[list[MemberRow], dict[str, str]]:
    """Who worked at the organisation, in which role and unit, when."""
    rows = [
        MemberRow(
            _text(r[0]) or "",
            _label(r[1], vocabulary) or "",
            _text(r[2]),
            _text(r[3]),
            _text(r[4]),
        )
        for r in select(
            store,
            graphs,
            f"""SELECT ?person ?role ?unit ?from ?to WHERE {{
                  ?m <{ORG}organization> {term(organisation)} ; <{ORG}member> ?person ;
                     <{ORG}role> ?role .
                  OPTIONAL {{ ?m <{CDO}unit> ?unit }}
                  OPTIONAL {{ ?m <{CDO}startDate> ?from }}
                  OPTIONAL {{ ?m <{CDO}endDate> ?to }} }} ORDER BY ?from ?person ?role""",
        )
    ]
    names = labels(store, graphs, {r.person for r in rows} | {r.unit for r in rows if r.unit})
    return rows, names


def _text(cell: object) -> str | None:
    value = getattr(cell, "value", None)
    return value if isinstance(value, str) else None


def _label(cell: object, vocabulary: Vocabulary) -> str | None:
    return vocabulary.label(cell.value) if isinstance(cell, NamedNode) else _text(cell)


def _by_label(iris: set[str], names: dict[str, str]) -> list[str]:
    return sorted(iris, key=lambda i: (names.get(i, local_name(i)).lower(), i))


def _string(value: str) -> str:
    return str(Literal(value))
