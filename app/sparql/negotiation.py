"""The one media-type table, and content negotiation over it.

Every SPARQL and Graph Store route picks its response type here: from `Accept` (q-values,
`type/*` and `*/*` ranges, the most specific range deciding, RFC 9110 §12.5.1) or from an explicit
`format=` token, per kind of result. Nothing fits: `NotAcceptable` (406) listing what would.
Uploads find their parser here too (`rdf_format_for`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import RdfFormat

from app.errors import ApiError
from app.sparql.execution import ResultKind


@dataclass(frozen=True)
class MediaFormat:
    token: str
    media_type: str
    aliases: tuple[str, ...]
    kinds: frozenset[ResultKind]
    label: str
    # Its name in the W3C format registry (used by the service description).
    iri: str = ""
    # Other words clients put in `format=` for it (SPARQLWrapper sends `format=turtle`).
    synonyms: tuple[str, ...] = ()

    def named_by(self, word: str) -> bool:
        """Whether a `format=` value names this format: its token, a synonym, a media type."""
        return word == self.token or word in self.synonyms or word in self.names

    @property
    def content_type(self) -> str:
        """The Content-Type header value: text types say their charset."""
        if self.media_type.startswith("text/"):
            return self.media_type + "; charset=utf-8"
        return self.media_type

    @property
    def names(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


_RESULTS: frozenset[ResultKind] = frozenset({"solutions", "boolean"})
_SOLUTIONS: frozenset[ResultKind] = frozenset({"solutions"})
_GRAPH: frozenset[ResultKind] = frozenset({"graph"})

# Server preference order within a kind: the first one is the default.
_REGISTRY = "http://www.w3.org/ns/formats/"
FORMATS: tuple[MediaFormat, ...] = (
    MediaFormat(
        "json",
        "application/sparql-results+json",
        ("application/json",),
        _RESULTS,
        "SPARQL JSON",
        _REGISTRY + "SPARQL_Results_JSON",
    ),
    MediaFormat(
        "xml",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        _RESULTS,
        "SPARQL XML",
        _REGISTRY + "SPARQL_Results_XML",
    ),
    MediaFormat("csv", "text/csv", (), _SOLUTIONS, "SPARQL CSV", _REGISTRY + "SPARQL_Results_CSV"),
    MediaFormat(
        "tsv",
        "text/tab-separated-values",
        (),
        _SOLUTIONS,
        "SPARQL TSV",
        _REGISTRY + "SPARQL_Results_TSV",
    ),
    MediaFormat(
        "ttl",
        "text/turtle",
        ("application/x-turtle",),
        _GRAPH,
        "Turtle",
        _REGISTRY + "Turtle",
        ("turtle", "n3"),
    ),
    MediaFormat(
        "nt",
        "application/n-triples",
        ("text/plain",),
        _GRAPH,
        "N-Triples",
        _REGISTRY + "N-Triples",
        ("ntriples", "n-triples"),
    ),
    MediaFormat(
        "nq",
        "application/n-quads",
        ("text/x-nquads",),
        _GRAPH,
        "N-Quads",
        _REGISTRY + "N-Quads",
        ("nquads", "n-quads"),
    ),
    MediaFormat("trig", "application/trig", (), _GRAPH, "TriG", _REGISTRY + "TriG"),
    MediaFormat(
        "jsonld",
        "application/ld+json",
        ("application/json",),
        _GRAPH,
        "JSON-LD",
        _REGISTRY + "JSON-LD",
        ("json-ld", "json"),
    ),
    MediaFormat(
        "rdfxml",
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        _GRAPH,
        "RDF/XML",
        _REGISTRY + "RDF_XML",
        ("rdf", "rdf+xml", "rdf/xml", "xml"),
    ),
)

# Uploads: the graph formats above, each read by pyoxigraph's parser for it.
_UPLOADS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}


class NotAcceptable(ApiError):
    status = 406
    title = "Not acceptable"
    slug = "not-acceptable"


class UnsupportedMediaType(ApiError):
    status = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"


def formats_for(kind: ResultKind) -> tuple[MediaFormat, ...]:
    return tuple(f for f in FORMATS if kind in f.kinds)


def negotiate(
    kind: ResultKind, accept: str | None, formats: str | Sequence[str] | None = None
) -> MediaFormat:
    """The format to answer a `kind` result in; raises NotAcceptable when none fits."""
    if isinstance(formats, str):
        formats = (formats,)
    words = tuple(formats or ())
    if len(accept or "") + sum(len(w) for w in words) > _REMEMBERED_CHARS:
        return choose(formats_for(kind), accept, words, _describe(kind))
    return _negotiated(kind, accept, words)


# A client sends the same Accept header with every request: remember the answers to the
# usual ones (long headers are worked out each time rather than kept).
_REMEMBERED_CHARS = 512


@lru_cache(maxsize=256)
def _negotiated(kind: ResultKind, accept: str | None, formats: tuple[str, ...]) -> MediaFormat:
    return choose(formats_for(kind), accept, formats, _describe(kind))


def choose(
    candidates: tuple[MediaFormat, ...],
    accept: str | None,
    formats: str | Sequence[str] | None = None,
    what: str = "this resource",
) -> MediaFormat:
    """The best of `candidates` (in server preference order) for `format=` or `Accept`.

    `formats` are the request's `format=` values (clients send several, or comma lists of
    media types); the first that names a candidate wins, and naming none is NotAcceptable.
    Otherwise, per format, the most specific Accept range naming it decides its q; the
    highest q wins, then the range the client listed first, then the server's order.
    """
    words = _format_words(formats)
    if words:
        for word in words:
            for candidate in candidates:
                if candidate.named_by(word):
                    return candidate
        raise NotAcceptable(
            f"format={', '.join(words)} is not available for {what}; "
            f"use one of: {', '.join(c.token for c in candidates)}"
        )
    if accept is None or not accept.strip():
        return candidates[0]
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen: MediaFormat | None = None
    for order, candidate in enumerate(candidates):
        match = _best_range(ranges, candidate)
        if match is None or match[0] <= 0:
            continue
        key = (match[0], -match[1], -order)
        if best is None or key > best:
            best, chosen = key, candidate
    if chosen is None:
        raise NotAcceptable(
            f"nothing in Accept: {accept.strip()!r} is available for {what}; "
            f"available: {', '.join(c.media_type for c in candidates)} "
            f"(or format={'|'.join(c.token for c in candidates)})"
        )
    return chosen


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str) -> int:
        """How closely this range matches `media_type`: 3 exact, 2 `type/*`, 1 `*/*`, 0 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type != kind:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed entries are left out, not errors."""
    ranges: list[MediaRange] = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _quality(value.strip())
        ranges.append(MediaRange(kind, sub, q, position))
    return tuple(ranges)


def upload_formats() -> tuple[MediaFormat, ...]:
    """The formats an upload may come in."""
    return tuple(f for f in FORMATS if f.token in _UPLOADS)


def rdf_format_for(content_type: str | None) -> RdfFormat:
    """The parser for an upload's Content-Type; UnsupportedMediaType when there is none."""
    media_type, charset = split_content_type(content_type)
    if charset is not None and charset not in ("utf-8", "utf8", "us-ascii"):
        raise UnsupportedMediaType(f"charset={charset} is not supported: RDF uploads must be UTF-8")
    for fmt in FORMATS:
        if fmt.token in _UPLOADS and media_type in fmt.names:
            return _UPLOADS[fmt.token]
    accepted = ", ".join(f.media_type for f in FORMATS if f.token in _UPLOADS)
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
    wanted = set(kinds)
    return {f.media_type: {"schema": {"type": "string"}} for f in FORMATS if f.kinds & wanted}


