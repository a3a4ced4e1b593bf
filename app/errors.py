"""Named errors mapped once to HTTP statuses and `application/problem+json` (RFC 9457).

Routers raise the domain's own errors (or `ApiError` subclasses) and never build error
responses themselves. Only named errors are mapped: anything else is a bug and stays a 500.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from app.sparql.execution import (
    QueryError,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ServerBusy,
)
from app.store import StoreError, StoreLocked
from app.store.catalogue import AmbiguousSource, UnknownSource

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://w3id.org/cdkg/problems#"


class ApiError(Exception):
    """Base for errors a router raises on purpose; subclasses set `status` and `title`."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"
    slug: ClassVar[str] = "bad-request"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}


class NotFound(ApiError):
    status = 404
    title = "Not found"
    slug = "not-found"


# (status, title, slug) per named error; the most specific class wins (checked in MRO order).
ERROR_TABLE: dict[type[Exception], tuple[int, str, str]] = {
    QuerySyntaxError: (400, "Malformed query", "query-syntax"),
    QueryRefused: (400, "Query refused", "query-refused"),
    QueryTimeout: (503, "Query time limit reached", "query-timeout"),
    ServerBusy: (503, "Server busy", "server-busy"),
    QueryError: (400, "Query failed", "query-failed"),
    UnknownSource: (404, "Unknown source", "unknown-source"),
    AmbiguousSource: (400, "Ambiguous source", "ambiguous-source"),
    StoreLocked: (503, "Store locked", "store-locked"),
    StoreError: (503, "Store unavailable", "store-unavailable"),
}

# Errors that say "try again later" carry a hint of when.
RETRY_AFTER_S: dict[type[Exception], int] = {ServerBusy: 1, QueryTimeout: 1}


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    slug: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response; `slug` names the problem type under PROBLEM_BASE."""
    body = {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {})
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for error_type in ERROR_TABLE:
        app.add_exception_handler(error_type, _named_error)


def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem(exc.status, exc.title, exc.detail, slug=exc.slug, headers=exc.headers)


def _named_error(_request: Request, exc: Exception) -> JSONResponse:
    error_type = next(t for t in type(exc).__mro__ if t in ERROR_TABLE)
    status, title, slug = ERROR_TABLE[error_type]
    retry = RETRY_AFTER_S.get(error_type)
    headers = {"Retry-After": str(retry)} if retry is not None else None
    return problem(status, title, str(exc), slug=slug, headers=headers)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    title = _reason(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) else title
    return problem(exc.status_code, title, detail, headers=exc.headers)


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return problem(400, "Bad request", "; ".join(parts), slug="bad-request")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
