"""Path projections built in the background at start-up: the first request of each level finds
its projection ready, and shutting down waits for a build under way."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_paths_support import MINI, load, view_as

import app.paths.cache as cache
from app.main import create_app
from app.paths.warmup import ProjectionWarmup
from app.settings import Settings
from app.store.oxigraph_store import OxigraphStore


@pytest.fixture
def mini_store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = OxigraphStore(path)
    load(store, MINI)
    store.close()
    return path


def _refuse_builds(*_args: object) -> object:
    raise AssertionError("a request built a projection the warm-up should have built")


def test_every_level_is_ready_before_its_first_request(
    mini_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Settings(store=mini_store, warm_projections=True))
    with TestClient(app) as client:
        warmup = app.state.warmup
        assert isinstance(warmup, ProjectionWarmup)
        assert warmup.wait(60)
        monkeypatch.setattr(cache, "build_projection", _refuse_builds)
        # IM3 is public in the mini study; each role reads its own level's projection.
        for role in ("anonymous", "researcher", "owner"):
            view_as(app, role)
            assert client.get("/paths/chain/IM3").status_code == 200
        assert client.get("/analytics/authority").status_code == 200


def test_without_warm_up_the_first_request_builds(
    mini_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Settings(store=mini_store, warm_projections=False))
    with TestClient(app) as client:
        assert app.state.warmup is None
        monkeypatch.setattr(cache, "build_projection", _refuse_builds)
        view_as(app, "owner")
        with pytest.raises(AssertionError, match="should have built"):
            client.get("/paths/chain/IM3")

