"""The `cdkg` command: every command in-process (CliRunner), the store lock and `serve` for real."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pyoxigraph import RdfFormat, parse
from typer.testing import CliRunner

from app.cli import cli
from app.store import CATALOGUE_GRAPH, AccessLevel
from app.store.catalogue import GraphEntry, SourceEntry, publish_study, sources
from app.store.oxigraph_store import OxigraphStore

BASE = "https://example.org/tiny/"
STUDY = BASE + "study/tiny"
CDO = "https://w3id.org/cdkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
G_ACTS = BASE + "graph/acts-csv/public/0000000000000001"
G_CONF = BASE + "graph/study-yaml/confidential/0000000000000001"
G_PUB = BASE + "graph/study-yaml/public/0000000000000001"
LOADED = datetime(2024, 5, 2, 10, 15, tzinfo=UTC)
MINI = Path(__file__).parent / "fixtures" / "mini"

# The tiny study, by graph: two clients (public), a piece of evidence (confidential), an act.
QUADS = {
    G_PUB: [
        f"<{BASE}org/ACME> <{RDF_TYPE}> <{CDO}Client>",
        f'<{BASE}org/ACME> <{LABEL}> "Acme"',
        f"<{BASE}org/BETA> <{RDF_TYPE}> <{CDO}Client>",
        f'<{BASE}org/BETA> <{LABEL}> "Beta \\"B\\" Ltd"',
    ],
    G_CONF: [f'<{BASE}evidence/E1> <{CDO}text> "secret words"'],
    G_ACTS: [f"<{BASE}act/X1> <{RDF_TYPE}> <{CDO}ClassificationAct>"],
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A store on disk holding the tiny study; returns its path."""
    path = tmp_path / "store"
    store = OxigraphStore(path)
    nquads = "".join(f"{line} <{g}> .\n" for g, lines in QUADS.items() for line in lines)
    entries = [
        SourceEntry(
            BASE + "source/acts-csv",
            "acts.csv",
            "a" * 64,
            (GraphEntry(G_ACTS, AccessLevel.PUBLIC, 1),),
        ),
        SourceEntry(
            BASE + "source/study-yaml",
            "study.yaml",
            "b" * 64,
            (
                GraphEntry(G_PUB, AccessLevel.PUBLIC, 4),
                GraphEntry(G_CONF, AccessLevel.CONFIDENTIAL, 1),
            ),
        ),
    ]
    publish_study(store, STUDY, entries, io.BytesIO(nquads.encode()), LOADED)
    store.close()
    return path


