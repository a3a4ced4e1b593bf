"""Links from a resource page to the canned queries and path views that concern it.

Which views exist is read from the app's own OpenAPI document, so a page links only to
operations the running server has, with a parameter that takes this kind of resource. A query
is linked only when that parameter is the one it requires, so every link answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from app.linkeddata.vocab import CDO, ORG, Vocabulary

# Parameter names that take a resource of each class (a class also matches its subclasses).
PARAMETERS_FOR: tuple[tuple[str, tuple[str, ...]], ...] = (
    (CDO + "Imposition", ("imposition", "decision", "chain")),
    (CDO + "ExcludedCategory", ("excluded", "exclusion", "excluded_category", "decision")),
    (CDO + "Override", ("override", "decision")),
    (CDO + "VersionChange", ("change", "version_change", "decision")),
    (CDO + "Objection", ("objection", "decision")),
    (CDO + "CategoryProposal", ("proposal",)),
    (CDO + "Category", ("category", "label")),
    (CDO + "TaxonomyVersion", ("version", "taxonomy_version")),
    (CDO + "Taxonomy", ("taxonomy",)),
    (CDO + "Dataset", ("dataset",)),
    (CDO + "AnnotationProject", ("project",)),
    (CDO + "Person", ("person", "annotator", "agent", "actor")),
    (CDO + "Organization", ("organization", "org", "company", "client", "agent", "actor")),
    (ORG + "Organization", ("organization", "org", "company", "client", "agent", "actor")),
    (CDO + "Rule", ("rule",)),
    (CDO + "Document", ("document",)),
)

# Path views that take a record id in their path, per class.
PATH_VIEWS: tuple[tuple[str, str, str], ...] = (
    (CDO + "Imposition", "/paths/chain/", "Relay chain of this imposition"),
    (CDO + "Category", "/explain/", "Why this label is in the datasets"),
)


@dataclass(frozen=True)
class View:
    title: str
    href: str


@dataclass(frozen=True)
class _Operation:
    path: str
    summary: str
    iri_parameters: tuple[str, ...]
    required: frozenset[str]
    path_parameters: tuple[str, ...]


def operations(openapi: Mapping[str, Any]) -> list[_Operation]:
    """The GET operations under /queries/, /paths/ and /explain/ of an OpenAPI document."""
    found = []
    for path, item in sorted(openapi.get("paths", {}).items()):
        if not path.startswith(("/queries/", "/paths/", "/explain/")):
            continue
        get = item.get("get") if isinstance(item, dict) else None
        if not isinstance(get, dict):
            continue
        parameters = [p for p in get.get("parameters", []) if isinstance(p, dict)]
        query_params = [p for p in parameters if p.get("in") == "query"]
        iri_params = tuple(
            p["name"] for p in query_params if (p.get("schema") or {}).get("format") == "iri"
        )
        required = frozenset(p["name"] for p in query_params if p.get("required"))
        in_path = tuple(p["name"] for p in parameters if p.get("in") == "path")
        found.append(
            _Operation(path, str(get.get("summary") or path), iri_params, required, in_path)
        )
    return found


def views_for(
    iri: str,
    identifier: str | None,
    types: frozenset[str],
    available: list[_Operation],
    vocabulary: Vocabulary,
    root: str = "",
) -> list[View]:
    """The views of `available` that take this resource, each with a link that answers."""
    names: list[str] = []
    for cls, parameter_names in PARAMETERS_FOR:
        if vocabulary.is_a(types, cls):
            names += [n for n in parameter_names if n not in names]
    views: list[View] = []
    for operation in available:
        if not operation.path.startswith("/queries/") or operation.path_parameters:
            continue
        match = next((n for n in names if n in operation.iri_parameters), None)
        if match is None or not operation.required <= {match}:
            continue
        query = urlencode({match: iri, "format": "html"})
        views.append(View(operation.summary, f"{root}{operation.path}?{query}"))
    if identifier:
        for cls, prefix, title in PATH_VIEWS:
            if not vocabulary.is_a(types, cls):
                continue
            template = next(
                (
                    o
                    for o in available
                    if o.path.startswith(prefix) and len(o.path_parameters) == 1
                ),
                None,
            )
            if template is not None:
                views.append(View(title, f"{root}{prefix}{identifier}"))
    return views
