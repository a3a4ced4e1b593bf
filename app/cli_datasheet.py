"""`cdkg datasheet DATASET`: print a dataset's datasheet as Markdown or Croissant RAI JSON-LD."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from app.cli_common import CliError, Level, StoreOption, guarded, opened_store, settings_for
from app.cli_common import write_bytes as emit
from app.datasheets.build import build_datasheet
from app.datasheets.render import dumps_croissant, to_markdown
from app.errors import ApiError
from app.paths.cache import get_projection


class SheetFormat(StrEnum):
    md = "md"
    jsonld = "jsonld"


@guarded
def datasheet(
    dataset: Annotated[
        str,
        typer.Argument(help="The dataset: its id, dataset/ID or its IRI.", show_default=False),
    ],
    output: Annotated[
        SheetFormat, typer.Option("--format", help="Markdown or Croissant RAI JSON-LD.")
    ] = SheetFormat.md,
    level: Annotated[
        Level,
        typer.Option(
            "--level",
            help="Document what a reader at this level may see (a datasheet is "
            "usually published, hence public by default).",
        ),
    ] = Level.public,
    store: StoreOption = None,
) -> None:
    """Print a dataset's datasheet: how its labels came to be, with evidence.

    Example: cdkg datasheet DS1 --format jsonld
    """
    settings = settings_for(store)
    with opened_store(settings, read_only=True) as opened:
        projection = get_projection(opened, level.access, settings.ontology_dir / "cdo.ttl")
        try:
            node = projection.resolve(dataset, kind="dataset", param="dataset")
        except ApiError as exc:
            raise CliError(exc.detail, code=2) from None
        sheet = build_datasheet(projection, node)
    text = dumps_croissant(sheet) if output is SheetFormat.jsonld else to_markdown(sheet)
    emit(text.encode("utf-8"))
