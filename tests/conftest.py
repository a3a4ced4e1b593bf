"""Shared fixtures: a fresh in-memory store, settings over a temporary store, the real app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from app.store.oxigraph_store import OxigraphStore


@pytest.fixture
def store() -> Iterator[OxigraphStore]:
    """An empty in-memory store."""
    opened = OxigraphStore(None)
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings whose store is a (not yet created) folder under tmp_path."""
    return Settings(store=tmp_path / "store")


@pytest.fixture
def memory_settings() -> Settings:
    return Settings(store=Path(":memory:"))


@pytest.fixture
def client(memory_settings: Settings) -> Iterator[TestClient]:
    """The real ASGI app over a fresh in-memory store (`client.app.state.store`), started."""
    with TestClient(create_app(memory_settings)) as started:
        yield started