def run(
    runner: CliRunner, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    environment = {"CDKG_STORE": "/nonexistent", "CDKG_CONFIG": "", **(env or {})}
    result = runner.invoke(cli, list(args), input=stdin, env=environment)
    # The bytes, not `result.stdout`, which turns CRLF (SPARQL CSV) into LF.
    out, err = result.stdout_bytes.decode(), result.stderr_bytes.decode()
    assert "Traceback" not in out + err
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, out, err


# query


def test_query_as_csv(runner: CliRunner, tiny: Path) -> None:
    q = "SELECT ?name WHERE { ?o a cdo:Client ; rdfs:label ?name } ORDER BY ?name"
    code, out, _ = run(runner, "query", q, "--format", "csv", "--store", str(tiny))
    assert (code, out) == (0, 'name\r\nAcme\r\n"Beta ""B"" Ltd"\r\n')


def test_query_as_table(runner: CliRunner, tiny: Path) -> None:
    q = "SELECT ?o ?name WHERE { ?o a cdo:Client ; rdfs:label ?name } ORDER BY ?name"
    code, out, _ = run(runner, "query", q, "--store", str(tiny))
    assert code == 0
    assert "tiny/org/ACME" in out and "Acme" in out and out.rstrip().endswith("2 rows")


def test_query_as_json(runner: CliRunner, tiny: Path) -> None:
    q = "SELECT ?t WHERE { ?e cdo:text ?t }"
    code, out, _ = run(runner, "query", q, "--format", "json", "--store", str(tiny))
    assert code == 0
    bindings = json.loads(out)["results"]["bindings"]
    assert bindings == [{"t": {"type": "literal", "value": "secret words"}}]


def test_query_at_public_level_hides_confidential_graphs(runner: CliRunner, tiny: Path) -> None:
    q = "SELECT ?t WHERE { { ?e cdo:text ?t } UNION { GRAPH ?g { ?e cdo:text ?t } } }"
    code, out, _ = run(
        runner, "query", q, "--level", "public", "--format", "tsv", "--store", str(tiny)
    )
    assert (code, out) == (0, "?t\n")


def test_query_never_reads_the_catalogue(runner: CliRunner, tiny: Path) -> None:
    q = f"SELECT ?s WHERE {{ GRAPH <{CATALOGUE_GRAPH}> {{ ?s ?p ?o }} }}"
    code, out, _ = run(runner, "query", q, "--format", "csv", "--store", str(tiny))
    assert (code, out) == (0, "s\r\n")


def test_ask_prints_true(runner: CliRunner, tiny: Path) -> None:
    code, out, _ = run(runner, "query", "ASK { ?a a cdo:ClassificationAct }", "--store", str(tiny))
    assert (code, out.strip()) == (0, "true")


def test_construct_prints_turtle(runner: CliRunner, tiny: Path) -> None:
    q = "CONSTRUCT WHERE { ?o a cdo:Client ; rdfs:label ?name }"
    code, out, _ = run(runner, "query", q, "--store", str(tiny))
    assert code == 0
    assert out.startswith("@prefix")
    assert len(list(parse(out.encode(), format=RdfFormat.TURTLE))) == 4


def test_query_from_file_and_stdin(runner: CliRunner, tiny: Path, tmp_path: Path) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?o a cdo:Client }")
    code, out, _ = run(runner, "query", "-f", str(rq), "--format", "csv", "--store", str(tiny))
    assert (code, out) == (0, "n\r\n2\r\n")
    code, out, _ = run(
        runner, "query", "-f", "-", "--format", "csv", "--store", str(tiny), stdin=rq.read_text()
    )
    assert (code, out) == (0, "n\r\n2\r\n")


def test_query_syntax_error_exits_2_with_the_parser_message(runner: CliRunner, tiny: Path) -> None:
    code, out, err = run(runner, "query", "SELECT ?x WHERE { ?x ?y }", "--store", str(tiny))
    assert code == 2
    assert out == ""
    # 25 characters: the parser stops just past the end, where the object should be.
    assert err.startswith("error: query syntax error: line 1, column 26, at the end of the query")
    assert err.endswith("  SELECT ?x WHERE { ?x ?y }\n" + " " * 27 + "^\n")


def test_query_service_is_refused(runner: CliRunner, tiny: Path) -> None:
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    code, _, err = run(runner, "query", q, "--store", str(tiny))
    assert code == 2
    assert err.startswith("error: query refused: ")


def test_query_needs_text_or_file(runner: CliRunner, tiny: Path) -> None:
    code, _, err = run(runner, "query", "--store", str(tiny))
    assert code == 2
    assert "give the query as an argument or with -f FILE" in err


def test_query_on_a_missing_store(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "query", "ASK {}", "--store", str(tmp_path / "absent"))
    assert code == 1
    assert err.startswith(f"error: no store at {tmp_path / 'absent'}")
    assert not (tmp_path / "absent").exists()


# export


def _sorted_nquads(graph: str) -> list[str]:
    return sorted(f"{line} <{graph}> ." for line in QUADS[graph])


def test_export_nquads_is_deterministic_and_leaves_out_the_catalogue(
    runner: CliRunner, tiny: Path
) -> None:
    code, out, _ = run(runner, "export", "--format", "nq", "--store", str(tiny))
    expected = [*_sorted_nquads(G_ACTS), *_sorted_nquads(G_CONF), *_sorted_nquads(G_PUB)]
    assert (code, out.splitlines()) == (0, expected)
    assert run(runner, "export", "--format", "nq", "--store", str(tiny))[1] == out


def test_export_public_turtle_to_a_file(runner: CliRunner, tiny: Path, tmp_path: Path) -> None:
    target = tmp_path / "public.ttl"
    args = ["export", "--format", "ttl", "--level", "public", "-o", str(target)]
    code, out, err = run(runner, *args, "--store", str(tiny))
    assert (code, out) == (0, "")
    assert err.startswith("wrote 5 statements from 2 graphs to ")
    triples = {str(q.triple) for q in parse(target.read_bytes(), format=RdfFormat.TURTLE)}
    assert triples == {f"{t}" for t in QUADS[G_PUB] + QUADS[G_ACTS]}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".public")] == []


