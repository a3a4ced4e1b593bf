"""Shared set-up for the path, analytics and datasheet tests: stores loaded with the mini and
demo studies, and the real app over them with a chosen viewer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.main import create_app
from app.security.access import Viewer, ViewerRole, get_viewer
from app.settings import Settings
from app.store.base import GraphStore
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"
DEMO = ROOT / "examples"
ONTOLOGY = ROOT / "ontology" / "cdo.ttl"
BASE = "https://example.org/mini/"


def mini(slug: str, ident: str) -> str:
    """The IRI of a record of the mini study."""
    return f"{BASE}{slug}/{ident}"


def load(store: GraphStore, study: Path) -> None:
    with prepare([study]) as prepared:
        publish(prepared, store)


def loaded_store(study: Path) -> OxigraphStore:
    store = OxigraphStore(None)
    load(store, study)
    return store


@contextmanager
def running_app(study: Path) -> Iterator[tuple[TestClient, FastAPI]]:
    """The real app over an in-memory store holding `study`."""
    app = create_app(Settings(store=Path(":memory:")))
    with TestClient(app) as client:
        load(app.state.store, study)
        yield client, app


def view_as(app: FastAPI, role: ViewerRole) -> None:
    app.dependency_overrides[get_viewer] = lambda: Viewer(role)
