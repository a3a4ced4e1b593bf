"""The query log: one JSON line per request, never a secret, rotated by size."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from app.middleware.querylog import QueryLog
from app.security.tokens import TokenStore
from app.settings import Settings


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _settings(tmp_path: Path) -> Settings:
    return Settings(
        store=Path(":memory:"),
        query_log=tmp_path / "logs" / "queries.jsonl",
        tokens_file=tmp_path / "tokens.json",
    )


def test_one_line_per_request_with_its_facts(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        answer = client.get("/health")
    assert settings.query_log is not None
    (entry,) = _lines(settings.query_log)
    assert set(entry) == {"time", "method", "route", "status", "duration_ms", "bytes", "role"}
    assert entry["method"] == "GET"
    assert entry["route"] == "/health"
    assert entry["status"] == 200
    assert entry["bytes"] == len(answer.content)
    assert entry["role"] == "anonymous"
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert isinstance(entry["time"], str) and entry["time"].endswith("Z")


def test_role_is_logged_never_the_token(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert settings.tokens_file is not None and settings.query_log is not None
    _record, token = TokenStore(settings.tokens_file).create("researcher")
    with TestClient(create_app(settings)) as client:
        client.get("/health", headers={"Authorization": f"Bearer {token}"})
        client.get("/health", headers={"Authorization": "Bearer cdkg_wrong-guess"})
    text = settings.query_log.read_text(encoding="utf-8")
    assert [e["role"] for e in _lines(settings.query_log)] == ["researcher", "invalid"]
    assert token not in text
    assert "cdkg_wrong-guess" not in text
    assert "Bearer" not in text
    assert "uthorization" not in text


def test_route_is_the_template_and_the_query_string_stays_out(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert settings.query_log is not None
    with TestClient(create_app(settings)) as client:
        client.get("/health?note=private-words")
        client.get("/no/such/page")
    first, second = _lines(settings.query_log)
    assert first["route"] == "/health"
    assert (second["route"], second["status"]) == ("/no/such/page", 404)
    assert "private-words" not in settings.query_log.read_text(encoding="utf-8")


def test_refused_bodies_are_logged_too(tmp_path: Path) -> None:
    settings = _settings(tmp_path).model_copy(update={"max_body_bytes": 10})
    assert settings.query_log is not None
    with TestClient(create_app(settings)) as client:
        client.post("/sparql", content=b"SELECT * WHERE { ?s ?p ?o }")
    (entry,) = _lines(settings.query_log)
    assert (entry["route"], entry["status"]) == ("/sparql", 413)


def test_no_log_file_unless_configured(tmp_path: Path) -> None:
    settings = Settings(store=Path(":memory:"), tokens_file=tmp_path / "tokens.json")
    with TestClient(create_app(settings)) as client:
        client.get("/health")
    assert list(tmp_path.iterdir()) == []


def test_rotation_by_size_keeps_the_configured_backups(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    log = QueryLog(path, max_bytes=100, backups=2)
    entry = {"n": 0, "pad": "x" * 30}  # 47 or 48 bytes a line with its newline
    for n in range(1, 11):
        log.write({**entry, "n": n})
    # Two lines fit under 100 bytes, so files hold 9-10, 7-8 and 5-6; 1-4 were rotated away.
    assert [e["n"] for e in _lines(path)] == [9, 10]
    assert [e["n"] for e in _lines(tmp_path / "q.jsonl.1")] == [7, 8]
    assert [e["n"] for e in _lines(tmp_path / "q.jsonl.2")] == [5, 6]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.jsonl", "q.jsonl.1", "q.jsonl.2"]


def test_rotation_without_backups_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    log = QueryLog(path, max_bytes=100, backups=0)
    for n in range(1, 6):
        log.write({"n": n, "pad": "x" * 30})
    assert [e["n"] for e in _lines(path)] == [5]
    assert [p.name for p in tmp_path.iterdir()] == ["q.jsonl"]


def test_log_appends_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    first = QueryLog(path, max_bytes=10_000, backups=1)
    first.write({"n": 1})
    second = QueryLog(path, max_bytes=10_000, backups=1)
    second.write({"n": 2})
    assert [e["n"] for e in _lines(path)] == [1, 2]