@pytest.mark.parametrize("fmt", ["nt", "trig", "jsonld"])
def test_export_other_formats_parse(runner: CliRunner, tiny: Path, fmt: str) -> None:
    code, out, _ = run(runner, "export", "--format", fmt, "--graph", G_CONF, "--store", str(tiny))
    assert code == 0
    rdf = {"nt": RdfFormat.N_TRIPLES, "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD}[fmt]
    assert [str(q.triple) for q in parse(out.encode(), format=rdf)] == QUADS[G_CONF]


def test_export_refuses_a_graph_above_the_level(runner: CliRunner, tiny: Path) -> None:
    args = ["export", "--graph", G_CONF, "--level", "restricted", "--store", str(tiny)]
    code, out, err = run(runner, *args)
    assert (code, out) == (1, "")
    assert err.startswith(f"error: not a catalogued graph at level restricted: {G_CONF}")


# stats, sources, drop


def test_stats_as_json(runner: CliRunner, tiny: Path) -> None:
    code, out, _ = run(runner, "stats", "--json", "--store", str(tiny))
    figures = json.loads(out)
    assert code == 0 and figures.pop("store_bytes") > 0
    assert figures == {
        "store": str(tiny),
        "generation": 1,
        "studies": 1,
        "sources": 2,
        "graphs": {"public": 2, "restricted": 0, "confidential": 1, "total": 3},
        "triples": {"public": 5, "restricted": 0, "confidential": 1, "total": 6},
    }


def test_stats_as_text(runner: CliRunner, tiny: Path) -> None:
    code, out, _ = run(runner, "stats", "--store", str(tiny))
    assert code == 0
    assert "generation  1" in out and "sources     2" in out


def test_sources_as_json(runner: CliRunner, tiny: Path) -> None:
    code, out, _ = run(runner, "sources", "--json", "--store", str(tiny))
    listed = json.loads(out)
    assert code == 0
    assert [(s["file"], s["triples"], s["loaded_at"]) for s in listed] == [
        ("acts.csv", 1, "2024-05-02T10:15:00+00:00"),
        ("study.yaml", 5, "2024-05-02T10:15:00+00:00"),
    ]
    assert listed[1]["graphs"] == [
        {"iri": G_CONF, "level": "confidential", "triples": 1},
        {"iri": G_PUB, "level": "public", "triples": 4},
    ]


def test_sources_as_table(runner: CliRunner, tiny: Path) -> None:
    code, out, _ = run(runner, "sources", "--store", str(tiny))
    assert code == 0
    assert "acts.csv" in out and "1 public, 1 confidential" in out


def test_drop_a_source(runner: CliRunner, tiny: Path) -> None:
    code, out, _ = run(runner, "drop", "acts.csv", "--store", str(tiny))
    assert code == 0
    assert out.startswith(f"dropped acts.csv ({BASE}source/acts-csv): 1 graphs, 1 triples;")
    store = OxigraphStore.open_read_only(tiny)
    assert [s.file for s in sources(store)] == ["study.yaml"]
    assert G_ACTS not in store.graph_names()
    store.close()


def test_drop_an_unknown_source(runner: CliRunner, tiny: Path) -> None:
    code, _, err = run(runner, "drop", "flags.csv", "--store", str(tiny))
    assert code == 1
    assert err.startswith("error: no catalogued source matches 'flags.csv'")


def test_writing_commands_refuse_a_locked_store(runner: CliRunner, tiny: Path) -> None:
    holder = OxigraphStore(tiny)
    code, _, err = run(runner, "drop", "acts.csv", "--store", str(tiny))
    holder.close()
    assert code == 1
    assert err.startswith(f"error: the store at {tiny} is in use by another process")


def test_reading_commands_work_beside_a_writer(runner: CliRunner, tiny: Path) -> None:
    holder = OxigraphStore(tiny)
    code, out, _ = run(runner, "sources", "--json", "--store", str(tiny))
    holder.close()
    assert code == 0 and len(json.loads(out)) == 2


# load and validate (the loader's own checks are tested with the loader)


def _all_quads(path: Path) -> bytes:
    store = OxigraphStore.open_read_only(path)
    out = io.BytesIO()
    store.dump(out, RdfFormat.N_QUADS)
    store.close()
    return out.getvalue()


def test_load_then_load_again_changes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out, _ = run(runner, "load", str(MINI), "--quiet", "--store", str(store))
    assert code == 0
    assert "https://example.org/mini/study/mini: wrote " in out and "generation 1" in out
    code, out, _ = run(runner, "load", str(MINI), "--quiet", "--store", str(store))
    assert code == 0
    assert "unchanged" in out and "generation 1" in out


def test_load_if_empty_skips_a_store_with_data(runner: CliRunner, tiny: Path) -> None:
    code, out, _ = run(runner, "load", str(MINI), "--if-empty", "--quiet", "--store", str(tiny))
    assert code == 0
    assert "already holds data; nothing loaded" in out
    store = OxigraphStore.open_read_only(tiny)
    assert {s.study for s in sources(store)} == {STUDY}
    store.close()


def test_dry_run_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    code, out, _ = run(runner, "load", str(MINI), "--dry-run", "--quiet", "--store", str(store))
    assert code == 0
    assert "mini: " in out and "dry run: nothing written" in out
    assert not store.exists()


def test_validate(runner: CliRunner) -> None:
    code, out, _ = run(runner, "validate", str(MINI), "--quiet")
    assert code == 0
    assert out.rstrip().endswith("valid")


def test_a_broken_study_prints_every_error_and_writes_nothing(
    runner: CliRunner, tiny: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(MINI, broken)
    acts = broken / "acts.csv"
    acts.write_text(acts.read_text().replace(",c-cat,", ",c-nothing,", 1))
    before = _all_quads(tiny)
    code, _, err = run(runner, "load", str(broken), "--quiet", "--store", str(tiny))
    assert code == 1
    assert "acts.csv:" in err and "c-nothing" in err
    assert err.rstrip().endswith("nothing written")
    store = OxigraphStore.open_read_only(tiny)
    assert {s.study for s in sources(store)} == {STUDY}
    store.close()
    assert _all_quads(tiny) == before


def test_load_of_a_missing_path(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = run(runner, "validate", str(tmp_path / "nowhere"), "--quiet")
    assert code == 1
    assert "nowhere: no such file or folder" in err


# settings, help, and the real command


def test_a_bad_config_file_is_one_line(runner: CliRunner, tiny: Path, tmp_path: Path) -> None:
    config = tmp_path / "cdkg.toml"
    config.write_text('row_limit = "many"\n')
    code, out, err = run(runner, "stats", "--store", str(tiny), env={"CDKG_CONFIG": str(config)})
    assert (code, out) == (1, "")
    assert err == (
        f"error: bad settings from {config} or the command line: CDKG_ROW_LIMIT: Input should "
        "be a valid integer, unable to parse string as an integer (got 'many')\n"
    )


COMMANDS = ["load", "validate", "query", "export", "stats", "sources", "drop", "serve", "ask"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_store(runner: CliRunner, command: str) -> None:
    code, out, _ = run(runner, command, "--help")
    assert code == 0
    assert "--store" in out


def _cdkg(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CDKG_STORE": str(store)}
    command = [str(Path(sys.executable).with_name("cdkg")), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(tiny: Path, tmp_path: Path) -> Iterator[str]:
    """`cdkg serve` over the tiny store on 127.0.0.1; stopped at the end of the test."""
    port = _free_port()
    command = [str(Path(sys.executable).with_name("cdkg")), "serve", "--port", str(port)]
    env = {**os.environ, "CDKG_STORE": str(tiny)}
    log = tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    with (
        log.open("w") as sink,
        subprocess.Popen(command, env=env, stdout=sink, stderr=sink) as process,
    ):
        try:
            for _attempt in range(300):
                if process.poll() is not None:
                    pytest.fail(f"cdkg serve exited early: {log.read_text()}")
                try:
                    httpx.get(url + "/health", timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_serve_answers_health_and_keeps_writers_out(server: str, tiny: Path) -> None:
    health = httpx.get(server + "/health", timeout=10).json()
    assert health.pop("store_bytes") > 0
    assert health == {"status": "ok", "generation": 1, "sources": 2, "triples": 5}
    refused = _cdkg("load", str(MINI), "--quiet", store=tiny)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"error: the store at {tiny} is in use by another process")
    assert "Traceback" not in refused.stderr
    listed = _cdkg("sources", "--json", store=tiny)
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 2
