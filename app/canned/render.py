"""One page of a canned query, many renderings: JSON, CSV, an HTML table.

The routes choose among `TABLE_FORMATS` with `app.negotiation.choose` (JSON when the client
states no preference); this module renders the page in the chosen format.
"""

from __future__ import annotations

import csv
import io
import json

from app.canned.params import Binding
from app.canned.registry import CannedQuery
from app.canned.results import Page, Plain
from app.negotiation import CSV, HTML, JSON, MediaFormat

# Server preference order: the first is the default.
TABLE_FORMATS: tuple[MediaFormat, ...] = (JSON, CSV, HTML)


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
