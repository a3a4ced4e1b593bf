"""CORS for reading: any configured origin may GET, HEAD and POST queries, without credentials.

Writes stay out of reach of other origins: PUT and DELETE are not allowed methods, and a
cross-origin POST update needs an owner token that a browser never attaches by itself (cdkg
uses no cookies and `allow_credentials` is off).
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

READ_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
REQUEST_HEADERS = ("Accept", "Content-Type", "Authorization")
# Headers a script on another origin may read from cdkg's responses.
EXPOSED_HEADERS = ("CDKG-Truncated", "ETag", "Last-Modified", "Link", "Retry-After")


def install_cors(app: FastAPI, origins: list[str]) -> None:
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=READ_METHODS,
        allow_headers=REQUEST_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        allow_credentials=False,
        max_age=600,
    )
