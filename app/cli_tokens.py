"""`cdkg token create | list | revoke`: bearer tokens for researchers and owners.

A token is printed once, when it is created; only its SHA-256 digest is kept.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from app.cli_common import CliError, StoreOption, guarded, settings_for, stderr, stdout
from app.security.tokens import TokenFileError, TokenStore, UnknownTokenId, tokens_path

token_app = typer.Typer(
    help="Create, list and revoke bearer tokens (stored hashed in the tokens file).",
    no_args_is_help=True,
)


class TokenRoleChoice(StrEnum):
    researcher = "researcher"
    owner = "owner"


TokensFileOption = Annotated[
    Path | None,
    typer.Option(
        "--tokens-file",
        envvar="CDKG_TOKENS_FILE",
        help="Tokens file (default: tokens.json beside the store).",
        show_default=False,
        metavar="FILE",
    ),
]


def _token_store(store: Path | None, tokens_file: Path | None) -> TokenStore:
    settings = settings_for(store)
    path = tokens_path(settings.store, tokens_file or settings.tokens_file)
    if path is None:
        raise CliError("an in-memory store has no tokens file; pass --tokens-file FILE")
    return TokenStore(path)


@token_app.command("create")
@guarded
def create(
    role: Annotated[
        TokenRoleChoice,
        typer.Option("--role", help="researcher: public and restricted data; owner: all, writes."),
    ],
    label: Annotated[str, typer.Option("--label", help="A note saying whose token this is.")] = "",
    store: StoreOption = None,
    tokens_file: TokensFileOption = None,
) -> None:
    """Create a token and print it once; keep it, it cannot be shown again.

    Example: cdkg token create --role researcher --label "Ana, interview coding"
    """
    tokens = _token_store(store, tokens_file)
    try:
        record, token = tokens.create(role.value, label)
    except TokenFileError as exc:
        raise CliError(str(exc)) from None
    stderr().print(
        f"created token {record.id} ({record.role}) in {tokens.path}; it is shown only now:",
        markup=False,
    )
    typer.echo(token)


@token_app.command("list")
@guarded
def list_tokens(
    store: StoreOption = None,
    tokens_file: TokensFileOption = None,
) -> None:
    """List tokens: id, role, label, creation time and whether revoked (never the tokens).

    Example: cdkg token list
    """
    tokens = _token_store(store, tokens_file)
    try:
        records = tokens.records()
    except TokenFileError as exc:
        raise CliError(str(exc)) from None
    if not records:
        stderr().print(f"no tokens in {tokens.path}", markup=False)
        return
    table = Table("id", "role", "label", "created", "status")
    for record in records:
        # Text cells: a label is the user's own words, never console markup.
        table.add_row(
            Text(record.id),
            Text(record.role),
            Text(record.label),
            Text(record.created),
            Text("revoked" if record.revoked else "active"),
        )
    stdout().print(table)


@token_app.command("revoke")
@guarded
def revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id (see list).")],
    store: StoreOption = None,
    tokens_file: TokensFileOption = None,
) -> None:
    """Revoke a token: requests carrying it get 401 from then on, without a restart.

    Example: cdkg token revoke t-1a2b3c4d
    """
    tokens = _token_store(store, tokens_file)
    try:
        record = tokens.revoke(token_id)
    except UnknownTokenId as exc:
        raise CliError(str(exc)) from None
    except TokenFileError as exc:
        raise CliError(str(exc)) from None
    stderr().print(f"revoked token {record.id} ({record.role})", markup=False)
