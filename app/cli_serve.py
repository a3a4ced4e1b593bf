"""`cdkg serve`: the HTTP service over the store, with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli_common import StoreOption, guarded, opened_store, settings_for, stderr


@guarded
def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port to listen on (default 8000).")
    ] = None,
    store: StoreOption = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Print a line per request on stderr (off by default: it costs about 10 µs a "
            "request; CDKG_QUERY_LOG keeps a structured log instead).",
        ),
    ] = False,
) -> None:
    """Serve the store over HTTP (/sparql, /health, ...) until interrupted.

    Example: cdkg serve --host 127.0.0.1 --port 8000
    """
    import uvicorn

    from app.main import create_app

    settings = settings_for(store)
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": settings.port if port is None else port}
    )
    # Opening once here turns "store locked by a running load" into one clear line instead of
    # a failed application start-up deep inside uvicorn.
    with opened_store(settings, read_only=False):
        pass
    stderr().print(f"serving {settings.store} on http://{settings.host}:{settings.port}")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=access_log,
    )
