"""The `cdkg` command: load study records, query and export the graph, serve it over HTTP.

Each command lives in an `app/cli_*.py` module by concern; this module only assembles them.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Annotated

import typer

from app import __version__
from app.cli_ask import ask
from app.cli_catalogue import drop, sources_command, stats
from app.cli_export import export
from app.cli_load import load, validate
from app.cli_publish import publish
from app.cli_query import query
from app.cli_serve import serve

cli = typer.Typer(
    name="cdkg",
    help="A knowledge graph of classification decisions in the production of ML datasets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cdkg {__version__}")
        raise typer.Exit()


@cli.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """A knowledge graph of classification decisions in the production of ML datasets.

    Settings come from CDKG_* environment variables and the config file CDKG_CONFIG names.
    """


cli.command()(load)
cli.command()(validate)
cli.command()(query)
cli.command()(ask)
cli.command()(export)
cli.command()(stats)
cli.command("sources")(sources_command)
cli.command()(drop)
cli.command()(serve)
cli.command()(publish)

# Tokens and canned queries are registered when their modules are part of this installation.
if importlib.util.find_spec("app.cli_tokens") is not None:
    cli.add_typer(importlib.import_module("app.cli_tokens").token_app, name="token")
if importlib.util.find_spec("app.cli_ask") is not None:
    cli.command()(importlib.import_module("app.cli_ask").ask)
if importlib.util.find_spec("app.cli_datasheet") is not None:
    cli.command()(importlib.import_module("app.cli_datasheet").datasheet)


def main() -> None:
    cli()
