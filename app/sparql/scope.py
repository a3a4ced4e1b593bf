"""Where the endpoints are, and which part of the store a caller queries.

Owners (and the W3C harness, which acts as one) query the whole store: the store's default
graph, every named graph, FROM and FROM NAMED as the text says. Everyone else gets what
`app.security.access.restrict_dataset` allows: catalogued graphs of their level only.
"""

from __future__ import annotations

from functools import partial

from fastapi import Request

from app.security.access import Viewer, restrict_dataset
from app.sparql.execution import Dataset
from app.sparql.protocol import Restrict
from app.store.base import GraphStore

SPARQL_PATH = "/sparql"
GRAPH_STORE_PATH = "/rdf-graph-store"


def restriction_for(viewer: Viewer, store: GraphStore) -> Restrict | None:
    """How to narrow `viewer`'s requested dataset; None: no narrowing (the whole store)."""
    if viewer.is_owner:
        return None
    return partial(_restrict, viewer, store)


def _restrict(viewer: Viewer, store: GraphStore, requested: Dataset | None) -> Dataset:
    return restrict_dataset(viewer, requested, store)


def public_base(request: Request, public_base_url: str | None) -> str:
    """This server's address as clients see it: the configured one, else the request's."""
    if public_base_url:
        return public_base_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def endpoint_url(request: Request, public_base_url: str | None) -> str:
    """The SPARQL endpoint's IRI: `sd:endpoint`, and the base IRI of queries and updates."""
    return public_base(request, public_base_url) + SPARQL_PATH


def graph_store_url(request: Request, public_base_url: str | None) -> str:
    """The Graph Store's URL: directly identified graphs and created graphs live under it."""
    return public_base(request, public_base_url) + GRAPH_STORE_PATH
