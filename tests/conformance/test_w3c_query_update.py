"""W3C SPARQL 1.1 query, update, result-format and syntax tests, run in-process.

Every entry of `w3c-sparql11/manifest.ttl` (following mf:include) is one case, named by its
test IRI. Each runs over a fresh in-memory store through the code the HTTP layer runs:
`app.sparql.protocol` plans the job (screening, negotiation, dataset) and the executor the app
installs for an in-memory store runs it and serialises the answer, which is then parsed back
and compared with the expected result. Known failures: `expected_failures.py`.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import (
    DefaultGraph,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    parse,
)

from app.settings import Settings
from app.sparql.clauses import top_level
from app.sparql.execution import QueryExecutor, QueryRefused, QuerySyntaxError
from app.sparql.protocol import QueryOperation, UpdateOperation, plan_query, plan_update
from app.sparql.running import EvaluationFailed, run_query, run_update
from app.sparql.workers import create_executor
from app.store.oxigraph_store import OxigraphStore

from .expected_failures import EXPECTED_FAILURES
from .manifests import (
    QT,
    UT,
    Entry,
    GraphData,
    action,
    entries,
    file_path,
    query_data,
    result,
    suite_dir,
    update_data,
    value,
)
from .results import (
    Table,
    canonical,
    csv_table,
    read_results,
    result_set_table,
    same_table,
)

ENTRIES = list(entries(suite_dir() / "manifest.ttl"))

_RESULT_TYPES = {
    "srx": ("application/sparql-results+xml", QueryResultsFormat.XML),
    "srj": ("application/sparql-results+json", QueryResultsFormat.JSON),
    "tsv": ("text/tab-separated-values", QueryResultsFormat.TSV),
}
_GRAPH_RESULTS = ("ttl", "nt", "rdf")


def _cases() -> list[object]:
    cases = []
    for entry in ENTRIES:
        reason = EXPECTED_FAILURES.get(entry.iri)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        cases.append(pytest.param(entry, id=entry.iri, marks=marks))
    return cases


class Engine:
    """A fresh store and the executor the app would install for it."""

    def __init__(self) -> None:
        self.store = OxigraphStore(None)
        self.executor: QueryExecutor = create_executor(Settings(store=Path(":memory:")), self.store)

    def load(self, loads: list[GraphData]) -> None:
        for load in loads:
            path = file_path(load.file)
            fmt = RdfFormat.from_extension(path.suffix.lstrip("."))
            assert fmt is not None, f"unknown RDF file type: {path}"
            graph = NamedNode(load.graph) if load.graph is not None else DefaultGraph()
            quads = parse(path=path, format=fmt, base_iri=load.file)
            self.store.add_quads(Quad(q.subject, q.predicate, q.object, graph) for q in quads)

    def query(self, text: str, base_iri: str, accept: str | None) -> bytes:
        job = plan_query(QueryOperation(text), restrict=None, accept=accept, base_iri=base_iri)
        return b"".join(run_query(self.executor, job).chunks)

    def update(self, text: str, base_iri: str) -> None:
        run_update(self.executor, plan_update(UpdateOperation(text), base_iri=base_iri))


@pytest.fixture
def engine() -> Iterator[Engine]:
    opened = Engine()
    yield opened
    opened.executor.close()
    opened.store.close()


@pytest.mark.parametrize("entry", _cases())
def test_w3c(entry: Entry, engine: Engine) -> None:
    if entry.type in ("QueryEvaluationTest", "CSVResultFormatTest"):
        _query_evaluation(entry, engine)
    elif entry.type == "UpdateEvaluationTest":
        _update_evaluation(entry, engine)
    elif entry.type in ("PositiveSyntaxTest11", "NegativeSyntaxTest11"):
        _syntax(entry, engine, positive=entry.type.startswith("Positive"), update=False)
    elif entry.type in ("PositiveUpdateSyntaxTest11", "NegativeUpdateSyntaxTest11"):
        _syntax(entry, engine, positive=entry.type.startswith("Positive"), update=True)
    else:
        pytest.fail(f"{entry.iri}: no harness for test type {entry.type}")


def test_suite_is_complete() -> None:
    """The subset README promises 232 query, 94 update, 169 syntax and the result-format
    tests; a manifest that silently lost entries would shrink the run."""
    kinds = [e.type for e in ENTRIES]
    assert kinds.count("QueryEvaluationTest") + kinds.count("CSVResultFormatTest") == 235
    assert kinds.count("UpdateEvaluationTest") == 94
    assert sum("Syntax" in k for k in kinds) == 166


def _query_evaluation(entry: Entry, engine: Engine) -> None:
    node = action(entry)
    query_iri = value(entry, node, QT.query)
    expected_iri = result(entry)
    assert query_iri is not None and expected_iri is not None
    engine.load(query_data(entry, node))
    text = file_path(query_iri).read_text(encoding="utf-8")
    expected_path = file_path(str(expected_iri))
    extension = expected_path.suffix.lstrip(".")
    if extension in _GRAPH_RESULTS:
        fmt = RdfFormat.from_extension(extension)
        assert fmt is not None
        expected = list(parse(path=expected_path, format=fmt, base_iri=str(expected_iri)))
        table = result_set_table(expected)
        if table is not None:
            body = engine.query(text, query_iri, "application/sparql-results+json")
            _assert_same_table(table, read_results(body, QueryResultsFormat.JSON), text)
        else:
            body = engine.query(text, query_iri, "text/turtle")
            assert canonical(parse(body, format=RdfFormat.TURTLE)) == canonical(expected)
    elif extension == "csv":
        body = engine.query(text, query_iri, "text/csv")
        want_header, want_rows = csv_table(expected_path.read_text(encoding="utf-8"))
        got_header, got_rows = csv_table(body.decode("utf-8"))
        assert sorted(got_header) == sorted(want_header)
        assert _reordered(got_rows, got_header, want_header) == want_rows
    else:
        media_type, fmt = _RESULT_TYPES[extension]
        body = engine.query(text, query_iri, media_type)
        expected_result = read_results(expected_path.read_bytes(), fmt)
        actual = read_results(body, fmt)
        if isinstance(expected_result, bool):
            assert actual is expected_result
        else:
            _assert_same_table(expected_result, actual, text)


def _assert_same_table(expected: Table, actual: Table | bool, query: str) -> None:
    assert isinstance(actual, Table), f"expected solutions, got {actual}"
    ordered = _ordered(query)
    if not same_table(expected, actual, ordered=ordered):
        missing = set(expected.rows) - set(actual.rows)
        extra = set(actual.rows) - set(expected.rows)
        pytest.fail(
            f"solutions differ (ordered={ordered}; {len(expected.rows)} expected, "
            f"{len(actual.rows)} got)\nonly expected: {sorted(map(str, missing))}\n"
            f"only got: {sorted(map(str, extra))}"
        )


def _update_evaluation(entry: Entry, engine: Engine) -> None:
    node = action(entry)
    request_iri = value(entry, node, UT.request)
    assert request_iri is not None
    engine.load(update_data(entry, node))
    engine.update(file_path(request_iri).read_text(encoding="utf-8"), request_iri)
    expected_node = result(entry)
    assert expected_node is not None
    expected = Engine()
    try:
        expected.load(update_data(entry, expected_node))
        want = canonical(_quads(expected.store))
    finally:
        expected.store.close()
    assert canonical(_quads(engine.store)) == want


def _syntax(entry: Entry, engine: Engine, *, positive: bool, update: bool) -> None:
    target = action(entry)
    text = file_path(str(target)).read_text(encoding="utf-8")
    try:
        if update:
            engine.update(text, str(target))
        else:
            engine.query(text, str(target), None)
    except QuerySyntaxError as exc:
        assert not positive, f"valid text rejected: {exc}"
        return
    except QueryRefused as exc:
        # Refused texts never reach the parser: fine for invalid text, a failure for valid.
        assert not positive, f"valid text refused: {exc}"
        return
    except EvaluationFailed:
        pass  # it parsed; running it on an empty store is not what the test is about
    assert positive, "invalid text accepted"


def _ordered(query: str) -> bool:
    return any(depth == 0 and token.is_word("ORDER") for token, depth in top_level(query))


def _reordered(
    rows: Counter[tuple[str, ...]], header: list[str], wanted: list[str]
) -> Counter[tuple[str, ...]]:
    position = [header.index(name) for name in wanted]
    return Counter({tuple(row[i] for i in position): n for row, n in rows.items()})


def _quads(store: OxigraphStore) -> list[Quad]:
    dumped = io.BytesIO()
    store.dump(dumped, RdfFormat.N_QUADS)
    return list(parse(dumped.getvalue(), format=RdfFormat.N_QUADS))
