"""The consistency checks in queries/qc: silent on consistent data, precise on violations."""

from pathlib import Path

import pytest
import yaml
from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, Store

ROOT = Path(__file__).resolve().parents[1]
QC = ROOT / "queries" / "qc"
EXAMPLES = ROOT / "ontology" / "examples"
DEMO = "https://example.org/cdkg/demo/"

# Hand-derived from the defect described at the top of each ontology/examples/qc/<name>.ttl.
EXPECTED_FOCUS = {
    "override-reviewer-not-qa": {"override/A1"},
    "act-category-not-in-version": {"act/A1"},
    "imposition-relays-later": {"imposition/IMP2"},
    "version-previous-later": {"version/TX1-v2"},
    "version-previous-other-taxonomy": {"version/TX1-v2"},
    "membership-dates": {"membership/M1"},
    "act-outside-project-period": {"act/A2"},
    "excluded-fallback-not-in-taxonomy": {"excluded-category/PP1"},
    "consent-withdrawn-evidence-public": {"evidence/E2", "evidence/E3"},
    "act-version-not-in-project": {"act/A2"},
    "change-category-not-in-version": {"change/TX1-v2-c1"},
    "summary-counts": {"summary/applied/public/P01/PR1/TX1-woman"},
}


def query_names() -> list[str]:
    return sorted(p.name.removesuffix("-violation.rq") for p in QC.glob("*-violation.rq"))


def consistent_examples() -> list[Path]:
    return [EXAMPLES / "study-example.ttl", *sorted(EXAMPLES.glob("*-valid.ttl"))]


def header(text: str) -> dict[str, object]:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    parsed = yaml.safe_load("\n".join(lines))
    assert isinstance(parsed, dict)
    return parsed


def run(query: str, turtle: Path) -> QuerySolutions:
    store = Store()
    store.load(path=str(turtle), format=RdfFormat.TURTLE)
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, QuerySolutions)
    return result


def focus_nodes(result: QuerySolutions) -> set[str]:
    found = set()
    for row in result:
        focus = row["focus"]
        assert isinstance(focus, NamedNode)
        found.add(focus.value.removeprefix(DEMO))
    return found


def test_required_checks_exist() -> None:
    assert set(query_names()) >= {
        "override-reviewer-not-qa",
        "act-category-not-in-version",
        "imposition-relays-later",
        "version-previous-later",
        "membership-dates",
        "act-outside-project-period",
        "excluded-fallback-not-in-taxonomy",
        "consent-withdrawn-evidence-public",
        "act-version-not-in-project",
    }


@pytest.mark.parametrize("name", query_names())
def test_header_has_summary_and_description(name: str) -> None:
    meta = header((QC / f"{name}-violation.rq").read_text())
    assert isinstance(meta.get("summary"), str) and meta["summary"]
    assert isinstance(meta.get("description"), str) and meta["description"]


@pytest.mark.parametrize("name", query_names())
def test_selects_focus_and_message(name: str) -> None:
    result = run((QC / f"{name}-violation.rq").read_text(), EXAMPLES / "qc" / f"{name}.ttl")
    assert [v.value for v in result.variables][:2] == ["focus", "message"]
    rows = list(result)
    assert rows
    for row in rows:
        message = row["message"]
        assert isinstance(message, Literal) and message.value


@pytest.mark.parametrize("name", query_names())
def test_no_rows_on_consistent_examples(name: str) -> None:
    query = (QC / f"{name}-violation.rq").read_text()
    found = {
        (example.name, focus)
        for example in consistent_examples()
        for focus in focus_nodes(run(query, example))
    }
    assert found == set()


@pytest.mark.parametrize("name", query_names())
def test_finds_exactly_the_crafted_violation(name: str) -> None:
    assert name in EXPECTED_FOCUS, f"no expected answer for queries/qc/{name}-violation.rq"
    query = (QC / f"{name}-violation.rq").read_text()
    assert focus_nodes(run(query, EXAMPLES / "qc" / f"{name}.ttl")) == EXPECTED_FOCUS[name]


@pytest.mark.parametrize("name", query_names())
def test_other_checks_ignore_this_violation(name: str) -> None:
    # Each crafted file breaks one rule only, so it proves which query catches what.
    crafted = EXAMPLES / "qc" / f"{name}.ttl"
    others = [o for o in query_names() if o != name]
    fired = [o for o in others if focus_nodes(run((QC / f"{o}-violation.rq").read_text(), crafted))]
    assert fired == []
