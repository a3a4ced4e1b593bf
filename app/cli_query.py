"""`cdkg query`: SPARQL over every catalogued graph, as the local owner, from the command line."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    serialize,
)
from rich.table import Table

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
from app.sparql.execution import QueryRefused
from app.sparql.screening import screen
from app.sparql.syntax import explain_syntax_error
from app.store import QueryResult
from app.store.catalogue import visible_graphs

PREFIXES = {
    "cdo": "https://w3id.org/cdkg/ontology#",
    "cdkg": "https://w3id.org/cdkg/catalogue#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "oa": "http://www.w3.org/ns/oa#",
    "dpv": "https://w3id.org/dpv#",
}


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


_RESULT_FORMATS = {
    OutputFormat.csv: QueryResultsFormat.CSV,
    OutputFormat.tsv: QueryResultsFormat.TSV,
    OutputFormat.json: QueryResultsFormat.JSON,
}


@guarded
def query(
    sparql: Annotated[
        str | None, typer.Argument(help="The query text (or use -f FILE).", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("-f", "--file", help="Read the query from FILE ('-': standard input)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="How to print SELECT and ASK results.")
    ] = OutputFormat.table,
    level: LevelOption = Level.confidential,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query over every catalogued graph (CONSTRUCT/DESCRIBE print Turtle).

    Example: cdkg query 'SELECT ?p WHERE { ?p a cdo:Person }' --format csv
    """
    text = _query_text(sparql, file)
    try:
        screen(text)
    except QueryRefused as exc:
        raise CliError(f"query refused: {exc}", code=2) from exc
    settings = settings_for(store)
    with opened_store(settings, read_only=True) as opened:
        graphs = list(visible_graphs(opened, level.access))
        try:
            result = opened.query(
                text, default_graphs=graphs, named_graphs=graphs, prefixes=PREFIXES
            )
        except SyntaxError as exc:
            message = explain_syntax_error(text, str(exc))
            raise CliError(f"query syntax error: {message}", code=2) from exc
        try:
            _print(result, output)
        except OSError as exc:
            raise CliError(f"the query failed while running: {exc}") from exc


def _query_text(sparql: str | None, file: Path | None) -> str:
    if (sparql is None) == (file is None):
        raise CliError("give the query as an argument or with -f FILE (one of them)", code=2)
    if file is None:
        assert sparql is not None
        return sparql
    if str(file) == "-":
        return sys.stdin.read()
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{file}: cannot read the query file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{file}: the query file is not UTF-8 text") from exc


def _print(result: QueryResult, output: OutputFormat) -> None:
    if isinstance(result, QuerySolutions):
        if output is OutputFormat.table:
            _print_table(result)
        else:
            emit(result.serialize(format=_RESULT_FORMATS[output]) or b"")
    elif isinstance(result, QueryBoolean):
        if output is OutputFormat.table:
            stdout().print("true" if bool(result) else "false")
        else:
            emit(result.serialize(format=_RESULT_FORMATS[output]) or b"")
    else:
        emit(serialize(result, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b"")


def _print_table(solutions: QuerySolutions) -> None:
    columns = [v.value for v in solutions.variables]
    table = Table(*columns, show_lines=False)
    count = 0
    for row in solutions:
        table.add_row(*(_short(row[name]) for name in columns))
        count += 1
    console = stdout()
    console.print(table)
    console.print(f"{count} row{'s' if count != 1 else ''}")


def _short(term: NamedNode | BlankNode | Literal | Triple | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri) and term.value != iri:
                return f"{prefix}:{term.value.removeprefix(iri)}"
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)
