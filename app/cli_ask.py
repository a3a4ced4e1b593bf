"""`cdkg ask`: the canned research queries from the command line, as the local owner.

The same registry, parameter binding and renderings as `/queries`: `cdkg ask --list` shows the
queries, `cdkg ask NAME --param k=v ...` runs one over every catalogued graph (or those of
`--level`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from app.canned.header import HeaderError
from app.canned.params import ParameterError, bind
from app.canned.registry import CannedQuery, QueryRegistry, load_registry
from app.canned.render import dumps_json, page_document, render_csv
from app.canned.results import Page, display, run_page
from app.cli_common import (
    CliError,
    Level,
    LevelOption,
    StoreOption,
    guarded,
    opened_store,
    settings_for,
    stdout,
)
from app.cli_common import write_bytes as emit
from app.settings import Settings
from app.sparql.execution import Dataset
from app.store.catalogue import visible_graphs


class AskFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@guarded
def ask(
    name: Annotated[
        str | None,
        typer.Argument(help="The query to run (`--list` shows them).", show_default=False),
    ] = None,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the canned queries and their parameters.")
    ] = False,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="A parameter as NAME=VALUE; repeat for several.",
            metavar="NAME=VALUE",
        ),
    ] = None,
    output: Annotated[AskFormat, typer.Option("--format", help="How to print the rows.")] = (
        AskFormat.table
    ),
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Print at most this many rows.")
    ] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many rows.")] = 0,
    level: LevelOption = Level.confidential,
    store: StoreOption = None,
) -> None:
    """Run a canned research query (`cdkg ask --list` shows them).

    Example: cdkg ask residual-share --format csv
    """
    settings = settings_for(store)
    registry = _registry(settings)
    if list_queries:
        _print_index(registry)
        return
    if name is None:
        raise CliError("name a query to run, or use --list to see them", code=2)
    query = registry.get(name)
    if query is None:
        raise CliError(f"no canned query named {name!r} (`cdkg ask --list` shows them)", code=2)
    try:
        binding = bind(query.header.parameters, _given(param or []))
    except ParameterError as exc:
        raise CliError(exc.detail, code=2) from None
    with opened_store(settings, read_only=True) as opened:
        graphs = visible_graphs(opened, level.access)
        dataset = Dataset(default_graphs=graphs, named_graphs=graphs)
        page = run_page(opened, query, binding, dataset, offset=offset, limit=limit)
    if output is AskFormat.csv:
        emit(render_csv(page))
    elif output is AskFormat.json:
        emit(dumps_json(page_document(query, binding, page, None)) + b"\n")
    else:
        _print_page(query, page)


def _registry(settings: Settings) -> QueryRegistry:
    try:
        return load_registry(settings.queries_dir)
    except HeaderError as exc:
        raise CliError(f"cannot read the canned queries: {exc}") from None


def _given(pairs: list[str]) -> dict[str, list[str]]:
    given: dict[str, list[str]] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise CliError(f"--param {pair!r}: write it as NAME=VALUE", code=2)
        given.setdefault(key.strip(), []).append(value)
    return given


def _print_index(registry: QueryRegistry) -> None:
    table = Table("name", "question", "parameters", show_lines=False)
    for query in registry:
        table.add_row(query.name, query.header.title, _parameters(query))
    console = stdout()
    console.print(table)
    console.print("Run one with: cdkg ask NAME --param name=value")


def _parameters(query: CannedQuery) -> str:
    parts = []
    for p in query.header.parameters:
        mark = "*" if p.required else ""
        default = f"={p.default_text}" if p.default is not None else ""
        parts.append(f"{p.name}{mark}{default} ({p.type})")
    return ", ".join(parts)


def _print_page(query: CannedQuery, page: Page) -> None:
    console = stdout()
    cells = [[display(cell) for cell in row] for row in page.rows]
    widths = [
        max([len(column), *(len(row[i]) for row in cells)]) for i, column in enumerate(page.columns)
    ]
    # Column borders and padding take three characters per column.
    if sum(widths) + 3 * len(widths) + 1 <= console.width:
        table = Table(*page.columns, title=query.header.title)
        for row in cells:
            table.add_row(*row)
        console.print(table)
    else:
        # Too wide for a table: one block per row, a line per column.
        console.print(query.header.title, style="bold")
        for number, row in enumerate(cells, start=page.offset + 1):
            block = Table.grid(padding=(0, 2))
            block.add_column(style="bold")
            block.add_column(overflow="fold")
            for column, text in zip(page.columns, row, strict=True):
                block.add_row(column, text)
            console.print(f"\nrow {number}")
            console.print(block)
    count = len(page.rows)
    more = " (more follow: use --offset)" if page.truncated else ""
    console.print(f"{count} row{'s' if count != 1 else ''}{more}")
