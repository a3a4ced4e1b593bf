"""The HTML renderings: the index of canned queries and one query's result table.

Server-rendered with Jinja (autoescaped), readable without JavaScript: a plain GET form for the
parameters, a table, and links to the previous and next pages and to the CSV and JSON forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyoxigraph import NamedNode

from app.canned.params import Binding
from app.canned.registry import CannedQuery, QueryRegistry
from app.canned.results import Cell, Page, compact_iri, display

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "queries"


@dataclass(frozen=True)
class HtmlCell:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class PageLinks:
    json: str
    csv: str
    previous: str | None
    next: str | None


def html_cell(cell: Cell) -> HtmlCell:
    text = display(cell)
    if isinstance(cell, NamedNode) and cell.value.startswith(("http://", "https://")):
        return HtmlCell(text, cell.value)
    return HtmlCell(text)


class HtmlRenderer:
    """Renders the HTML pages from the templates in `app/templates/queries/`."""

    def __init__(self, folder: Path = TEMPLATES) -> None:
        self._env = Environment(
            loader=FileSystemLoader(str(folder)),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["compact"] = compact_iri

    def index(self, registry: QueryRegistry) -> str:
        return self._env.get_template("index.html").render(queries=list(registry))

    def result(self, query: CannedQuery, binding: Binding, page: Page, links: PageLinks) -> str:
        rows = [[html_cell(cell) for cell in row] for row in page.rows]
        return self._env.get_template("result.html").render(
            query=query, values=binding.values, page=page, rows=rows, links=links
        )
