"""`/health`: is the service up, and how much does it hold."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.deps import StoreDep
from app.store import AccessLevel
from app.store.catalogue import generation, sources

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str = Field(description="Always 'ok' when the service answers.")
    generation: int = Field(description="Catalogue generation, bumped by every write.")
    sources: int = Field(description="Catalogued sources (files) across all studies.")
    triples: int = Field(description="Triples in graphs anonymous readers may see.")
    store_bytes: int = Field(description="Space the store takes on disk (0 in memory).")


@router.get("/health", response_model=Health, summary="Service status and store size")
def health(store: StoreDep) -> Health:
    # Counts stay at the public level: this route answers anyone.
    catalogued = sources(store)
    public = sum(g.triples for s in catalogued for g in s.graphs if g.level <= AccessLevel.PUBLIC)
    return Health(
        status="ok",
        generation=generation(store),
        sources=len(catalogued),
        triples=public,
        store_bytes=store.size_bytes() or 0,
    )
