"""`ETag` and `Last-Modified` for data responses, from the store's generation.

Every write to the catalogue bumps the generation (app.store.catalogue), so a generation names
one state of the data. The tag also names the reader's level and the representation, because
readers at different levels, or asking for different formats, get different bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response

from app.linkeddata.state import LinkedData, Reader
from app.store.base import AccessLevel
from app.store.catalogue import sources


@dataclass(frozen=True)
class DataVersion:
    generation: int
    modified: datetime | None  # the latest load time in the catalogue

    def headers(self, level: AccessLevel, variant: str) -> dict[str, str]:
        found = {"ETag": f'"g{self.generation}-{level.slug}-{variant}"'}
        if self.modified is not None:
            found["Last-Modified"] = format_datetime(self.modified.astimezone(UTC), usegmt=True)
        return found


def data_version(ld: LinkedData, reader: Reader) -> DataVersion:
    """The version of the data `reader` sees; the load times are read from the catalogue once
    per generation, since only a write (which moves the generation) can change them."""

    def build() -> DataVersion:
        loaded = [s.loaded_at for s in sources(reader.store)]
        return DataVersion(reader.generation, max(loaded, default=None))

    return ld.cached(("data-version",), reader.generation, build)


def is_fresh(
    if_none_match: str | None, if_modified_since: str | None, headers: dict[str, str]
) -> bool:
    """Whether the client's copy (named by its conditional headers) is still current: then
    the answer is 304 Not Modified. If-None-Match, when present, decides (RFC 9110 §13.2.2)."""
    tag = headers.get("ETag")
    if if_none_match is not None:
        if tag is None:
            return False
        offered = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in offered or tag in offered
    modified = headers.get("Last-Modified")
    if if_modified_since is None or modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return parsedate_to_datetime(modified) <= since


def conditional_response(
    request: Request, body: bytes | str, media_type: str, headers: dict[str, str]
) -> Response:
    """The response, or 304 with the same validators when the client's copy is current."""
    if request.method in ("GET", "HEAD") and is_fresh(
        request.headers.get("if-none-match"), request.headers.get("if-modified-since"), headers
    ):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
