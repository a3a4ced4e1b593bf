"""The application factory: `create_app(settings)` builds the FastAPI app and its routers.

The store and the query executor are opened in the lifespan, not here, so building an app opens
nothing; routers reach them through `app.deps`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app import __version__
from app.canned.registry import load_registry
from app.errors import install_error_handlers
from app.middleware import install_middleware
from app.paths.warmup import ProjectionWarmup
from app.routers import (
    analytics,
    datasheets,
    dumps,
    graph_store,
    health,
    ontology,
    paths,
    queries,
    resources,
    sparql,
    void,
)
from app.settings import Settings
from app.sparql.workers import create_executor
from app.store.oxigraph_store import open_store


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    store = open_store(settings.store)
    app.state.store = store
    try:
        app.state.executor = create_executor(settings, store)
        warmup = (
            ProjectionWarmup(store, settings.ontology_dir / "cdo.ttl").start()
            if settings.warm_projections
            else None
        )
        app.state.warmup = warmup
        try:
            yield
        finally:
            if warmup is not None:
                warmup.stop()
            app.state.executor.close()
            app.state.executor = None
    finally:
        app.state.store = None
        store.close()


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(
        title="cdkg",
        version=__version__,
        description=(
            "A knowledge graph of classification decisions in the production of ML datasets: "
            "SPARQL over the catalogued study graphs, at the caller's access level."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = None
    app.state.executor = None
    app.state.warmup = None
    install_error_handlers(app)
    install_middleware(app, settings)
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(resources.router)
    app.include_router(ontology.router)
    app.include_router(void.router)
    app.include_router(dumps.router)
    # The canned queries are read (and their headers checked) here: a broken header stops start-up.
    app.include_router(queries.build_router(load_registry(settings.queries_dir)))
    app.include_router(paths.router)
    app.include_router(analytics.router)
    app.include_router(datasheets.router)
    return app
