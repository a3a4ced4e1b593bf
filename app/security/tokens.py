"""Bearer tokens: created at random, shown once, stored only as SHA-256 digests.

The tokens file is JSON (`CDKG_TOKENS_FILE`, by default `tokens.json` beside the store):

    {"version": 1, "tokens": [{"id": "t-1a2b3c4d", "role": "owner", "label": "...",
      "created": "2025-01-31T12:00:00Z", "revoked": false, "sha256": "<hex digest>"}]}

Writes replace the file atomically (a temporary file in the same folder, then a rename), so a
reader never sees half a file. A running server re-reads the file when it changes on disk, so
`cdkg token revoke` takes effect at the next request without a restart.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, cast

TokenRole = Literal["researcher", "owner"]
TOKEN_ROLES: tuple[TokenRole, ...] = ("researcher", "owner")
TOKEN_PREFIX = "cdkg_"
_FILE_VERSION = 1


class TokenFileError(Exception):
    """The tokens file cannot be read or written; the message names the file and the problem."""


class UnknownTokenId(KeyError):
    """No token has the id that was asked for."""

    def __str__(self) -> str:
        return f"no token with id {self.args[0]!r} (`cdkg token list` shows the ids)"


@dataclass(frozen=True)
class TokenRecord:
    """What is kept about a token: never the token itself."""

    id: str
    role: TokenRole
    label: str
    created: str
    revoked: bool
    sha256: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TokenStore:
    """The tokens file, cached in memory and re-read when it changes on disk.

    `path=None` means no tokens file (an in-memory store without CDKG_TOKENS_FILE): every
    bearer token is then unknown, and creating one is an error.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._records: tuple[TokenRecord, ...] = ()
        self._by_digest: dict[str, TokenRecord] = {}

    @property
    def path(self) -> Path | None:
        return self._path

    def records(self) -> tuple[TokenRecord, ...]:
        with self._lock:
            self._refresh()
            return self._records

    def lookup(self, token: str) -> TokenRecord | None:
        """The record of `token` (revoked ones included), or None if it was never issued."""
        with self._lock:
            self._refresh()
            return self._by_digest.get(digest(token))

    def create(self, role: str, label: str = "") -> tuple[TokenRecord, str]:
        """Issue a token; returns its record and the token, which is not stored anywhere."""
        if role not in TOKEN_ROLES:
            raise ValueError(f"role must be one of {', '.join(TOKEN_ROLES)}, not {role!r}")
        token = new_token()
        with self._lock, self._exclusive():
            taken = {r.id for r in self._records}
            token_id = _new_id(taken)
            record = TokenRecord(
                id=token_id,
                role=role,
                label=label,
                created=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                revoked=False,
                sha256=digest(token),
            )
            self._write((*self._records, record))
        return record, token

    def revoke(self, token_id: str) -> TokenRecord:
        with self._lock, self._exclusive():
            for record in self._records:
                if record.id == token_id:
                    revoked = replace(record, revoked=True)
                    self._write(tuple(revoked if r.id == token_id else r for r in self._records))
                    return revoked
        raise UnknownTokenId(token_id)

    @contextmanager
    def _exclusive(self) -> Iterator[Path]:
        """Hold the file lock across read-modify-write, so two `cdkg token` runs lose nothing."""
        path = self._file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = os.open(path.parent / f".{path.name}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            raise TokenFileError(f"{path}: cannot lock the tokens file ({exc})") from exc
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._stamp = None
            self._refresh()
            yield path
        finally:
            os.close(lock)

    def _file(self) -> Path:
        if self._path is None:
            raise TokenFileError(
                "no tokens file is configured for an in-memory store; set CDKG_TOKENS_FILE"
            )
        return self._path

    def _refresh(self) -> None:
        if self._path is None:
            return
        try:
            info = self._path.stat()
        except FileNotFoundError:
            self._set((), None)
            return
        except OSError as exc:
            raise TokenFileError(f"{self._path}: cannot read the tokens file ({exc})") from exc
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        if stamp != self._stamp:
            self._set(_parse(self._path), stamp)

    def _set(self, records: tuple[TokenRecord, ...], stamp: tuple[int, int, int] | None) -> None:
        self._records = records
        self._by_digest = {r.sha256: r for r in records}
        self._stamp = stamp

    def _write(self, records: tuple[TokenRecord, ...]) -> None:
        path = self._file()
        body = {"version": _FILE_VERSION, "tokens": [asdict(r) for r in records]}
        text = json.dumps(body, indent=2) + "\n"
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary, 0o600)
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as exc:
            raise TokenFileError(f"{path}: cannot write the tokens file ({exc})") from exc
        self._stamp = None
        self._refresh()


def _new_id(taken: set[str]) -> str:
    while True:
        candidate = "t-" + secrets.token_hex(4)
        if candidate not in taken:
            return candidate


def _parse(path: Path) -> tuple[TokenRecord, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TokenFileError(f"{path}: cannot read the tokens file ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise TokenFileError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("tokens"), list):
        raise TokenFileError(f'{path}: expected an object with a "tokens" list')
    if data.get("version") != _FILE_VERSION:
        raise TokenFileError(f"{path}: unsupported version {data.get('version')!r}")
    return tuple(_record(path, n, item) for n, item in enumerate(data["tokens"], start=1))


def _record(path: Path, n: int, item: object) -> TokenRecord:
    where = f"{path}: token #{n}"
    if not isinstance(item, dict):
        raise TokenFileError(f"{where}: expected an object")
    for key, kind in (
        ("id", str),
        ("role", str),
        ("label", str),
        ("created", str),
        ("revoked", bool),
        ("sha256", str),
    ):
        if not isinstance(item.get(key), kind):
            raise TokenFileError(f"{where}: field {key!r} must be a {kind.__name__}")
    role = item["role"]
    if role not in TOKEN_ROLES:
        raise TokenFileError(f"{where}: field 'role' must be one of {', '.join(TOKEN_ROLES)}")
    sha = item["sha256"]
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise TokenFileError(f"{where}: field 'sha256' must be 64 lowercase hex digits")
    return TokenRecord(
        id=item["id"],
        role=cast(TokenRole, role),
        label=item["label"],
        created=item["created"],
        revoked=item["revoked"],
        sha256=sha,
    )


def tokens_path(store: Path, configured: Path | None) -> Path | None:
    """Where the tokens file lives: as configured, else `tokens.json` beside the store
    (none for an in-memory store)."""
    if configured is not None:
        return configured
    if str(store) == ":memory:":
        return None
    return store.parent / "tokens.json"
