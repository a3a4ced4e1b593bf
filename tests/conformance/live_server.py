"""The real app served by uvicorn on 127.0.0.1 (a free port), in a thread, for HTTP tests.

The server stops when the `with` block ends, and the thread is a daemon, so a failing test
never leaves a listener behind.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

_STARTUP_S = 20.0


@dataclass(frozen=True)
class LiveServer:
    app: FastAPI
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serve(app: FastAPI) -> Iterator[LiveServer]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="live-server", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _STARTUP_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        yield LiveServer(app, port)
    finally:
        server.should_exit = True
        thread.join(_STARTUP_S)
        listener.close()
