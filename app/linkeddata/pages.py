"""The view of one resource page: labelled properties, links to it, evidence, breadcrumbs.

Plain data for the templates: every IRI has become a label and an href here, so the templates
only lay things out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode

from app.linkeddata.describe import Description, ObjectTerm, labels, select, term
from app.linkeddata.evidence import Quote
from app.linkeddata.iris import Study
from app.linkeddata.links import Linker
from app.linkeddata.related import View
from app.linkeddata.vocab import (
    CDO,
    DCTERMS,
    LABEL_PREDICATES,
    ORG,
    RDF_TYPE,
    SKOS,
    XSD,
    Vocabulary,
    curie,
    local_name,
)
from app.store.base import GraphStore

# Links that lead up to a resource's context, most telling first; the breadcrumbs follow them.
PARENT_PREDICATES: tuple[str, ...] = (
    CDO + "inProject",
    CDO + "fromProject",
    CDO + "overrides",
    CDO + "toVersion",
    CDO + "versionOf",
    CDO + "excludedFrom",
    CDO + "proposedFor",
    CDO + "inDataset",
    CDO + "fromProposal",
    SKOS + "topConceptOf",
    SKOS + "inScheme",
    ORG + "unitOf",
    ORG + "organization",
)
_CRUMB_DEPTH = 3
_LEADING = (
    DCTERMS + "description",
    SKOS + "definition",
    CDO + "text",
    CDO + "ruleText",
    CDO + "rationale",
    CDO + "reason",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    DCTERMS + "date",
)
# Datatypes every reader recognises from the value itself: no hint after them.
_PLAIN_DATATYPES = frozenset(
    XSD + name for name in ("string", "date", "dateTime", "integer", "decimal", "boolean")
)
# Shown in the page's heading and summary rather than the table of properties.
_HEADLINE = (*LABEL_PREDICATES, DCTERMS + "identifier", RDF_TYPE)


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class Property:
    label: str
    href: str
    definition: str | None
    values: list[Link]
    more: int = 0


@dataclass
class ResourcePage:
    iri: str
    title: str
    identifier: str | None
    types: list[Link]
    crumbs: list[Link]
    alternates: list[tuple[str, str, str]]
    properties: list[Property]
    incoming: list[Property]
    quotes: list[Quote] = field(default_factory=list)
    own_quote: Quote | None = None
    views: list[View] = field(default_factory=list)
    study: Study | None = None
    licence: Link | None = None


def value_link(
    value: ObjectTerm,
    names: dict[str, str],
    described: frozenset[str],
    linker: Linker,
    vocabulary: Vocabulary,
) -> Link:
    """How one value reads on a page."""
    if isinstance(value, Literal):
        return Link(value.value, hint=_literal_hint(value))
    if isinstance(value, BlankNode):
        return Link("(unnamed node)")
    iri = value.value
    if linker.iris.site_path(iri) is not None:
        text = names.get(iri) or local_name(iri)
        return Link(text, linker.resource(iri) if iri in described else None)
    return Link(vocabulary.label(iri) if _is_term(iri, vocabulary) else iri, linker.term(iri))


def resource_page(
    store: GraphStore,
    graphs: Sequence[str],
    description: Description,
    linker: Linker,
    vocabulary: Vocabulary,
) -> ResourcePage:
    names = description.labels
    neighbours = {o.value for _, o in description.outgoing if isinstance(o, NamedNode)}
    neighbours |= {s for s, _ in description.incoming}
    described = existing(store, graphs, neighbours)
    properties = []
    for predicate in _ordered_predicates(p for p, _ in description.outgoing):
        if predicate in _HEADLINE:
            continue
        values = [
            value_link(o, names, described, linker, vocabulary)
            for o in description.values(predicate)
        ]
        values.sort(key=lambda link: link.text.lower())
        properties.append(_property(predicate, values, linker, vocabulary))
    incoming = []
    for predicate in sorted({p for _, p in description.incoming}, key=vocabulary.label):
        subjects = [s for s, p in description.incoming if p == predicate]
        values = [value_link(NamedNode(s), names, described, linker, vocabulary) for s in subjects]
        values.sort(key=lambda link: link.text.lower())
        total = description.incoming_counts.get(predicate, len(values))
        incoming.append(
            _property(predicate, values, linker, vocabulary, more=max(0, total - len(values)))
        )
    types = sorted(
        (Link(vocabulary.label(t), linker.term(t)) for t in description.types),
        key=lambda link: link.text,
    )
    study = linker.iris.study_of(description.iri)
    return ResourcePage(
        iri=description.iri,
        title=description.label,
        identifier=description.first_literal(DCTERMS + "identifier"),
        types=types,
        crumbs=breadcrumbs(store, graphs, description, linker),
        alternates=linker.alternates(description.iri),
        properties=properties,
        incoming=incoming,
        study=study,
    )


def existing(store: GraphStore, graphs: Sequence[str], iris: set[str]) -> frozenset[str]:
    """Which of `iris` the reader's graphs describe (only those get a link)."""
    found: set[str] = set()
    wanted = sorted(iris)
    for start in range(0, len(wanted), 400):
        values = " ".join(term(i) for i in wanted[start : start + 400])
        rows = select(
            store,
            graphs,
            f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {values} }} ?x ?p ?o }}",
        )
        found |= {row[0].value for row in rows if row[0] is not None}
    return frozenset(found)