def _best_range(ranges: tuple[MediaRange, ...], fmt: MediaFormat) -> tuple[float, int] | None:
    """(q, position) a format gets from the most specific range naming it: its own media type
    by any range, an alias only by an exact one (the answer is sent as the media type itself,
    so `text/*` must not pick SPARQL XML through its `text/xml` alias)."""
    decisive: tuple[int, float, int] | None = None
    for media_range in ranges:
        level = media_range.specificity(fmt.media_type)
        if any(media_range.specificity(alias) == 3 for alias in fmt.aliases):
            level = 3
        if level == 0:
            continue
        key = (level, media_range.q, -media_range.position)
        if decisive is None or key > decisive:
            decisive = key
    return None if decisive is None else (decisive[1], -decisive[2])


def _format_words(formats: str | Sequence[str] | None) -> list[str]:
    values = [formats] if isinstance(formats, str) else list(formats or ())
    return [word.strip().lower() for value in values for word in value.split(",") if word.strip()]


def _quality(value: str) -> float:
    try:
        q = float(value)
    except ValueError:
        return 0.0
    return q if 0.0 <= q <= 1.0 else 0.0


def _describe(kind: ResultKind) -> str:
    return {
        "solutions": "SELECT results",
        "boolean": "ASK results",
        "graph": "graph results",
    }[kind]


def content_type_of(media_type: str) -> str:
    """The Content-Type header for a media type of the table (it is passed through if absent)."""
    for fmt in FORMATS:
        if fmt.media_type == media_type:
            return fmt.content_type
    return media_type
