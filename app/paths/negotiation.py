"""Choosing the representation of a path, analytics or datasheet answer: `format=` first, else
`Accept` (q-values, the most specific range deciding), else the first format; 406 when nothing
fits. The same rules as the SPARQL and canned-query routes, over each route's own formats."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.sparql.negotiation import NotAcceptable, parse_accept


@dataclass(frozen=True)
class Format:
    token: str
    media_type: str

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/") or self.media_type == "image/svg+xml":
            return self.media_type + "; charset=utf-8"
        return self.media_type


def choose(accept: str | None, token: str | None, formats: Sequence[Format], what: str) -> Format:
    if token is not None and token.strip():
        wanted = token.strip().lower()
        for fmt in formats:
            if wanted in (fmt.token, fmt.media_type):
                return fmt
        raise NotAcceptable(
            f"format={token!r} is not available for {what}; use one of: "
            + ", ".join(f.token for f in formats)
        )
    if accept is None or not accept.strip():
        return formats[0]
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen: Format | None = None
    for order, fmt in enumerate(formats):
        decisive: tuple[int, float, int] | None = None
        for media_range in ranges:
            level = media_range.specificity(fmt.media_type)
            if level and (decisive is None or (level, media_range.q) > decisive[:2]):
                decisive = (level, media_range.q, media_range.position)
        if decisive is None or decisive[1] <= 0:
            continue
        key = (decisive[1], -decisive[2], -order)
        if best is None or key > best:
            best, chosen = key, fmt
    if chosen is None:
        raise NotAcceptable(
            f"nothing in Accept: {accept.strip()!r} is available for {what}; available: "
            + ", ".join(f.media_type for f in formats)
            + f" (or format={'|'.join(f.token for f in formats)})"
        )
    return chosen
