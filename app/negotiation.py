"""The one media-type table, and the one way every route chooses a format from it.

A route that answers in several formats names its candidates (a tuple of this table's formats,
its preferred one first) and calls `choose`. The rules (docs/negotiation.md):

1. `format=` first: the first value that names a candidate (its token, one of its synonyms,
   its media type or an alias; trimmed, any case) wins; values that name none give 406.
2. Else `Accept` (RFC 9110 §12.5.1): per candidate, the most specific range matching it decides
   its quality (so `text/html;q=0, */*` refuses HTML); the highest quality wins, ties go to the
   range listed first in the header, then to the route's order.
3. No `Accept` (or an empty one): the first candidate.
4. Nothing fits: `NotAcceptable` (406) naming what was asked, the media types and the tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import ApiError


@dataclass(frozen=True)
class MediaFormat:
    token: str
    media_type: str
    # A short name for people (OpenAPI descriptions, pages).
    label: str
    # Other media types that name this format. In Accept only an exact one counts: the answer
    # is sent as `media_type`, so `text/*` must not pick SPARQL XML through `text/xml`.
    aliases: tuple[str, ...] = ()
    # Other words clients put in `format=` for it (SPARQLWrapper sends `format=turtle`).
    synonyms: tuple[str, ...] = ()
    # Its name in the W3C format registry, where it has one (the SPARQL service description).
    iri: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The media types that name it: its own first, then the aliases."""
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        """The Content-Type header value: text types and SVG say their charset."""
        if self.media_type.startswith("text/") or self.media_type == "image/svg+xml":
            return self.media_type + "; charset=utf-8"
        return self.media_type


_REGISTRY = "http://www.w3.org/ns/formats/"

SPARQL_JSON = MediaFormat(
    "json",
    "application/sparql-results+json",
    "SPARQL JSON",
    aliases=("application/json",),
    iri=_REGISTRY + "SPARQL_Results_JSON",
)
SPARQL_XML = MediaFormat(
    "xml",
    "application/sparql-results+xml",
    "SPARQL XML",
    aliases=("application/xml", "text/xml"),
    iri=_REGISTRY + "SPARQL_Results_XML",
)
CSV = MediaFormat("csv", "text/csv", "CSV", iri=_REGISTRY + "SPARQL_Results_CSV")
TSV = MediaFormat("tsv", "text/tab-separated-values", "TSV", iri=_REGISTRY + "SPARQL_Results_TSV")
TURTLE = MediaFormat(
    "ttl",
    "text/turtle",
    "Turtle",
    aliases=("application/x-turtle",),
    synonyms=("turtle", "n3"),
    iri=_REGISTRY + "Turtle",
)
N_TRIPLES = MediaFormat(
    "nt",
    "application/n-triples",
    "N-Triples",
    aliases=("text/plain",),
    synonyms=("ntriples", "n-triples"),
    iri=_REGISTRY + "N-Triples",
)
N_QUADS = MediaFormat(
    "nq",
    "application/n-quads",
    "N-Quads",
    aliases=("text/x-nquads",),
    synonyms=("nquads", "n-quads"),
    iri=_REGISTRY + "N-Quads",
)
TRIG = MediaFormat("trig", "application/trig", "TriG", iri=_REGISTRY + "TriG")
JSON_LD = MediaFormat(
    "jsonld",
    "application/ld+json",
    "JSON-LD",
    aliases=("application/json",),
    synonyms=("json-ld", "json"),
    iri=_REGISTRY + "JSON-LD",
)
RDF_XML = MediaFormat(
    "rdfxml",
    "application/rdf+xml",
    "RDF/XML",
    aliases=("application/xml", "text/xml"),
    synonyms=("rdf", "rdf+xml", "rdf/xml", "xml"),
    iri=_REGISTRY + "RDF_XML",
)
JSON = MediaFormat("json", "application/json", "JSON")
HTML = MediaFormat("html", "text/html", "HTML", aliases=("application/xhtml+xml",))
MARKDOWN = MediaFormat("md", "text/markdown", "Markdown")
SVG = MediaFormat("svg", "image/svg+xml", "SVG")

