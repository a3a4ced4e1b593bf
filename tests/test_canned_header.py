"""The `#+` header of canned query files: what loads, and how every broken file is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.canned.header import HeaderError
from app.canned.registry import load_query, load_registry
from app.main import create_app
from app.settings import Settings

QUERIES_DIR = Path(__file__).parent.parent / "queries"

RESEARCH_QUESTIONS = [
    "client-imposed-label",
    "excluded-proposals",
    "taxonomy-origin-shares",
    "imposition-chain",
    "override-justifications",
    "superseded-version-labels",
    "version-changes",
    "flagged-then-excluded",
    "residual-share",
    "bypassed-team-leads",
    "overruled-objections",
    "proposers-overridden",
    "shared-taxonomies",
    "unpublishable-evidence",
    "role-change-decisions",
    "metric-rules",
    "sensitive-attributes",
    "evidence-for",
]

GOOD_HEADER = """\
#+ title: People
#+ description: Every person, by label.
#+ parameters:
#+   - name: person
#+     type: iri
#+     description: Only this person.
#+   - name: since
#+     type: date
#+     default: 2024-01-01
#+     description: A day.
#+ tags: [people]
#+ example: /queries/people?person=https://example.org/p/1
"""
GOOD_QUERY = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?person ?since ?label WHERE { ?person rdfs:label ?label } ORDER BY ?person
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_queries_answer_every_research_question() -> None:
    registry = load_registry(QUERIES_DIR)
    assert sorted(registry.names) == sorted(RESEARCH_QUESTIONS)
    assert "qc" not in " ".join(registry.names)


def test_a_good_file_loads(tmp_path: Path) -> None:
    query = load_query(write(tmp_path, "people", GOOD_HEADER + GOOD_QUERY))
    assert query.name == "people"
    assert query.header.title == "People"
    assert [p.name for p in query.header.parameters] == ["person", "since"]
    assert query.header.parameters[1].default_text == "2024-01-01"
    assert query.sparql.startswith("PREFIX rdfs:")
    assert "#+" not in query.sparql
    assert query.path_template == "/queries/people"


def test_prefixed_enum_values_are_expanded(tmp_path: Path) -> None:
    header = GOOD_HEADER.replace(
        "#+     description: Only this person.\n",
        "#+     description: Only this person.\n#+     enum: [cdo:A, 'https://example.org/p/1']\n",
    )
    query = load_query(write(tmp_path, "people", header + GOOD_QUERY))
    assert query.header.parameters[0].enum == (
        "https://w3id.org/cdkg/ontology#A",
        "https://example.org/p/1",
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (("#+ title: People\n", ""), "title", "Field required"),
        (("#+ title: People\n", "#+ title: ''\n"), "title", "at least 1 character"),
        (("#+ tags: [people]\n", "#+ tags: [people]\n#+ author: me\n"), "author", "not permitted"),
        (("type: iri", "type: uri"), "parameters[0].type", "'iri'"),
        (("name: person", "name: two words"), "parameters[0].name", "not a SPARQL variable"),
        (("name: person", "name: limit"), "parameters[0].name", "reserved"),
        (("name: since", "name: person"), "parameters", "declared twice"),
        (("default: 2024-01-01", "default: 2024-13-01"), "parameters[1]", "YYYY-MM-DD"),
        (
            ("#+     default: 2024-01-01\n", "#+     required: true\n#+     default: 2024-01-01\n"),
            "parameters[1]",
            "required parameter cannot have a default",
        ),
        (("#+     description: A day.\n", ""), "parameters[1].description", "Field required"),
        (("/queries/people?", "/queries/persons?"), "example", "/queries/people"),
        (("person=https://example.org/p/1", "person=p1"), "example", "'person'"),
        (("person=https://example.org/p/1", "who=x"), "example", "unknown parameter 'who'"),
    ],
)
def test_broken_headers_name_the_file_and_field(
    tmp_path: Path, change: tuple[str, str], field: str, message: str
) -> None:
    old, new = change
    assert old in GOOD_HEADER
    path = write(tmp_path, "people", GOOD_HEADER.replace(old, new, 1) + GOOD_QUERY)
    with pytest.raises(HeaderError) as caught:
        load_query(path)
    assert caught.value.path == path
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{path}: {field}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (GOOD_QUERY, "header", "must start with '#+'"),
        ("#+ title: [unclosed\n" + GOOD_QUERY, "header", "not valid YAML (header line"),
        ("#+ just a sentence\n" + GOOD_QUERY, "header", "YAML mapping"),
        (
            GOOD_HEADER + GOOD_QUERY.replace("ORDER BY ?person", ""),
            "query",
            "ORDER BY",
        ),
        (GOOD_HEADER + GOOD_QUERY.replace("WHERE {", "WHERE {{"), "query", "does not parse"),
        (
            GOOD_HEADER + GOOD_QUERY.replace("SELECT ?person ?since", "SELECT ?person"),
            "parameters[1].name",
            "?since must be in the SELECT projection",
        ),
        (
            GOOD_HEADER
            + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            + "CONSTRUCT { ?person rdfs:label ?since } WHERE { ?person rdfs:label ?since }"
            + " ORDER BY ?person\n",
            "query",
            "must be a SELECT query",
        ),
    ],
)
def test_broken_queries_name_the_file(tmp_path: Path, text: str, field: str, message: str) -> None:
    path = write(tmp_path, "people", text)
    with pytest.raises(HeaderError) as caught:
        load_query(path)
    assert caught.value.field == field
    assert message in str(caught.value)


def test_a_query_that_is_not_a_select(tmp_path: Path) -> None:
    header = GOOD_HEADER.replace("#+ parameters:\n", "#+ parameters: []\n").split("#+   - name")[0]
    header += "#+ example: /queries/people\n"
    text = header + "ASK { ?s ?p ?o } # ORDER BY in a comment does not count\n"
    path = write(tmp_path, "people", text)
    with pytest.raises(HeaderError) as caught:
        load_query(path)
    assert caught.value.field == "query"


def test_file_names_are_url_safe(tmp_path: Path) -> None:
    with pytest.raises(HeaderError) as caught:
        load_query(write(tmp_path, "People", GOOD_HEADER + GOOD_QUERY))
    assert caught.value.field == "file name"


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "people.rq"
    path.write_bytes(b"#+ title: Caf\xe9\n")
    with pytest.raises(HeaderError, match="not UTF-8"):
        load_query(path)


def test_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(HeaderError) as caught:
        load_registry(tmp_path / "nowhere")
    assert caught.value.field == "queries_dir"


def test_one_broken_file_stops_the_whole_registry(tmp_path: Path) -> None:
    write(tmp_path, "people", GOOD_HEADER + GOOD_QUERY)
    write(tmp_path, "broken", "#+ title: Broken\n" + GOOD_QUERY)
    with pytest.raises(HeaderError) as caught:
        load_registry(tmp_path)
    assert caught.value.path == tmp_path / "broken.rq"
    assert caught.value.field == "description"


def test_subfolders_are_not_canned_queries(tmp_path: Path) -> None:
    write(tmp_path, "people", GOOD_HEADER + GOOD_QUERY)
    (tmp_path / "qc").mkdir()
    write(tmp_path / "qc", "x-violation", "SELECT * WHERE { ?s ?p ?o }")
    assert load_registry(tmp_path).names == ("people",)


def test_a_broken_header_stops_the_app(tmp_path: Path) -> None:
    write(tmp_path, "people", GOOD_HEADER + GOOD_QUERY)
    write(tmp_path, "broken", GOOD_HEADER.replace("type: iri", "type: uri") + GOOD_QUERY)
    with pytest.raises(HeaderError) as caught:
        create_app(Settings(store=Path(":memory:"), queries_dir=tmp_path))
    assert caught.value.path == tmp_path / "broken.rq"
    assert caught.value.field == "parameters[0].type"
