"""The Oxigraph store behind the GraphStore interface: datasets, writes, persistence, locking."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, RdfFormat, Variable

from app.store import GraphStore, StoreError, StoreLocked, StoreNotFound
from app.store.oxigraph_store import OxigraphStore, open_store

EX = "http://example.org/"
G1, G2 = EX + "g1", EX + "g2"


def _values(store: GraphStore, sparql: str, **dataset: list[str]) -> list[str]:
    result = store.query(sparql, **dataset)  # type: ignore[arg-type]
    assert isinstance(result, QuerySolutions)
    return sorted(row[0].value for row in result)


@pytest.fixture
def two_graphs(store: OxigraphStore) -> OxigraphStore:
    store.update(
        f"""INSERT DATA {{
          GRAPH <{G1}> {{ <{EX}a> <{EX}p> "one" }}
          GRAPH <{G2}> {{ <{EX}a> <{EX}p> "two" }}
          <{EX}a> <{EX}p> "default" }}"""
    )
    return store


def test_dataset_given_overrides_from_clauses(two_graphs: OxigraphStore) -> None:
    query = f"SELECT ?o FROM <{G2}> WHERE {{ ?s ?p ?o }}"
    assert _values(two_graphs, query, default_graphs=[G1], named_graphs=[G1]) == ["one"]


def test_empty_dataset_sees_nothing(two_graphs: OxigraphStore) -> None:
    query = "SELECT ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    assert _values(two_graphs, query, default_graphs=[], named_graphs=[]) == []


def test_named_graphs_restrict_graph_patterns(two_graphs: OxigraphStore) -> None:
    query = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _values(two_graphs, query, default_graphs=[], named_graphs=[G2]) == ["two"]
    assert _values(two_graphs, query) == ["one", "two"]


def test_no_dataset_means_store_default_graph(two_graphs: OxigraphStore) -> None:
    assert _values(two_graphs, "SELECT ?o WHERE { ?s ?p ?o }") == ["default"]


def test_substitutions_bind_variables(two_graphs: OxigraphStore) -> None:
    result = two_graphs.query(
        "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
        substitutions={Variable("o"): Literal("two")},
    )
    assert isinstance(result, QuerySolutions)
    assert [row["s"] for row in result] == [NamedNode(EX + "a")]


def test_syntax_error_is_reported(store: OxigraphStore) -> None:
    with pytest.raises(SyntaxError):
        store.query("SELEC ?x")


def test_update_is_one_transaction(two_graphs: OxigraphStore) -> None:
    # The second operation fails (the graph exists), so the first must not stay either.
    with pytest.raises(RuntimeError):
        two_graphs.update(
            f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}x> <{EX}p> 1 }} }} ; CREATE GRAPH <{G1}>"
        )
    assert EX + "g3" not in two_graphs.graph_names()


def test_replace_graph_swaps_content(two_graphs: OxigraphStore) -> None:
    two_graphs.replace_graph(G1, f'<{EX}b> <{EX}p> "new" .'.encode(), RdfFormat.N_TRIPLES)
    query = "SELECT ?o WHERE { ?s ?p ?o }"
    assert _values(two_graphs, query, default_graphs=[G1]) == ["new"]
    assert _values(two_graphs, query, default_graphs=[G2]) == ["two"]


def test_load_graph_and_add_quads(store: OxigraphStore) -> None:
    store.load_graph(G1, f"<{EX}a> <{EX}p> <{EX}b> .".encode(), RdfFormat.TURTLE)
    store.add_quads([Quad(NamedNode(EX + "c"), NamedNode(EX + "p"), Literal("3"), NamedNode(G2))])
    store.bulk_load_quads(io.BytesIO(f'<{EX}d> <{EX}p> "4" <{G2}> .\n'.encode()))
    assert sorted(store.graph_names()) == [G1, G2]
    query = "SELECT ?o WHERE { ?s ?p ?o }"
    assert _values(store, query, default_graphs=[G2]) == ["3", "4"]


def test_drop_graph_removes_it_and_ignores_absent(two_graphs: OxigraphStore) -> None:
    two_graphs.drop_graph(G1)
    two_graphs.drop_graph(EX + "never-there")
    assert two_graphs.graph_names() == [G2]


def test_dump_one_graph(two_graphs: OxigraphStore) -> None:
    out = io.BytesIO()
    two_graphs.dump(out, RdfFormat.N_TRIPLES, graph=G2)
    assert out.getvalue() == f'<{EX}a> <{EX}p> "two" .\n'.encode()


def test_in_memory_store_has_no_size(store: OxigraphStore) -> None:
    assert store.size_bytes() == 0


def test_closed_store_says_so(tmp_path: Path) -> None:
    opened = OxigraphStore(tmp_path / "s")
    opened.close()
    with pytest.raises(StoreError, match="is closed"):
        opened.graph_names()


def test_persistent_store_keeps_data_and_reports_size(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "store"
    first = OxigraphStore(path)
    first.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> 1 }} }}")
    first.close()
    again = OxigraphStore(path)
    assert again.graph_names() == [G1]
    assert again.size_bytes() > 0
    again.close()


def test_second_writer_in_the_same_process_is_refused(tmp_path: Path) -> None:
    first = OxigraphStore(tmp_path / "s")
    with pytest.raises(StoreLocked, match="in use by another process"):
        OxigraphStore(tmp_path / "s")
    first.close()


def test_second_writer_process_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "s"
    holder = OxigraphStore(path)
    script = (
        "import sys; from pathlib import Path\n"
        "from app.store import StoreLocked\n"
        "from app.store.oxigraph_store import OxigraphStore\n"
        "try:\n    OxigraphStore(Path(sys.argv[1]))\n"
        "except StoreLocked as exc:\n    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    holder.close()
    assert done.stdout.startswith(f"the store at {path} is in use by another process")


def test_read_only_open_works_beside_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "s"
    writer = OxigraphStore(path)
    writer.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}a> <{EX}p> 1 }} }}")
    writer.close()
    writer = OxigraphStore(path)
    reader = OxigraphStore.open_read_only(path)
    assert reader.graph_names() == [G1]
    with pytest.raises(StoreError, match="read-only"):
        reader.drop_graph(G1)
    reader.close()
    writer.close()


def test_read_only_open_of_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no store at"):
        OxigraphStore.open_read_only(tmp_path / "absent")
    assert not (tmp_path / "absent").exists()


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file, not a store folder"):
        OxigraphStore(tmp_path / "file")


def test_open_store_memory_location() -> None:
    opened = open_store(Path(":memory:"))
    assert opened.path is None
    assert opened.graph_names() == []


def test_bulk_load_in_slices_keeps_every_quad(
    store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slice size far below the data size forces many slices, some ending mid-line.
    monkeypatch.setattr("app.store.oxigraph_store.BULK_CHUNK_BYTES", 100)
    lines = [
        f'<http://ex/s{i}> <http://ex/p> "value {i}" <http://ex/g{i % 3}> .\n' for i in range(500)
    ]
    store.bulk_load_quads(io.BytesIO("".join(lines).encode()))
    result = store.query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, QuerySolutions)
    assert [int(row["n"].value) for row in result] == [500]
    assert sorted(store.graph_names()) == ["http://ex/g0", "http://ex/g1", "http://ex/g2"]


def test_bulk_load_reports_the_bytes_taken_after_each_slice(
    store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.store.oxigraph_store.BULK_CHUNK_BYTES", 100)
    lines = [f'<http://ex/s{i}> <http://ex/p> "v{i}" <http://ex/g> .\n' for i in range(10, 20)]
    assert {len(line) for line in lines} == {52}
    seen: list[int] = []
    store.bulk_load_quads(io.BytesIO("".join(lines).encode()), seen.append)
    # Reads of 100 bytes: the first holds one whole line (52); each later one completes the
    # line begun before and one more (+104), until the last 20 bytes finish the tenth line.
    assert seen == [52, 156, 260, 364, 468, 520]


def test_bulk_load_without_final_newline(store: OxigraphStore) -> None:
    store.bulk_load_quads(io.BytesIO(b'<http://ex/s> <http://ex/p> "x" <http://ex/g> .'))
    assert store.graph_names() == ["http://ex/g"]
