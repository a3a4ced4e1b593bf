"""The FastAPI dependencies every router shares: the settings and the open store.

Both live on `app.state`, set by `create_app` and its lifespan; tests swap them with
`app.dependency_overrides`. They are `async` although they await nothing: FastAPI runs a plain
`def` dependency in its thread pool, and that hop costs more than the attribute reads here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.settings import Settings
from app.store import GraphStore, StoreError


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_store(request: Request) -> GraphStore:
    store: GraphStore | None = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreError("the store is not open (the application has not started)")
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
