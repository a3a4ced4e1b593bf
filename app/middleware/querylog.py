"""The query log: one JSON line per request, rotated by size.

Each line holds `time` (UTC, start of the request), `method`, `route` (the route's path template,
so no query string and no identifiers), `status`, `duration_ms`, `bytes` (response body size)
and `role` (anonymous, researcher, owner, or invalid for a rejected token). Never the token,
the Authorization header, the query text or the client's address.
"""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.access import InvalidCredentials, resolve_viewer
from app.security.tokens import TokenFileError, TokenStore


class QueryLog:
    """An append-only JSON-lines file that rotates to `<file>.1` ... `<file>.N` by size."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self._path = path
        self._max_bytes = max_bytes
        self._backups = backups
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self._size = 0

    @property
    def path(self) -> Path:
        return self._path

    def write(self, entry: dict[str, object]) -> None:
        line = json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n"
        size = len(line.encode("utf-8"))
        with self._lock:
            out = self._open()
            if self._size and self._size + size > self._max_bytes:
                out = self._rotate()
            out.write(line)
            out.flush()
            self._size += size

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def _open(self) -> IO[str]:
        # Opened at the first request, not when the app is built.
        if self._file is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self._path, "a", encoding="utf-8")  # noqa: SIM115
            self._size = self._file.tell()
        return self._file

    def _rotate(self) -> IO[str]:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._backups == 0:
            self._path.unlink(missing_ok=True)
        else:
            for n in range(self._backups - 1, 0, -1):
                older = self._path.with_name(f"{self._path.name}.{n}")
                if older.exists():
                    os.replace(older, self._path.with_name(f"{self._path.name}.{n + 1}"))
            os.replace(self._path, self._path.with_name(f"{self._path.name}.1"))
        return self._open()


class QueryLogMiddleware:
    def __init__(self, app: ASGIApp, log: QueryLog, tokens: TokenStore) -> None:
        self.app = app
        self.log = log
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started_at = datetime.now(UTC)
        start = time.perf_counter()
        status = 500
        sent = 0

        async def measuring_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, measuring_send)
        finally:
            self.log.write(
                {
                    "time": started_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "method": scope["method"],
                    "route": _route(scope),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 3),
                    "bytes": sent,
                    "role": self._role(scope),
                }
            )

    def _role(self, scope: Scope) -> str:
        authorization = None
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                authorization = value.decode("latin-1")
                break
        try:
            return resolve_viewer(authorization, self.tokens).role
        except (InvalidCredentials, TokenFileError):
            return "invalid"


def _route(scope: Scope) -> str:
    route = scope.get("route")
    template = getattr(route, "path", None)
    if isinstance(template, str):
        return template
    # No route matched (404, or a middleware answered first): the path says what was asked.
    path = scope.get("path", "")
    return path if isinstance(path, str) else ""
