"""Where the endpoints are, and which part of the store a caller queries.

Owners query the whole store: FROM and FROM NAMED as the text says, and by default the store's
default graph merged with every catalogued study graph. Everyone else gets what
`app.security.access.restrict_dataset` allows: catalogued graphs of their level only.
"""

from __future__ import annotations

from functools import partial

from fastapi import Request

from app.security.access import Viewer, restrict_dataset
from app.sparql.execution import STORE_DEFAULT_GRAPH, Dataset
from app.sparql.protocol import Restrict
from app.store.base import AccessLevel, GraphStore
from app.store.catalogue import visible_graphs

SPARQL_PATH = "/sparql"
GRAPH_STORE_PATH = "/rdf-graph-store"


def restriction_for(viewer: Viewer, store: GraphStore) -> Restrict | None:
    """How to narrow `viewer`'s requested dataset; None: no narrowing (the whole store)."""
    if viewer.is_owner:
        return partial(_owner_dataset, store)
    return partial(_restrict, viewer, store)


def _owner_dataset(store: GraphStore, requested: Dataset | None) -> Dataset:
    # Owners may read everything, so a dataset they name is used as named. With none named,
    # their default graph is the store's own default graph merged with every catalogued study
    # graph: the same study data other roles see by default, plus what owners wrote directly.
    if requested is not None:
        return requested
    return Dataset(
        default_graphs=(STORE_DEFAULT_GRAPH, *visible_graphs(store, AccessLevel.CONFIDENTIAL)),
        named_graphs=None,
    )


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
