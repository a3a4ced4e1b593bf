"""Errors of the path, analytics and datasheet routes, mapped to statuses by `app.errors`."""

from __future__ import annotations

from app.errors import ApiError, NotFound


class UnknownNode(NotFound):
    """Nothing the viewer may see has that name: unknown and hidden look the same."""

    slug = "unknown-node"


class AmbiguousNode(ApiError):
    slug = "ambiguous-node"
    title = "Ambiguous name"


class BadReference(ApiError):
    slug = "bad-reference"
    title = "Bad node reference"
