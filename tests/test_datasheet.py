"""Generated datasheets over the mini study: statements derived by hand from
tests/fixtures/mini/README.md, as Markdown, as Croissant RAI JSON-LD and from the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse
from test_paths_support import MINI, load, mini, running_app, view_as
from typer.testing import CliRunner

from app.cli_datasheet import datasheet
from app.security.access import ViewerRole
from app.store.oxigraph_store import OxigraphStore

RAI = "http://mlcommons.org/croissant/RAI/"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[TestClient, FastAPI]]:
    with running_app(MINI) as started:
        yield started


def sheet(api: tuple[TestClient, FastAPI], role: ViewerRole, dataset: str, fmt: str) -> Any:
    view_as(api[1], role)
    response = api[0].get(f"/datasets/{dataset}/datasheet", params={"format": fmt})
    api[1].dependency_overrides.clear()
    assert response.status_code == 200
    return response.json() if fmt == "jsonld" else response.text


def texts(document: dict[str, Any], key: str) -> list[str]:
    return [claim["text"] for claim in document.get(f"rai:{key}", [])]


def test_protocol_names_versions_change_and_impositions(api: tuple[TestClient, FastAPI]) -> None:
    doc = sheet(api, "owner", "DS1", "jsonld")
    protocol = texts(doc, "dataAnnotationProtocol")
    versions = [t for t in protocol if t.startswith("Labels were chosen")]
    assert len(versions) == 3  # T1-v1, T1-v2, T2-v1: the versions PJ1 uses
    assert any("Animals 2 (T1-v2)" in t and "Animal guideline 2 (D2)" in t for t in versions)
    change = next(c for c in doc["rai:dataAnnotationProtocol"] if "Change CH1" in c["text"])
    assert "cat (c-cat) and dog (c-dog) became pet (c-pet), decided by K1" in change["text"]
    assert change["citation"] == [mini("evidence", "EV2")]
    impositions = [t.split(":")[0] for t in protocol if t.startswith("Imposition")]
    assert impositions == [f"Imposition IM{n}" for n in (1, 8, 2, 3, 4, 5)]  # by date; PJ1 only


def test_limitations_list_exclusions_with_decider_reason_and_fallback(
    api: tuple[TestClient, FastAPI],
) -> None:
    owner = sheet(api, "owner", "DS1", "jsonld")
    (exclusion, residual) = owner["rai:dataLimitations"]
    assert exclusion["text"] == (
        "The category 'hamster' is not in the taxonomy: proposed by A1, excluded by K1 at client "
        "level on 2024-02-20 (Too rare to train on). Items of that kind carry other animal "
        "(c-other) instead."
    )
    assert exclusion["citation"] == [mini("evidence", "EV3")]
    # i3 (X03) and i4 (X11 overridden to other) of six items end as "other animal".
    assert residual["text"].startswith("2 of 6 labelled items (33.3%) carry a residual")
    public = sheet(api, "anonymous", "DS1", "jsonld")
    # EV3 is confidential (its speaker withdrew consent): the statement stays, the link goes.
    assert "citation" not in public["rai:dataLimitations"][0]
    assert "EV3" not in json.dumps(public)


def test_ds2_limitations_hold_the_overruled_objection(api: tuple[TestClient, FastAPI]) -> None:
    restricted = texts(sheet(api, "researcher", "DS2", "jsonld"), "dataLimitations")
    assert restricted[0].startswith(
        "The category 'non-binary' is not in the taxonomy: proposed "
        "by A1, excluded by L1 at team lead level"
    )
    assert restricted[1] == (
        "An objection by A1 to unknown (p-unknown) was overruled by L1 on 2024-02-20."
    )


def test_analysis_platform_annotators_and_sensitive_attributes(
    api: tuple[TestClient, FastAPI],
) -> None:
    doc = sheet(api, "owner", "DS1", "jsonld")
    analysis = texts(doc, "dataAnnotationAnalysis")
    # PJ1: A1 made seven acts, A2 two; X04, X08 and X11 were overridden.
    assert analysis[0] == (
        "Annotators made 9 classification acts; QA reviewers overrode 3 (33.3%), so 6 final "
        "labels are the annotator's own choice."
    )
    assert (
        "Final labels per category: other animal (c-other): 2, usable (q-ok): 2, cat (c-cat): 1, "
        "pet (c-pet): 1."
    ) in analysis
    assert texts(doc, "annotationsPerItem") == ["1.50 classification acts per labelled item."]
    assert texts(doc, "dataAnnotationPlatform")[0] == "Annotation took place on Tool Platform (PL)."
    assert texts(doc, "annotatorDemographics") == [
        "2 annotators, known by pseudonymous ids only; by organisation: Annotation Co (V1), "
        "Buenos Aires, AR: 2. The study records no personal demographics of annotators."
    ]
    portraits = sheet(api, "owner", "DS2", "jsonld")
    assert texts(portraits, "personalSensitiveInformation") == [
        "The labels encode gender: man (male), unknown (unknown), woman (female)."
    ]


def test_jsonld_is_croissant_rdf(api: tuple[TestClient, FastAPI]) -> None:
    doc = sheet(api, "owner", "DS1", "jsonld")
    triples = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in parse(json.dumps(doc).encode(), format=RdfFormat.JSON_LD)
    }
    dataset = mini("dataset", "DS1")
    assert (dataset, RDF_TYPE, SCHEMA + "Dataset") in triples
    claims = {o for s, p, o in triples if s == dataset and p == RAI + "dataLimitations"}
    cited = {o for s, p, o in triples if s in claims and p == SCHEMA + "citation"}
    assert mini("evidence", "EV3") in cited


def test_markdown_and_negotiation(api: tuple[TestClient, FastAPI]) -> None:
    text = sheet(api, "owner", "DS1", "md")
    assert text.startswith("# Datasheet: Pet photo set\n")
    assert "## Limitations" in text
    assert "[EV3](<https://example.org/mini/evidence/EV3>)" in text
    client = api[0]
    response = client.get(
        "/datasets/dataset/DS1/datasheet", headers={"Accept": "application/ld+json"}
    )
    assert response.headers["content-type"].startswith("application/ld+json")
    assert client.get("/datasets/DS1/datasheet").headers["content-type"].startswith("text/markdown")
    assert client.get("/datasets/DS1/datasheet?format=pdf").status_code == 406
    assert {"Accept", "Authorization"} <= set(response.headers["vary"].split(", "))
    missing = client.get("/datasets/DS9/datasheet")
    assert missing.status_code == 404 and "DS9" in missing.json()["detail"]


def test_cli_prints_the_datasheet(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    load(store, MINI)
    store.close()
    app = typer.Typer()
    app.command()(datasheet)
    app.command("other")(lambda: None)  # keeps `datasheet` a named subcommand
    runner = CliRunner()
    md = runner.invoke(app, ["datasheet", "DS1", "--store", str(tmp_path / "store")])
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Datasheet: Pet photo set")
    assert "Generated at access level:** public" in md.output
    jsonld = runner.invoke(
        app,
        [
            "datasheet",
            "DS2",
            "--format",
            "jsonld",
            "--level",
            "confidential",
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert json.loads(jsonld.output)["name"] == "Portrait set"
    missing = runner.invoke(app, ["datasheet", "DS9", "--store", str(tmp_path / "store")])
    assert missing.exit_code == 2
    assert "no dataset 'DS9'" in missing.output
