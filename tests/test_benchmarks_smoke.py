"""The `make bench` harness: a quick run on a tiny generated study proves every step works and
that the three servers answer the same queries with the same rows; the report's target logic
is checked on hand-made figures. No timing is asserted anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import report
from benchmarks.__main__ import main, run_paths
from benchmarks.load_generators import parse_wrk

REPO = Path(__file__).resolve().parent.parent

# Derived from benchmarks/generate_study.py for 500 acts: 3 taxonomies, hence 3 projects, each
# with one excluded proposal; 2 companies, each with a manager, a project manager (reports to
# the manager), one team lead (to the PM), 3 annotators (to the lead), one reviewer (to the
# manager) and one former annotator (to the lead, later to the manager as a reviewer):
# reportsTo+ pairs per company 1 + 2 + 3*3 + 1 + 3 = 16.
EXCLUDED_ROWS = 3
REPORTING_PAIRS = 2 * 16


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, str]:
    out = tmp_path_factory.mktemp("bench-out")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--acts",
            "500",
            "--skip-paths",
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results, (out / "results.md").read_text(encoding="utf-8"), done.stdout


def test_loader_and_bulk_load_measure_the_same_triples(
    quick_run: tuple[dict[str, Any], str, str],
) -> None:
    loader = quick_run[0]["loader"]
    assert loader["cdkg_load"]["triples"] == loader["bulk_load"]["triples"] > 0
    assert 0 < loader["bulk_load"]["store_triples"] <= loader["bulk_load"]["triples"]
    assert loader["cdkg_load"]["peak_rss_mb"] > 0
    # The named-graph references load exactly the quads the loader published, none dropped.
    for key in ("bulk_load_nquads", "bulk_load_nquads_sliced"):
        assert loader[key]["store_triples"] == loader["cdkg_load"]["triples"]
    assert loader["ceiling_ratio"] > 0


def test_three_servers_give_the_same_rows(quick_run: tuple[dict[str, Any], str, str]) -> None:
    sparql = quick_run[0]["sparql"]
    assert {name: s["status"] for name, s in sparql["servers"].items()} == {
        "cdkg": "ok",
        "oxigraph": "ok",
        "rdflib-endpoint": "ok",
    }
    rows = {q["name"]: q["rows"] for q in sparql["queries"]}
    assert list(rows) == ["point", "join", "aggregate", "path", "excluded", "text"]
    for name, counts in rows.items():
        assert len(set(counts.values())) == 1, (name, counts)
    assert all(q["errors"] == {} for q in sparql["queries"])
    assert rows["excluded"]["cdkg"] == EXCLUDED_ROWS
    assert rows["path"]["cdkg"] == REPORTING_PAIRS
    assert rows["point"]["cdkg"] > 0 and rows["join"]["cdkg"] > 0


def test_throughput_and_streaming_ran(quick_run: tuple[dict[str, Any], str, str]) -> None:
    sparql = quick_run[0]["sparql"]
    assert [t["name"] for t in sparql["throughput"]] == ["point", "join"]
    for load in sparql["throughput"]:
        assert set(load["rps"]) == {"cdkg", "oxigraph", "rdflib-endpoint"}
        assert load["failed"] == {"cdkg": 0, "oxigraph": 0, "rdflib-endpoint": 0}
    streams = {s["server"]: s for s in sparql["streaming"]}
    assert streams["cdkg"]["status"] == 200
    assert streams["cdkg"]["rows"] == streams["oxigraph"]["rows"] == sparql["peer_triples"]


def test_report_is_printed_and_written(quick_run: tuple[dict[str, Any], str, str]) -> None:
    results, markdown, stdout = quick_run
    assert markdown in stdout
    for heading in ("### Loader", "### SPARQL service", "### Paths", "### Targets"):
        assert heading in markdown
    assert "| point lookup: one act's properties |" in markdown
    assert "skipped (--skip-paths)" in markdown
    assert {t["met"] for t in results["targets"]} <= {True, False}
    assert len(results["targets"]) >= 10


def test_bad_size_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--acts", "0"])
    assert stopped.value.code == 2
    assert "--acts must be at least 1, got 0" in capsys.readouterr().err


def test_wrk_summary_is_read_less_failures() -> None:
    output = """Running 10s test @ http://127.0.0.1:9/sparql?query=x
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.00ms    1.00ms  20.00ms   90.00%
  1000 requests in 10.00s, 1.00MB read
  Socket errors: connect 0, read 0, write 0, timeout 50
  Non-2xx or 3xx responses: 50
