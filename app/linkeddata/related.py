"""Links from a resource page to the canned queries and path views that concern it.

Which views exist is read from the app's own OpenAPI document, so a page links only to
operations the running server has, with a parameter that takes this kind of resource. A query
is linked only when that parameter is the one it requires, so every link answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from app.linkeddata.vocab import CDO, ORG, Vocabulary

# Parameter names that take a resource of each class (a class also matches its subclasses).
# "subject" is what the evidence query takes: any record that cites evidence.
PARAMETERS_FOR: tuple[tuple[str, tuple[str, ...]], ...] = (
    (CDO + "Imposition", ("imposition", "decision", "subject")),
    (CDO + "ExcludedCategory", ("excluded", "exclusion", "decision", "subject")),
    (CDO + "Override", ("override", "decision", "subject")),
    (CDO + "VersionChange", ("change", "decision", "subject")),
    (CDO + "Objection", ("objection", "decision", "subject")),
    (CDO + "CategoryProposal", ("proposal", "subject")),
    (CDO + "Rule", ("rule", "subject")),
    (CDO + "Category", ("category",)),
    (CDO + "TaxonomyVersion", ("version", "taxonomy_version")),
    (CDO + "Taxonomy", ("taxonomy",)),
    (CDO + "Dataset", ("dataset",)),
    (CDO + "AnnotationProject", ("project",)),
    (CDO + "Person", ("person", "annotator", "objector", "agent")),
    (CDO + "Client", ("client",)),
    (CDO + "AnnotationCompany", ("company", "vendor")),
    (CDO + "Organization", ("organization", "agent")),
    (ORG + "Organization", ("organization", "agent")),
    (CDO + "Document", ("document",)),
)

# Path views that take the record's IRI in their path, per class; linked as pictures (SVG).
PATH_VIEWS: tuple[tuple[str, str, str], ...] = (
    (CDO + "Imposition", "/paths/chain/", "Relay chain of this imposition (picture)"),
    (CDO + "Category", "/explain/", "Why this label is in the datasets (picture)"),
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
    for cls, prefix, title in PATH_VIEWS:
        if not vocabulary.is_a(types, cls):
            continue
        template = next(
            (o for o in available if o.path.startswith(prefix) and len(o.path_parameters) == 1),
            None,
        )
        if template is not None:
            views.append(View(title, f"{root}{prefix}{quote(iri, safe='')}?format=svg"))
    return views
