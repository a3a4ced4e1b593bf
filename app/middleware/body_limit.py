"""A cap on request bodies: larger ones get 413 before the application reads them whole.

A declared `Content-Length` over the cap is refused at once. A chunked body is counted as it
arrives and refused as soon as it passes the cap, so a client cannot stream an unbounded body.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import problem


class BodyTooLarge(HTTPException):
    """Raised while reading a body past the cap; an HTTPException so FastAPI re-raises it
    as is instead of turning it into a generic 400 about parsing."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"the request body is larger than the limit of {limit} bytes "
            "(CDKG_MAX_BODY_BYTES)",
        )


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared, chunked = _framing(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(BodyTooLarge(self.max_bytes), scope, receive, send)
            return
        if not chunked:
            # The HTTP server delivers exactly the declared length, or no body at all when
            # there is neither a length nor chunked framing: nothing left to count.
            await self.app(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(exc, scope, receive, send)


def _framing(scope: Scope) -> tuple[int | None, bool]:
    """The declared Content-Length, and whether the body comes with Transfer-Encoding."""
    length: int | None = None
    chunked = False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                length = None  # the HTTP server rejects a malformed length itself
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


async def _refuse(exc: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
    # The client may still be sending: tell it to stop rather than read what it sends.
    response = problem(413, "Content Too Large", str(exc.detail), headers={"Connection": "close"})
    await response(scope, receive, send)
