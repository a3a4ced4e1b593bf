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

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.security.access import InvalidCredentials, resolve_viewer
from app.security.tokens import TokenFileError, TokenStore


class QueryLog:
    """An append-only JSON-lines file that rotates to `<file>.1` ... `<file>.N` by size.

    The file is opened for each line and closed again: it costs a few microseconds, holds no
    handle between requests, and keeps working when an outside tool moves the file away.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self._path = path
        self._max_bytes = max_bytes
        self._backups = backups
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self._path

    def write(self, entry: dict[str, object]) -> None:
        line = (json.dumps(entry, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
        with self._lock:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with open(self._path, "ab") as out:
                size = out.tell()
            if size and size + len(line) > self._max_bytes:
                self._rotate()
            with open(self._path, "ab") as out:
                out.write(line)

    def _rotate(self) -> None:
        if self._backups == 0:
            self._path.unlink(missing_ok=True)
            return
        for n in range(self._backups - 1, 0, -1):
            older = self._path.with_name(f"{self._path.name}.{n}")
            if older.exists():
                os.replace(older, self._path.with_name(f"{self._path.name}.{n + 1}"))
        os.replace(self._path, self._path.with_name(f"{self._path.name}.1"))


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
