"""Content negotiation for linked-data documents: HTML for people, RDF for machines.

The RDF formats are those of the service's one media-type table (`app.sparql.negotiation`);
HTML is added here because only linked-data pages have it. Accept is read the same way
(`parse_accept`): per format, the most specific range matching it gives its quality; the best
quality wins, ties go to the server's order (HTML first, so a browser's `*/*` gets a page).
"""

from __future__ import annotations

from pyoxigraph import RdfFormat, Triple, serialize

from app.linkeddata.vocab import PREFIXES
from app.sparql.negotiation import (
    FORMATS,
    MediaFormat,
    MediaRange,
    NotAcceptable,
    parse_accept,
)

HTML = MediaFormat("html", "text/html", ("application/xhtml+xml",), frozenset(), "HTML")
RDF_TOKENS = ("ttl", "jsonld", "nt", "rdfxml")
RDF_FORMATS: tuple[MediaFormat, ...] = tuple(
    next(f for f in FORMATS if f.token == token) for token in RDF_TOKENS
)
DOCUMENT_FORMATS: tuple[MediaFormat, ...] = (HTML, *RDF_FORMATS)


def by_token(token: str, candidates: tuple[MediaFormat, ...] = DOCUMENT_FORMATS) -> MediaFormat:
    wanted = token.strip().lower()
    for candidate in candidates:
        if candidate.token == wanted:
            return candidate
    raise NotAcceptable(
        f"format={token!r} is not available here; use one of: "
        + ", ".join(c.token for c in candidates)
    )


def choose(
    accept: str | None,
    format_token: str | None = None,
    candidates: tuple[MediaFormat, ...] = DOCUMENT_FORMATS,
) -> MediaFormat:
    """The representation to send; NotAcceptable (406) when the client accepts none."""
    if format_token is not None:
        return by_token(format_token, candidates)
    if accept is None or not accept.strip():
        return candidates[0]
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen: MediaFormat | None = None
    for order, candidate in enumerate(candidates):
        q = _quality(ranges, candidate.names)
        if q <= 0:
            continue
        if best is None or (q, -order) > best:
            best, chosen = (q, -order), candidate
    if chosen is None:
        raise NotAcceptable(
            f"nothing in Accept: {accept.strip()!r} is available here; available: "
            + ", ".join(c.media_type for c in candidates)
            + " (or format="
            + "|".join(c.token for c in candidates)
            + ")"
        )
    return chosen


def _quality(ranges: tuple[MediaRange, ...], names: tuple[str, ...]) -> float:
    """A format's quality: the most specific range matching any of its names decides (the
    best quality among equally specific ones), so `text/html;q=0, */*` refuses HTML."""
    decisive: tuple[int, float] | None = None
    for name in names:
        for media_range in ranges:
            level = media_range.specificity(name)
            if level and (decisive is None or (level, media_range.q) > decisive):
                decisive = (level, media_range.q)
    return 0.0 if decisive is None else decisive[1]


def rdf_bytes(triples: list[Triple], token: str) -> bytes:
    """`triples` in an RDF format of the table, with the usual prefixes where it has them."""
    fmt = RdfFormat.from_media_type(by_token(token, RDF_FORMATS).media_type)
    if fmt is None:
        raise ValueError(f"not an RDF format: {token}")
    used = {p: ns for p, ns in PREFIXES.items() if _uses(triples, ns)}
    # Sorted, so that Turtle groups each subject's statements and equal data reads the same.
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return serialize(ordered, format=fmt, prefixes=used) or b""


def _uses(triples: list[Triple], namespace: str) -> bool:
    for triple in triples:
        for value in (triple.subject, triple.predicate, triple.object):
            if getattr(value, "value", "").startswith(namespace):
                return True
            datatype = getattr(value, "datatype", None)
            if datatype is not None and datatype.value.startswith(namespace):
                return True
    return False
