"""Where each minted IRI lives on this server, and back.

A study's records have IRIs `{base}{kind}/{id}` under the base IRI its researchers declared
(docs/model.md). This server publishes the study under the web path `/id/{study-id}/`, so the
record `{base}imposition/IMP03` is served at `/id/{study-id}/imposition/IMP03`, and at
`{CDKG_PUBLIC_BASE_URL}/id/{study-id}/imposition/IMP03` from outside. The base IRI itself never
changes with the host: a redirect rule at the base (for example a w3id.org rule sending
`{base}(.*)` to `{public}/id/{study-id}/$1`) makes it dereference (docs/linked-data.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, QuerySolutions

from app.linkeddata.vocab import CDO, DCTERMS, RDF_TYPE
from app.store.base import GraphStore

ID_ROOT = "id"
STUDY_SLUG = "study/"

# Explicit-format suffixes a resource path may end with, and the format token each stands for.
SUFFIXES: dict[str, str] = {
    ".html": "html",
    ".ttl": "ttl",
    ".jsonld": "jsonld",
    ".nt": "nt",
    ".rdf": "rdfxml",
}
SUFFIX_OF: dict[str, str] = {token: suffix for suffix, token in SUFFIXES.items()}


@dataclass(frozen=True)
class Study:
    """A study as the linked-data layer sees it: its node, base IRI and web folder."""

    iri: str
    identifier: str
    base: str
    title: str
    slug: str  # the folder under /id/

    @property
    def folder(self) -> str:
        """The site path (no leading slash) under which its resources live."""
        return f"{ID_ROOT}/{self.slug}/"

    def rest_of(self, iri: str) -> str | None:
        """The part of `iri` after the base, when it is one of this study's IRIs."""
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return iri[len(self.base) :]
        return None


@dataclass(frozen=True)
class IriMap:
    """The studies a reader can see, and the mapping between their IRIs and site paths."""

    studies: tuple[Study, ...]

    def study_by_slug(self, slug: str) -> Study | None:
        return next((s for s in self.studies if s.slug == slug), None)

    def study_of(self, iri: str) -> Study | None:
        # The longest base wins when one study's base lies inside another's.
        matches = [s for s in self.studies if s.rest_of(iri) is not None]
        return max(matches, key=lambda s: len(s.base), default=None)

    def site_path(self, iri: str) -> str | None:
        """The site path (no leading slash) of a minted IRI; None when no study minted it."""
        study = self.study_of(iri)
        if study is None:
            return None
        rest = study.rest_of(iri)
        return None if rest is None else study.folder + rest


def study_slug(identifier: str, base: str, taken: Iterable[str]) -> str:
    """The folder name of a study: its id, made unique when two studies share one."""
    if identifier not in taken:
        return identifier
    return f"{identifier}-{hashlib.sha256(base.encode()).hexdigest()[:8]}"


def split_study_iri(iri: str, identifier: str) -> str | None:
    """The base of a study IRI `{base}study/{id}`; None when the IRI has another shape."""
    tail = STUDY_SLUG + identifier
    if not iri.endswith(tail) or len(iri) == len(tail):
        return None
    return iri[: -len(tail)]


def read_iri_map(store: GraphStore, graphs: Sequence[str]) -> IriMap:
    """The studies whose node lies in `graphs` (what the reader may see)."""
    if not graphs:
        return IriMap(())
    result = store.query(
        f"""SELECT ?study ?id (SAMPLE(?t) AS ?title) WHERE {{
              ?study <{RDF_TYPE}> <{CDO}Study> ; <{DCTERMS}identifier> ?id .
              OPTIONAL {{ ?study <{DCTERMS}title> ?t }}
            }} GROUP BY ?study ?id ORDER BY ?study""",
        default_graphs=list(graphs),
        named_graphs=[],
    )
    assert isinstance(result, QuerySolutions)
    found: list[Study] = []
    for row in result:
        node, identifier, title = row[0], row[1], row[2]
        if not isinstance(node, NamedNode) or identifier is None:
            continue
        base = split_study_iri(node.value, identifier.value)
        if base is None:
            continue
        slug = study_slug(identifier.value, base, (s.slug for s in found))
        label = title.value if title is not None else identifier.value
        found.append(Study(node.value, identifier.value, base, label, slug))
    return IriMap(tuple(found))


def split_suffix(rest: str) -> tuple[str, str | None]:
    """(`rest` without a format suffix, the format token) or (`rest`, None)."""
    for suffix, token in SUFFIXES.items():
        if rest.endswith(suffix) and len(rest) > len(suffix):
            return rest[: -len(suffix)], token
    return rest, None
