"""What every `cdkg` command shares: the `--store` option, opening the store, error reporting.

Errors the user can fix (bad settings, a locked or missing store, a bad record file, an unknown
source) become one line on stderr and a non-zero exit; anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from app.canned.header import HeaderError
from app.settings import Settings, SettingsError, load_settings
from app.store import AccessLevel, StoreError
from app.store.catalogue import CatalogueError
from app.store.oxigraph_store import OxigraphStore, open_store

P = ParamSpec("P")
R = TypeVar("R")

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        envvar="CDKG_STORE",
        help="Store folder (default ./data/store).",
        show_default=False,
        metavar="PATH",
    ),
]


class Level(StrEnum):
    public = "public"
    restricted = "restricted"
    confidential = "confidential"

    @property
    def access(self) -> AccessLevel:
        return AccessLevel.from_slug(self.value)


LevelOption = Annotated[
    Level,
    typer.Option("--level", help="Read as a reader at this access level (default: everything)."),
]


class CliError(Exception):
    """A user-facing failure: printed as one line, exits with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def stdout() -> Console:
    # Piped output keeps whole lines and roomy tables rather than a terminal's 80 columns.
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, soft_wrap=True, width=width)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def settings_for(store: Path | None) -> Settings:
    """Settings from the environment and the config file CDKG_CONFIG names, with `--store`."""
    return load_settings(store=store)


@contextmanager
def opened_store(settings: Settings, *, read_only: bool) -> Iterator[OxigraphStore]:
    store = open_store(settings.store, read_only=read_only)
    try:
        yield store
    finally:
        store.close()


def write_bytes(data: bytes) -> None:
    """Write raw bytes to stdout after whatever text is already buffered there."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the errors a user can fix into one line on stderr and an exit status."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CliError as exc:
            _fail(str(exc), exc.code)
        except (SettingsError, StoreError, CatalogueError, HeaderError) as exc:
            _fail(str(exc), 1)

    return wrapper


def _fail(message: str, code: int) -> NoReturn:
    stderr().print(f"error: {message}", markup=False)
    raise typer.Exit(code)
