"""Access levels and bearer tokens: who may read which graphs, and who may write."""

from app.security.access import (
    ANONYMOUS,
    InvalidCredentials,
    Viewer,
    get_viewer,
    readable_graphs,
    require_owner,
    resolve_viewer,
    restrict_dataset,
)
from app.security.tokens import TokenFileError, TokenRecord, TokenStore, tokens_path

__all__ = [
    "ANONYMOUS",
    "InvalidCredentials",
    "TokenFileError",
    "TokenRecord",
    "TokenStore",
    "Viewer",
    "get_viewer",
    "readable_graphs",
    "require_owner",
    "resolve_viewer",
    "restrict_dataset",
    "tokens_path",
]