def breadcrumbs(
    store: GraphStore, graphs: Sequence[str], description: Description, linker: Linker
) -> list[Link]:
    """All studies, the study, then the chain of parents (project, taxonomy, ...) down to
    the page's own parent: the page itself is the heading below the crumbs."""
    crumbs = [Link("All studies", linker.home())]
    study = linker.iris.study_of(description.iri)
    if study is None:
        return crumbs
    chain: list[str] = []
    current = _parent(description.outgoing)
    while current is not None and len(chain) < _CRUMB_DEPTH and current not in chain:
        if current in (study.iri, description.iri):
            break
        chain.append(current)
        current = _parent_of(store, graphs, current)
    names = labels(store, graphs, [study.iri, *chain])
    if study.iri != description.iri:
        crumbs.append(Link(names.get(study.iri, study.title), linker.resource(study.iri)))
    for iri in reversed(chain):
        crumbs.append(Link(names.get(iri) or local_name(iri), linker.resource(iri)))
    return crumbs


def _parent(outgoing: Sequence[tuple[str, ObjectTerm]]) -> str | None:
    for predicate in PARENT_PREDICATES:
        candidates = sorted(
            o.value for p, o in outgoing if p == predicate and isinstance(o, NamedNode)
        )
        # Categories are in their taxonomy and in each version: the taxonomy is the parent.
        preferred = [c for c in candidates if "/taxonomy/" in c] or candidates
        if preferred:
            return preferred[0]
    return None


def _parent_of(store: GraphStore, graphs: Sequence[str], iri: str) -> str | None:
    values = " ".join(term(p) for p in PARENT_PREDICATES)
    rows = select(
        store,
        graphs,
        f"SELECT ?p ?o WHERE {{ VALUES ?p {{ {values} }} {term(iri)} ?p ?o FILTER(isIRI(?o)) }}",
    )
    pairs: list[tuple[str, ObjectTerm]] = [
        (row[0].value, row[1]) for row in rows if isinstance(row[1], NamedNode) and row[0]
    ]
    return _parent(pairs)


def _property(
    predicate: str, values: list[Link], linker: Linker, vocabulary: Vocabulary, more: int = 0
) -> Property:
    return Property(
        vocabulary.label(predicate),
        linker.term(predicate),
        vocabulary.definition(predicate),
        values,
        more,
    )


def _ordered_predicates(predicates: Iterable[str]) -> list[str]:
    """What a reader looks at first (text, then date), then the ontology's own terms, then
    the rest, each group alphabetical."""
    seen = dict.fromkeys(predicates)

    def key(predicate: str) -> tuple[int, str]:
        if predicate in _LEADING:
            return (_LEADING.index(predicate) - len(_LEADING), "")
        return (0 if predicate.startswith(CDO) else 1, local_name(predicate).lower())

    return sorted(seen, key=key)


def _is_term(iri: str, vocabulary: Vocabulary) -> bool:
    return iri in vocabulary.terms or curie(iri) != iri


def _literal_hint(value: Literal) -> str | None:
    if value.language:
        return value.language
    datatype = value.datatype.value if value.datatype is not None else None
    if datatype is None or datatype in _PLAIN_DATATYPES:
        return None
    return curie(datatype)
