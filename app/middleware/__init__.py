"""Request-level operations: body cap, CORS, query log, and the token store they share.

`install_middleware(app, settings)` is called once by `create_app`. Order, outermost first:
query log (sees every answer, refusals included), CORS, body cap, then the application.
"""

from __future__ import annotations

from fastapi import FastAPI

from app.middleware.body_limit import BodySizeLimit, BodyTooLarge
from app.middleware.cors import install_cors
from app.middleware.querylog import QueryLog, QueryLogMiddleware
from app.security.tokens import TokenStore, tokens_path
from app.settings import Settings

__all__ = ["BodySizeLimit", "BodyTooLarge", "QueryLog", "QueryLogMiddleware", "install_middleware"]


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Install the body cap, CORS and query log, and put the token store on `app.state`."""
    tokens = TokenStore(tokens_path(settings.store, settings.tokens_file))
    app.state.token_store = tokens
    # Starlette wraps each new middleware around the previous ones: innermost first.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    install_cors(app, settings.cors_origins)
    if settings.query_log is not None:
        log = QueryLog(settings.query_log, settings.query_log_max_bytes, settings.query_log_backups)
        app.add_middleware(QueryLogMiddleware, log=log, tokens=tokens)
