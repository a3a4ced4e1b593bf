"""Store access: a small interface (`GraphStore`) and its embedded Oxigraph implementation."""

from app.store.base import (
    CATALOGUE_GRAPH,
    AccessLevel,
    GraphStore,
    QueryResult,
    StoreError,
    StoreLocked,
    StoreNotFound,
)
from app.store.oxigraph_store import OxigraphStore

__all__ = [
    "CATALOGUE_GRAPH",
    "AccessLevel",
    "GraphStore",
    "OxigraphStore",
    "QueryResult",
    "StoreError",
    "StoreLocked",
    "StoreNotFound",
]
