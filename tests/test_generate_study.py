"""The synthetic study generator writes a valid study of the size asked for, the same for a seed.

It is run as `make bench` runs it, `python -m benchmarks.generate_study` from the repository root
(`benchmarks` is not an installed package)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from app.store.base import AccessLevel
from app.store.catalogue import visible_graphs
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

ROOT = Path(__file__).resolve().parents[1]
ACTS = 2000


def _generate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks.generate_study", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "study"
    done = _generate(str(out), "--acts", str(ACTS), "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert f"wrote a study with {ACTS} acts" in done.stdout
    return out


def test_writes_the_acts_asked_for_and_tables_that_scale_with_them(study: Path) -> None:
    assert _rows(study / "acts.csv") == ACTS
    overrides = _rows(study / "overrides.csv")
    assert 0.05 * ACTS < overrides < 0.15 * ACTS
    assert _rows(study / "flags.csv") > 0
    assert _rows(study / "data_items.csv") >= ACTS // 4
    assert _rows(study / "evidence.csv") >= 30


def test_same_seed_same_files_other_seed_other_acts(study: Path, tmp_path: Path) -> None:
    assert _generate(str(tmp_path / "again"), "--acts", str(ACTS), "--seed", "7").returncode == 0
    assert _generate(str(tmp_path / "other"), "--acts", str(ACTS), "--seed", "8").returncode == 0
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


def test_refuses_a_size_below_one(tmp_path: Path) -> None:
    done = _generate(str(tmp_path / "none"), "--acts", "0")
    assert done.returncode == 2
    assert "--acts must be at least 1" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "none").exists()


def test_reports_an_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    done = _generate(str(blocker / "study"), "--acts", "10")
    assert done.returncode == 1
    assert f"cannot write the study to {blocker / 'study'}" in done.stderr
    assert "Traceback" not in done.stderr
