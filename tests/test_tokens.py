"""Bearer tokens: hashed storage, atomic file, revocation, and the `cdkg token` commands."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli_tokens import token_app
from app.security.tokens import (
    TokenFileError,
    TokenStore,
    UnknownTokenId,
    tokens_path,
)


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "tokens.json"


def test_created_token_is_stored_only_as_its_digest(tokens_file: Path) -> None:
    record, token = TokenStore(tokens_file).create("researcher", "Ana")
    text = tokens_file.read_text()
    assert token.startswith("cdkg_")
    assert token not in text
    assert hashlib.sha256(token.encode()).hexdigest() in text
    saved = json.loads(text)["tokens"]
    assert saved == [
        {
            "id": record.id,
            "role": "researcher",
            "label": "Ana",
            "created": record.created,
            "revoked": False,
            "sha256": hashlib.sha256(token.encode()).hexdigest(),
        }
    ]


def test_tokens_are_random_and_ids_distinct(tokens_file: Path) -> None:
    store = TokenStore(tokens_file)
    made = [store.create("owner") for _ in range(5)]
    assert len({token for _record, token in made}) == 5
    assert len({record.id for record, _token in made}) == 5
    assert all(len(token) > 40 for _record, token in made)


def test_lookup_finds_the_record_and_nothing_else(tokens_file: Path) -> None:
    store = TokenStore(tokens_file)
    record, token = store.create("owner", "lead")
    assert store.lookup(token) == record
    assert store.lookup(token + "x") is None
    assert store.lookup("") is None


def test_file_is_private_and_leaves_no_temporary_files(tokens_file: Path) -> None:
    store = TokenStore(tokens_file)
    store.create("owner")
    store.create("researcher")
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600
    leftovers = sorted(p.name for p in tokens_file.parent.iterdir())
    assert leftovers == [".tokens.json.lock", "tokens.json"]


def test_revoke_marks_the_record(tokens_file: Path) -> None:
    store = TokenStore(tokens_file)
    record, token = store.create("researcher")
    revoked = store.revoke(record.id)
    assert revoked.revoked is True
    found = store.lookup(token)
    assert found is not None and found.revoked is True
    with pytest.raises(UnknownTokenId, match="t-nope"):
        store.revoke("t-nope")


def test_a_second_instance_sees_changes_on_disk(tokens_file: Path) -> None:
    # The server keeps one TokenStore; the CLI writes through another.
    server = TokenStore(tokens_file)
    assert server.records() == ()
    record, token = TokenStore(tokens_file).create("owner")
    assert server.lookup(token) == record
    TokenStore(tokens_file).revoke(record.id)
    found = server.lookup(token)
    assert found is not None and found.revoked


def test_two_writers_lose_nothing(tokens_file: Path) -> None:
    first, second = TokenStore(tokens_file), TokenStore(tokens_file)
    first.records()
    second.records()
    first.create("owner", "one")
    second.create("owner", "two")
    assert [r.label for r in TokenStore(tokens_file).records()] == ["one", "two"]


def test_unknown_role_is_refused(tokens_file: Path) -> None:
    with pytest.raises(ValueError, match="researcher, owner"):
        TokenStore(tokens_file).create("admin")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON at line 1, column 2"),
        ('{"version": 1}', 'expected an object with a "tokens" list'),
        ('{"version": 9, "tokens": []}', "unsupported version 9"),
        ('{"version": 1, "tokens": [7]}', "token #1: expected an object"),
        (
            '{"version": 1, "tokens": [{"id": "t-1", "role": "admin", "label": "",'
            ' "created": "", "revoked": false, "sha256": "' + "0" * 64 + '"}]}',
            "token #1: field 'role' must be one of researcher, owner",
        ),
        (
            '{"version": 1, "tokens": [{"id": "t-1", "role": "owner", "label": "",'
            ' "created": "", "revoked": "no", "sha256": "' + "0" * 64 + '"}]}',
            "token #1: field 'revoked' must be a bool",
        ),
        (
            '{"version": 1, "tokens": [{"id": "t-1", "role": "owner", "label": "",'
            ' "created": "", "revoked": false, "sha256": "abc"}]}',
            "token #1: field 'sha256' must be 64 lowercase hex digits",
        ),
    ],
)
def test_broken_file_is_named_with_the_problem(
    tokens_file: Path, content: str, message: str
) -> None:
    tokens_file.parent.mkdir(parents=True)
    tokens_file.write_text(content)
    with pytest.raises(TokenFileError) as caught:
        TokenStore(tokens_file).lookup("cdkg_anything")
    assert str(tokens_file) in str(caught.value)
    assert message in str(caught.value)


def test_missing_file_means_no_tokens(tokens_file: Path) -> None:
    assert TokenStore(tokens_file).records() == ()


def test_no_file_for_memory_store() -> None:
    store = TokenStore(None)
    assert store.lookup("cdkg_x") is None
    with pytest.raises(TokenFileError, match="CDKG_TOKENS_FILE"):
        store.create("owner")


def test_tokens_path_defaults_beside_the_store(tmp_path: Path) -> None:
    assert tokens_path(tmp_path / "data" / "store", None) == tmp_path / "data" / "tokens.json"
    assert tokens_path(tmp_path / "store", tmp_path / "t.json") == tmp_path / "t.json"
    assert tokens_path(Path(":memory:"), None) is None


runner = CliRunner()


def test_cli_create_prints_the_token_once(tokens_file: Path) -> None:
    result = runner.invoke(
        token_app,
        ["create", "--role", "owner", "--label", "lead [main]", "--tokens-file", str(tokens_file)],
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    record = TokenStore(tokens_file).lookup(token)
    assert record is not None
    assert (record.role, record.label) == ("owner", "lead [main]")
    assert "shown only now" in result.stderr


def test_cli_list_never_shows_tokens(tokens_file: Path) -> None:
    made = runner.invoke(
        token_app,
        ["create", "--role", "researcher", "--label", "Ana", "--tokens-file", str(tokens_file)],
    )
    token = made.stdout.strip().splitlines()[-1]
    (record,) = TokenStore(tokens_file).records()
    listed = runner.invoke(token_app, ["list", "--tokens-file", str(tokens_file)])
    assert listed.exit_code == 0, listed.output
    assert record.id in listed.stdout
    assert "Ana" in listed.stdout
    assert "active" in listed.stdout
    assert token not in listed.output
    assert record.sha256 not in listed.output


def test_cli_revoke(tokens_file: Path) -> None:
    record, _token = TokenStore(tokens_file).create("researcher")
    result = runner.invoke(token_app, ["revoke", record.id, "--tokens-file", str(tokens_file)])
    assert result.exit_code == 0, result.output
    assert f"revoked token {record.id}" in result.stderr
    listed = runner.invoke(token_app, ["list", "--tokens-file", str(tokens_file)])
    assert "revoked" in listed.stdout


def test_cli_revoke_unknown_id_fails_clearly(tokens_file: Path) -> None:
    result = runner.invoke(token_app, ["revoke", "t-missing", "--tokens-file", str(tokens_file)])
    assert result.exit_code == 1
    assert "no token with id 't-missing'" in result.stderr
    assert "Traceback" not in result.output


def test_cli_bad_role_fails_clearly(tokens_file: Path) -> None:
    result = runner.invoke(
        token_app, ["create", "--role", "admin", "--tokens-file", str(tokens_file)]
    )
    assert result.exit_code == 2
    assert "admin" in result.output
    assert not tokens_file.exists()


def test_cli_uses_the_store_option_for_the_default_file(tmp_path: Path) -> None:
    store = tmp_path / "elsewhere" / "store"
    result = runner.invoke(token_app, ["create", "--role", "owner", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert len(TokenStore(tmp_path / "elsewhere" / "tokens.json").records()) == 1


def test_cli_broken_file_is_one_line(tokens_file: Path) -> None:
    tokens_file.parent.mkdir(parents=True)
    tokens_file.write_text("[]")
    result = runner.invoke(token_app, ["list", "--tokens-file", str(tokens_file)])
    assert result.exit_code == 1
    assert f"error: {tokens_file}" in result.stderr
    assert "Traceback" not in result.output
