"""The FastAPI dependencies every router shares: the settings and the open store.

Both live on `app.state`, set by `create_app` and its lifespan; tests swap them with
`app.dependency_overrides`. They are `async` although they await nothing: FastAPI runs a plain
`def` dependency in its thread pool, and that hop costs more than the attribute reads here.
`app_settings` and `app_store` are the same reads as plain functions, for a route whose one
dependency gathers several things (FastAPI spends microseconds on every dependency it solves).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.settings import Settings
from app.store import GraphStore, StoreError


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def app_store(request: Request) -> GraphStore:
    store: GraphStore | None = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreError("the store is not open (the application has not started)")
    return store


async def get_settings(request: Request) -> Settings:
    return app_settings(request)


async def get_store(request: Request) -> GraphStore:
    return app_store(request)


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
