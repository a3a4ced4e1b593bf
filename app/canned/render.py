"""One page of a canned query, many renderings: JSON, CSV, an HTML table; chosen in one place.

The format comes from `format=` when given, else from `Accept` (q-values, the most specific
range deciding); JSON when the client states no preference. Nothing fits: 406.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from app.canned.params import Binding
from app.canned.registry import CannedQuery
from app.canned.results import Page, Plain
from app.sparql.negotiation import NotAcceptable, parse_accept


@dataclass(frozen=True)
class TableFormat:
    token: str
    media_type: str
    description: str

    @property
    def content_type(self) -> str:
        if self.media_type.startswith("text/"):
            return self.media_type + "; charset=utf-8"
        return self.media_type


# Server preference order: the first is the default.
TABLE_FORMATS: tuple[TableFormat, ...] = (
    TableFormat("json", "application/json", "columns, rows as objects, truncated, next link"),
    TableFormat("csv", "text/csv", "a header row, then one line per row (RFC 4180)"),
    TableFormat("html", "text/html", "a table with a parameter form and page links"),
)


def choose_format(accept: str | None, token: str | None) -> TableFormat:
    """The format to answer in; NotAcceptable (406) naming what is available."""
    if token is not None and token.strip():
        wanted = token.strip().lower()
        for fmt in TABLE_FORMATS:
            if fmt.token == wanted:
                return fmt
        raise NotAcceptable(
            f"format={token!r} is not available for canned queries; use one of: "
            + ", ".join(f.token for f in TABLE_FORMATS)
        )
    if accept is None or not accept.strip():
        return TABLE_FORMATS[0]
    ranges = parse_accept(accept)
    best: tuple[float, int, int] | None = None
    chosen: TableFormat | None = None
    for order, fmt in enumerate(TABLE_FORMATS):
        decisive: tuple[int, float, int] | None = None
        for media_range in ranges:
            level = media_range.specificity(fmt.media_type)
            if level == 0:
                continue
            key = (level, media_range.q, -media_range.position)
            if decisive is None or key > decisive:
                decisive = key
        if decisive is None or decisive[1] <= 0:
            continue
        candidate = (decisive[1], decisive[2], -order)
        if best is None or candidate > best:
            best, chosen = candidate, fmt
    if chosen is None:
        raise NotAcceptable(
            f"nothing in Accept: {accept.strip()!r} is available for canned queries; available: "
            + ", ".join(f.media_type for f in TABLE_FORMATS)
            + " (or format="
            + "|".join(f.token for f in TABLE_FORMATS)
            + ")"
        )
    return chosen


def page_document(
    query: CannedQuery, binding: Binding, page: Page, next_url: str | None
) -> dict[str, object]:
    """The JSON rendering as a Python value."""
    return {
        "query": query.name,
        "title": query.header.title,
        "parameters": binding.values,
        "columns": list(page.columns),
        "rows": list(page.plain_rows()),
        "offset": page.offset,
        "limit": page.limit,
        "truncated": page.truncated,
        "next": next_url,
    }


def render_json(query: CannedQuery, binding: Binding, page: Page, next_url: str | None) -> bytes:
    return dumps_json(page_document(query, binding, page, next_url))


def dumps_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8")


def render_csv(page: Page) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(page.columns)
    for row in page.plain_rows():
        writer.writerow([csv_cell(value) for value in row.values()])
    return out.getvalue().encode("utf-8")


def csv_cell(value: Plain) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