Requests/sec:    100.00
Transfer/sec:    100.00KB
"""
    load = parse_wrk(output)
    assert load.failed == 100
    assert load.rps == pytest.approx(90.0)


def _figures() -> dict[str, Any]:
    def query(name: str, point: bool, cdkg: float, oxi: float, rdf: float) -> dict[str, Any]:
        median = {"cdkg": cdkg, "oxigraph": oxi, "rdflib-endpoint": rdf}
        return {
            "name": name,
            "title": name,
            "point": point,
            "median_ms": median,
            "rows": {},
            "errors": {},
            "samples": {},
        }

    return {
        "loader": {"ratio": 0.4, "cdkg_load": {"peak_rss_mb": 900.0}},
        "sparql": {
            "queries": [
                query("point", True, 2.0, 1.0, 9.0),
                query("join", False, 30.0, 20.0, 100.0),
                query("excluded", False, 4.0, 3.0, 10.0),
            ],
            "throughput": [
                {"name": "point", "rps": {"cdkg": 3000.0, "oxigraph": 9000.0}},
                {
                    "name": "join",
                    "rps": {"cdkg": 850.0, "oxigraph": 1000.0, "rdflib-endpoint": 100.0},
                },
            ],
            "streaming": [
                {"server": "cdkg", "rows": 1000, "rss_increase_mb": 120.0, "hwm_increase_mb": 80.0}
            ],
        },
    }


def test_targets_are_judged_as_the_issues_state_them() -> None:
    verdicts = [(t["target"], t["met"]) for t in report.targets(_figures())]
    assert verdicts == [
        ("loader >= 0.5x bulk_load's triples/s", False),
        ("loader peak RSS < 1024 MB", True),
        ("point: median <= Oxigraph + 1.5 ms", True),  # 2.0 <= 1.0 + 1.5
        ("point: >= 3x faster than rdflib", True),  # 9.0 / 2.0 = 4.5
        ("join: median <= 1.15x Oxigraph (>= 10 ms)", False),  # 30 / 20 = 1.5
        ("join: >= 3x faster than rdflib", True),  # 100 / 30 = 3.3
        ("excluded: >= 3x faster than rdflib", False),  # 10 / 4 = 2.5; Oxigraph < 10 ms
        ("point: >= 2,500 req/s", True),
        ("join: >= 85% of Oxigraph's req/s", True),  # 850 / 1000
        ("join: >= 5x rdflib's req/s", True),  # 850 / 100
        ("streaming 1,000 rows as CSV: cdkg peak memory rise < 100 MB", False),  # 120 MB sampled
    ]


def test_paths_rows_join_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "paths_bench_stub.py").write_text(
        "def run(study_dir):\n"
        "    return [{'name': 'connect', 'median_ms': 12.5, 'target': '< 50 ms', 'met': True},\n"
        "            {'name': 'projection', 'seconds': 3.0, 'target': '< 2 s', 'met': False}]\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    paths = run_paths(tmp_path, skip=False, module="paths_bench_stub")
    assert paths["status"] == "ok"
    assert [row["name"] for row in paths["rows"]] == ["connect", "projection"]
    verdicts = [(t["target"], t["met"]) for t in report.targets({"paths": paths})]
    assert verdicts == [("connect: < 50 ms", True), ("projection: < 2 s", False)]
    missing = run_paths(tmp_path, skip=False, module="paths_bench_absent")
    assert missing == {"status": "paths_bench_absent is not present"}
