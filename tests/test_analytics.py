"""/analytics/authority over the mini study; every figure derived by hand from
tests/fixtures/mini/README.md."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_paths_support import MINI, mini, running_app, view_as

from app.security.access import ViewerRole


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[TestClient, FastAPI]]:
    with running_app(MINI) as started:
        yield started


@pytest.fixture
def body(api: tuple[TestClient, FastAPI]) -> dict[str, Any]:
    view_as(api[1], "owner")
    response = api[0].get("/analytics/authority")
    api[1].dependency_overrides.clear()
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def actor(body: dict[str, Any], kind: str, ident: str) -> dict[str, Any]:
    row: dict[str, Any] = next(a for a in body["actors"] if a["actor"] == mini(kind, ident))
    return row


FIGURES = (
    "impositions_made",
    "impositions_relayed",
    "impositions_received",
    "exclusions_decided",
    "overrides_made",
    "acts",
    "overrides_suffered",
    "objections_raised",
    "objections_raised_overruled",
    "objections_overruled",
)


@pytest.mark.parametrize(
    ("kind", "ident", "expected"),
    [
        # IM1, IM4 made; PP1 excluded.
        ("person", "K1", (2, 0, 0, 1, 0, 0, 0, 0, 0, 0)),
        # IM2, IM5, IM8 made (IM2, IM5 relay); IM1, IM4 received.
        ("person", "M1", (3, 2, 2, 0, 0, 0, 0, 0, 0, 0)),
        # IM3, IM7 made, both relays; IM2, IM8 received; PP2 excluded; OB1 overruled.
        ("person", "L1", (2, 2, 2, 1, 0, 0, 0, 0, 0, 1)),
        # IM3, IM5, IM7, IM8 received; nine acts, X08, X09, X11 overridden; OB1 raised.
        ("person", "A1", (0, 0, 4, 0, 0, 9, 3, 1, 1, 0)),
        # IM3, IM8 received; X02, X04 (overridden); overrode X08 as QA.
        ("person", "A2", (0, 0, 2, 0, 1, 2, 1, 0, 0, 0)),
        # X04, X09, X11 overridden.
        ("person", "Q1", (0, 0, 0, 0, 3, 0, 0, 0, 0, 0)),
        ("org", "C2", (1, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
        ("org", "V1", (0, 0, 1, 0, 0, 0, 0, 0, 0, 0)),
        ("person", "R1", (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_actor_figures(
    body: dict[str, Any], kind: str, ident: str, expected: tuple[int, ...]
) -> None:
    row = actor(body, kind, ident)
    assert tuple(row[f] for f in FIGURES) == expected


def test_centrality_in_the_imposition_network(body: dict[str, Any]) -> None:
    # M1 lies on every shortest path from K1 to L1, A1 and A2: 3 of (7-1)*(7-2) ordered pairs.
    assert actor(body, "person", "M1")["betweenness"] == pytest.approx(0.1)
    assert actor(body, "person", "L1")["betweenness"] == 0
    ranks = {a["actor"]: a["pagerank"] for a in body["actors"] if a["pagerank"]}
    assert sum(ranks.values()) == pytest.approx(1.0, abs=1e-4)
    assert max(ranks, key=lambda iri: ranks[iri]) == mini("person", "A1")
    assert actor(body, "person", "K1")["pagerank"] == actor(body, "org", "C2")["pagerank"]
    assert actor(body, "person", "Q1")["pagerank"] == 0


def test_decision_levels_per_company(body: dict[str, Any]) -> None:
    # PP1 (excluded) and PP3 (accepted) by K1 at client level; PP2 excluded by L1 as team lead;
    # all three in projects of V1.
    rows = {
        (r["company"], r["decision_level"]): (r["accepted"], r["excluded"], r["decisions"])
        for r in body["decision_levels"]
    }
    assert rows == {
        (mini("org", "V1"), "client"): (1, 1, 2),
        (mini("org", "V1"), "team lead"): (0, 1, 1),
    }


def test_reporting_distance_between_proposer_and_decider(body: dict[str, Any]) -> None:
    rows = {
        (r["proposal"]["id"], r["proposer"]["id"], r["decider"]["id"]): r["reporting_distance"]
        for r in body["reporting_distances"]
    }
    # A1 reports to L1; K1 is at the client, above no one at V1.
    assert rows == {("PP1", "A1", "K1"): None, ("PP2", "A1", "L1"): 1, ("PP3", "A2", "K1"): None}


def test_csv_tables(api: tuple[TestClient, FastAPI]) -> None:
    client = api[0]
    actors = client.get("/analytics/authority", headers={"Accept": "text/csv"})
    assert actors.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(actors.text)))
    m1 = next(r for r in rows if r["actor"] == mini("person", "M1"))
    assert (m1["impositions_made"], m1["impositions_relayed"]) == ("3", "2")
    distances = client.get(
        "/analytics/authority", params={"format": "csv", "table": "reporting_distances"}
    )
    lines = list(csv.reader(io.StringIO(distances.text)))
    assert lines[0][:3] == ["proposal", "proposal_label", "outcome"]
    assert [line[-1] for line in lines[1:] if line[-1]] == ["1"]
    assert client.get("/analytics/authority?table=nope").status_code == 400
    assert client.get("/analytics/authority", headers={"Accept": "image/png"}).status_code == 406
    # The bytes depend on the format and on the caller's level: shared caches must key on both.
    assert {"Accept", "Authorization"} <= set(actors.headers["vary"].split(", "))


def test_figures_respect_the_viewer_level(tmp_path: Path) -> None:
    study = tmp_path / "mini"
    shutil.copytree(MINI, study)
    yaml = study / "study.yaml"
    text = yaml.read_text(encoding="utf-8")
    marked = text.replace(
        "{id: IM8, imposed_by: M1,", "{id: IM8, access: confidential, imposed_by: M1,"
    )
    assert marked != text
    yaml.write_text(marked, encoding="utf-8")
    with running_app(study) as (client, app):
        made = {}
        roles: tuple[ViewerRole, ...] = ("anonymous", "owner")
        for role in roles:
            view_as(app, role)
            made[role] = actor(client.get("/analytics/authority").json(), "person", "M1")
        assert made["anonymous"]["impositions_made"] == 2
        assert made["owner"]["impositions_made"] == 3
        assert made["anonymous"]["impositions_received"] == 2
