"""Store access: a small interface (`GraphStore`) and its embedded Oxigraph implementation."""

from app.store.base import AccessLevel, GraphStore, QueryResult

__all__ = ["AccessLevel", "GraphStore", "QueryResult"]
