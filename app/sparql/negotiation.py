"""The SPARQL routes' formats: which of the one table's formats (`app.negotiation`) answer each
kind of result, the choice for a query's kind, and the formats an upload may come in.

/sparql and the Graph Store choose with `app.negotiation.choose` like every other route; the
query's form only decides the candidates (and names the answer in a 406 message).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from pyoxigraph import RdfFormat

from app.errors import ApiError
from app.negotiation import (
    CSV,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TSV,
    TURTLE,
    MediaFormat,
    choose,
)
from app.sparql.execution import ResultKind

# Each kind's candidates, the default first.
_CANDIDATES: dict[ResultKind, tuple[MediaFormat, ...]] = {
    "solutions": (SPARQL_JSON, SPARQL_XML, CSV, TSV),
    "boolean": (SPARQL_JSON, SPARQL_XML),
    "graph": (TURTLE, N_TRIPLES, N_QUADS, TRIG, JSON_LD, RDF_XML),
}
# Every format the SPARQL routes answer in.
FORMATS: tuple[MediaFormat, ...] = (*_CANDIDATES["solutions"], *_CANDIDATES["graph"])

# Uploads: the graph formats, each read by pyoxigraph's parser for it.
_UPLOADS: dict[MediaFormat, RdfFormat] = {
    TURTLE: RdfFormat.TURTLE,
    N_TRIPLES: RdfFormat.N_TRIPLES,
    N_QUADS: RdfFormat.N_QUADS,
    TRIG: RdfFormat.TRIG,
    JSON_LD: RdfFormat.JSON_LD,
    RDF_XML: RdfFormat.RDF_XML,
}

_DESCRIBED: dict[ResultKind, str] = {
    "solutions": "SELECT results",
    "boolean": "ASK results",
    "graph": "graph results",
}


class UnsupportedMediaType(ApiError):
    status = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"


def formats_for(kind: ResultKind) -> tuple[MediaFormat, ...]:
    return _CANDIDATES[kind]


def negotiate(
    kind: ResultKind, accept: str | None, formats: str | Sequence[str] | None = None
) -> MediaFormat:
    """The format to answer a `kind` result in; raises NotAcceptable when none fits."""
    words = (formats,) if isinstance(formats, str) else tuple(formats or ())
    if len(accept or "") + sum(len(w) for w in words) > _REMEMBERED_CHARS:
        return choose(accept, words, _CANDIDATES[kind], _DESCRIBED[kind])
    return _negotiated(kind, accept, words)


# A client sends the same Accept header with every request: remember the answers to the
# usual ones (long headers are worked out each time rather than kept).
_REMEMBERED_CHARS = 512


@lru_cache(maxsize=256)
def _negotiated(kind: ResultKind, accept: str | None, formats: tuple[str, ...]) -> MediaFormat:
    return choose(accept, formats, _CANDIDATES[kind], _DESCRIBED[kind])


def upload_formats() -> tuple[MediaFormat, ...]:
    """The formats an upload may come in."""
    return tuple(_UPLOADS)


def rdf_format_for(content_type: str | None) -> RdfFormat:
    """The parser for an upload's Content-Type; UnsupportedMediaType when there is none."""
    media_type, charset = split_content_type(content_type)
    if charset is not None and charset not in ("utf-8", "utf8", "us-ascii"):
        raise UnsupportedMediaType(f"charset={charset} is not supported: RDF uploads must be UTF-8")
    for fmt, parser in _UPLOADS.items():
        if media_type in fmt.names:
            return parser
    accepted = ", ".join(f.media_type for f in _UPLOADS)
    shown = media_type or "(none)"
    raise UnsupportedMediaType(f"cannot read RDF sent as {shown}; send one of: {accepted}")


def split_content_type(value: str | None) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type header, both lower-cased; ("", None) if absent."""
    if value is None:
        return "", None
    fields = [f.strip() for f in value.split(";")]
    charset = None
    for param in fields[1:]:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip('"').lower()
    return fields[0].lower(), charset


def openapi_content(kinds: Iterable[ResultKind]) -> dict[str, dict[str, object]]:
    """The `content` map of an OpenAPI response listing every media type of `kinds`."""
    wanted = {fmt for kind in kinds for fmt in _CANDIDATES[kind]}
    return {f.media_type: {"schema": {"type": "string"}} for f in FORMATS if f in wanted}
