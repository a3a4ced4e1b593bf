"""Shared fixtures: a fresh in-memory store, settings over a temporary store, the real app."""

from __future__ import annotations

import gc
import warnings
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


@pytest.fixture(scope="session", autouse=True)
def _collect_finished_event_loops() -> Iterator[None]:
    """Collect, at the end of the session, event loops that threads of finished test servers
    left for the garbage collector.

    Which test leaves one depends on thread timing, and its warning would otherwise surface
    only at interpreter shutdown, detached from any test. Every test has run and passed by
    the time this runs, so the collection only tidies up.
    """
    yield
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="unclosed event loop", category=ResourceWarning)
        warnings.filterwarnings(
            "ignore", message=r"unclosed <socket\.socket .*family=1,", category=ResourceWarning
        )
        gc.collect()