# Every format the service answers in. Media types are unique here; tokens only within each
# route's candidates (`json` is SPARQL JSON at /sparql and plain JSON elsewhere).
TABLE: tuple[MediaFormat, ...] = (
    SPARQL_JSON,
    SPARQL_XML,
    CSV,
    TSV,
    TURTLE,
    N_TRIPLES,
    N_QUADS,
    TRIG,
    JSON_LD,
    RDF_XML,
    JSON,
    HTML,
    MARKDOWN,
    SVG,
)

# For answers whose bytes depend on the negotiated format and on the caller's access level
# (the bearer token), so that shared caches keep one copy per combination.
VARY: dict[str, str] = {"Vary": "Accept, Authorization"}


class NotAcceptable(ApiError):
    status = 406
    title = "Not acceptable"
    slug = "not-acceptable"


def choose(
    accept: str | None,
    format_token: str | Sequence[str] | None,
    candidates: Sequence[MediaFormat],
    what: str,
) -> MediaFormat:
    """The candidate to answer in, by the rules above; NotAcceptable when none fits.

    `format_token` is the request's `format=` value, or all of them (clients repeat it and
    send comma lists of media types); `what` names the answer in the 406 message.
    """
    words = _format_words(format_token)
    if words:
        for word in words:
            named = _named_by(word.lower(), candidates)
            if named is not None:
                return named
        asked = ", ".join(words)
        raise NotAcceptable(
            f"format={asked!r} is not available for {what}; {_available(candidates)}"
        )
    if accept is None or not accept.strip():
        return candidates[0]
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen: MediaFormat | None = None
    for order, candidate in enumerate(candidates):
        decided = _decisive_range(ranges, candidate)
        if decided is None or decided.q <= 0:
            continue
        key = (decided.q, -decided.position, -order)
        if best is None or key > best:
            best, chosen = key, candidate
    if chosen is None:
        raise NotAcceptable(
            f"nothing in Accept: {accept.strip()!r} is available for {what}; "
            + _available(candidates)
        )
    return chosen


def by_token(token: str, candidates: Sequence[MediaFormat]) -> MediaFormat:
    """The candidate with this token, for tokens the code itself holds (a file suffix's)."""
    for candidate in candidates:
        if candidate.token == token:
            return candidate
    raise LookupError(f"no format {token!r} among {', '.join(c.token for c in candidates)}")


def content_type_of(media_type: str) -> str:
    """The Content-Type header for a media type of the table (passed through if absent)."""
    for fmt in TABLE:
        if fmt.media_type == media_type:
            return fmt.content_type
    return media_type


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


def _named_by(word: str, candidates: Sequence[MediaFormat]) -> MediaFormat | None:
    """The candidate a lower-cased `format=` word names; a token beats another's synonym."""
    for candidate in candidates:
        if candidate.token == word:
            return candidate
    for candidate in candidates:
        if word in candidate.synonyms or word in candidate.names:
            return candidate
    return None


def _decisive_range(ranges: tuple[MediaRange, ...], fmt: MediaFormat) -> MediaRange | None:
    """The range that decides `fmt`'s quality: the most specific one matching it (its media
    type by any range, an alias by an exact one), then the highest q, then the first listed."""
    decisive: tuple[int, float, int] | None = None
    chosen: MediaRange | None = None
    for media_range in ranges:
        level = media_range.specificity(fmt.media_type)
        if any(media_range.specificity(alias) == 3 for alias in fmt.aliases):
            level = 3
        if level == 0:
            continue
        key = (level, media_range.q, -media_range.position)
        if decisive is None or key > decisive:
            decisive, chosen = key, media_range
    return chosen


def _available(candidates: Sequence[MediaFormat]) -> str:
    media_types = ", ".join(c.media_type for c in candidates)
    return f"available: {media_types} (or format={'|'.join(c.token for c in candidates)})"


def _format_words(value: str | Sequence[str] | None) -> list[str]:
    values = [value] if isinstance(value, str) else list(value or ())
    return [word.strip() for text in values for word in text.split(",") if word.strip()]


def _quality(value: str) -> float:
    try:
        q = float(value)
    except ValueError:
        return 0.0
    return q if 0.0 <= q <= 1.0 else 0.0
