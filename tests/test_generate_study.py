"""The synthetic study generator writes a valid study of the size asked for, the same for a seed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from app.store.base import AccessLevel
from app.store.catalogue import visible_graphs
from app.store.oxigraph_store import OxigraphStore
from benchmarks.generate_study import generate, main
from loaders.pipeline import prepare, publish

ROOT = Path(__file__).resolve().parents[1]
ACTS = 2000


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, ACTS, seed=7)
    return out


def test_writes_the_acts_asked_for_and_tables_that_scale_with_them(study: Path) -> None:
    assert _rows(study / "acts.csv") == ACTS
    overrides = _rows(study / "overrides.csv")
    assert 0.05 * ACTS < overrides < 0.15 * ACTS
    assert _rows(study / "flags.csv") > 0
    assert _rows(study / "data_items.csv") >= ACTS // 4
    assert _rows(study / "evidence.csv") >= 30


def test_same_seed_same_files_other_seed_other_acts(study: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", ACTS, seed=7)
    generate(tmp_path / "other", ACTS, seed=8)
    for path in sorted(study.iterdir()):
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name
    assert (tmp_path / "other" / "acts.csv").read_bytes() != (study / "acts.csv").read_bytes()


def test_loads_without_errors_and_passes_the_qc_queries(study: Path) -> None:
    store = OxigraphStore(None)
    prepared = prepare([study])
    try:
        publish(prepared, store)
    finally:
        prepared.close()
    graphs = list(visible_graphs(store, AccessLevel.CONFIDENTIAL))
    act_class = "https://w3id.org/cdkg/ontology#ClassificationAct"
    counted = store.query(
        f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{act_class}> }}", default_graphs=graphs
    )
    assert isinstance(counted, QuerySolutions)
    assert [int(row[0].value) for row in counted] == [ACTS]
    queries = sorted((ROOT / "queries" / "qc").glob("*-violation.rq"))
    assert queries
    for query in queries:
        result = store.query(query.read_text(encoding="utf-8"), default_graphs=graphs)
        assert isinstance(result, QuerySolutions)
        assert list(result) == [], query.name
    store.close()


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(tmp_path / "cli"), "--acts", "50", "--seed", "1"])
    assert _rows(tmp_path / "cli" / "acts.csv") == 50
    assert "50 acts" in capsys.readouterr().out


def test_command_line_refuses_a_size_below_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["unused", "--acts", "0"])
    assert stopped.value.code == 2
    assert "--acts must be at least 1" in capsys.readouterr().err
