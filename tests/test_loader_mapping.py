"""The mapping from records to quads, checked against triples written by hand from docs/model.md.

`worked/` (the worked example of docs/records.md) is compared quad for quad with
worked.expected.trig; `kinds/` covers the remaining kinds, JSON input and the CSV tables.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from app.store.base import AccessLevel
from app.store.oxigraph_store import OxigraphStore
from loaders.mapping import MAPPING_VERSION
from loaders.nquads import literal
from loaders.pipeline import QC_DIR, SHAPES, PreparedLoad, prepare, publish

FIXTURES = Path(__file__).parent / "fixtures" / "loader"
WORKED = FIXTURES / "worked"
KINDS = FIXTURES / "kinds"
CDO = "https://w3id.org/cdkg/ontology#"
K = "https://example.org/kinds#"


def _digest(folder: Path) -> str:
    shas = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir())
    return hashlib.sha256(f"{MAPPING_VERSION}\n{chr(10).join(shas)}".encode()).hexdigest()[:16]


def _quads(prepared: PreparedLoad) -> set[ox.Quad]:
    return set(ox.parse(path=str(prepared.nquads_path), format=ox.RdfFormat.N_QUADS))


def _where(folder: Path) -> dict[tuple[str, str, str], set[str]]:
    """(s, p, o) -> the 'source-slug/level' of each graph holding it (digest left out)."""
    with prepare([folder]) as prepared:
        quads = _quads(prepared)
        graphs = prepared.base + "graph/"
    found: dict[tuple[str, str, str], set[str]] = {}
    for q in quads:
        assert isinstance(q.graph_name, ox.NamedNode)
        slug, level, _digest_part = q.graph_name.value.removeprefix(graphs).split("/")
        key = (str(q.subject), str(q.predicate), str(q.object))
        found.setdefault(key, set()).add(f"{slug}/{level}")
    return found


@pytest.fixture(scope="module")
def kinds() -> dict[tuple[str, str, str], set[str]]:
    return _where(KINDS)


def test_worked_example_maps_to_exactly_the_hand_written_quads() -> None:
    text = (FIXTURES / "worked.expected.trig").read_text(encoding="utf-8")
    expected = set(ox.parse(text.replace("DIGEST", _digest(WORKED)), format=ox.RdfFormat.TRIG))
    with prepare([WORKED]) as prepared:
        got = _quads(prepared)
        assert prepared.triples == len(expected) == 309
    assert sorted(map(str, got - expected)) == []
    assert sorted(map(str, expected - got)) == []


def test_worked_example_catalogue_entries() -> None:
    digest = _digest(WORKED)
    with prepare([WORKED]) as prepared:
        assert prepared.study_id == "lab"
        assert prepared.study_iri == "https://example.org/lab/study/lab"
        assert prepared.base == "https://example.org/lab/"
        sources = {s.file: s for s in prepared.sources}
        counts = prepared.counts
    assert sorted(sources) == ["acts.csv", "decisions.yaml", "study.yaml"]
    for name, source in sources.items():
        assert source.sha256 == hashlib.sha256((WORKED / name).read_bytes()).hexdigest()
    assert sources["acts.csv"].iri == "https://example.org/lab/source/acts-csv"
    graphs = {g.iri: (s.file, g.level, g.triples) for s in sources.values() for g in s.graphs}
    text = (FIXTURES / "worked.expected.trig").read_text(encoding="utf-8")
    expected = Counter(
        q.graph_name.value
        for q in ox.parse(text.replace("DIGEST", digest), format=ox.RdfFormat.TRIG)
        if isinstance(q.graph_name, ox.NamedNode)
    )
    assert {iri: n for iri, (_file, _level, n) in graphs.items()} == expected
    base = "https://example.org/lab/graph/"
    assert {(file, level): iri for iri, (file, level, _n) in graphs.items()} == {
        ("study.yaml", AccessLevel.PUBLIC): f"{base}study-yaml/public/{digest}",
        ("study.yaml", AccessLevel.RESTRICTED): f"{base}study-yaml/restricted/{digest}",
        ("decisions.yaml", AccessLevel.PUBLIC): f"{base}decisions-yaml/public/{digest}",
        ("decisions.yaml", AccessLevel.RESTRICTED): f"{base}decisions-yaml/restricted/{digest}",
        ("decisions.yaml", AccessLevel.CONFIDENTIAL): f"{base}decisions-yaml/confidential/{digest}",
        ("acts.csv", AccessLevel.PUBLIC): f"{base}acts-csv/public/{digest}",
        ("acts.csv", AccessLevel.RESTRICTED): f"{base}acts-csv/restricted/{digest}",
    }
    assert counts == {
        "acts": 3,
        "categories": 3,
        "data_items": 2,
        "datasets": 1,
        "documents": 1,
        "evidence": 2,
        "impositions": 1,
        "memberships": 2,
        "organizations": 2,
        "overrides": 1,
        "persons": 3,
        "projects": 1,
        "proposals": 1,
        "study": 1,
        "taxonomies": 1,
        "versions": 1,
    }


def test_same_files_give_identical_bytes_whatever_the_order_given() -> None:
    with prepare([WORKED]) as first:
        one = first.nquads_path.read_bytes()
    files = sorted(WORKED.iterdir(), reverse=True)
    with prepare(files) as second:
        two = second.nquads_path.read_bytes()
    assert one == two


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("plain", '"plain"'),
        ('say "no"', '"say \\"no\\""'),
        ("C:\\labels\\", '"C:\\\\labels\\\\"'),
        ("two\nlines\r\n", '"two\\nlines\\r\\n"'),
        ("tab\there", '"tab\there"'),
        ("señal — 標籤 🏷", '"señal — 標籤 🏷"'),
    ],
)
def test_literals_are_escaped_as_n_quads_requires(text: str, written: str) -> None:
    assert literal(text) == written
    quad = f"<urn:s> <urn:p> {written} <urn:g> .\n"
    (parsed,) = ox.parse(quad, format=ox.RdfFormat.N_QUADS)
    assert isinstance(parsed.object, ox.Literal)
    assert parsed.object.value == text


def test_text_reaches_the_store_unchanged(store: OxigraphStore) -> None:
    with prepare([WORKED]) as prepared:
        publish(prepared, store)
    with prepare([KINDS]) as prepared:
        publish(prepared, store)
    texts = {
        row[0].value: row[1].value
        for row in store.query(f"SELECT ?s ?t WHERE {{ GRAPH ?g {{ ?s <{CDO}text> ?t }} }}")
    }
    assert texts["https://example.org/lab/evidence/E2"] == (
        'I asked for "hamster" \u2014 they said no.\nPath: C:\\labels'
    )
    assert texts[K + "evidence/EV2"] == 'She said: "it is not a man"\nand left.'


def test_loading_the_same_files_twice_changes_nothing(store: OxigraphStore) -> None:
    with prepare([WORKED]) as prepared:
        first = publish(prepared, store)
    with prepare([WORKED]) as prepared:
        second = publish(prepared, store)
    assert not first.unchanged
    assert second.unchanged
    assert second.generation == first.generation


@pytest.mark.parametrize("folder", [WORKED, KINDS], ids=["worked", "kinds"])
def test_the_whole_output_conforms_to_the_shapes_and_qc(folder: Path) -> None:
    """Beyond the decision layer the loader validates: the table rows too, in one graph."""
    from pyshacl import validate

    with prepare([folder]) as prepared:
        quads = _quads(prepared)
    triples = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)
    conforms, _graph, report = validate(
        Graph().parse(data=triples, format="nt"),
        shacl_graph=Graph().parse(SHAPES, format="turtle"),
        inference="none",
        allow_warnings=True,
    )
    assert conforms, report
    store = ox.Store()
    store.extend(quads)
    for query in sorted(QC_DIR.glob("*-violation.rq")):
        rows = list(store.query(query.read_text(encoding="utf-8"), use_default_graph_as_union=True))
        assert rows == [], query.name


# One hand-derived triple per line: subject | predicate | object | graph (source/level). Bare
# names are records of the kinds study (base https://example.org/kinds#); prefixed names expand.
KINDS_EXPECTED = """
code/impose | skos:broader | code/power | study-json/public
code/impose | skos:inScheme | codebook/CB | study-json/public
study/kinds | cdo:codebook | codebook/CB | study-json/public
study/kinds | cdo:conductedBy | org/RG | study-json/public
org/V-BA | org:subOrganizationOf | org/V | study-json/public
unit/U1 | org:unitOf | org/V-BA | study-json/public
person/A1 | org:memberOf | unit/U1 | study-json/public
person/A1 | org:memberOf | org/V-BA | study-json/public
membership/M-A1 | cdo:unit | unit/U1 | study-json/public
person/A2 | cdo:consentStatus | dpv:ConsentGiven | study-json/public
person/A2 | cdo:consentWithdrawnOn | "2024-05-01"^^xsd:date | study-json/public
consent/A2-3 | dct:date | "2024-06-01"^^xsd:date | study-json/public
interview/INT-A3 | dct:language | "es" | study-json/public
category/woman | skos:broader | category/person | decisions-yaml/public
category/woman | cdo:sensitiveAttribute | cdo:GenderAttribute | decisions-yaml/public
category/woman | cdo:attributeValue | "female" | decisions-yaml/public
version/T-v2 | cdo:previousVersion | version/T-v1 | decisions-yaml/public
change/CH1 | cdo:changeType | cdo:Renamed | decisions-yaml/public
change/CH1 | cdo:sourceCategory | category/person | decisions-yaml/public
change/CH1 | cdo:resultCategory | category/adult | decisions-yaml/public
change/CH1 | cdo:toVersion | version/T-v2 | decisions-yaml/public
change/CH1 | cdo:fromVersion | version/T-v1 | decisions-yaml/public
version/T-v2 | cdo:hasChange | change/CH1 | decisions-yaml/public
change/CH1 | cdo:evidence | evidence/EV1 | decisions-yaml/public
document/SPEC2 | cdo:revisionOf | document/SPEC | decisions-yaml/public
document/GOLD | rdf:type | cdo:GoldSet | decisions-yaml/public
document/CHAT | rdf:type | cdo:ChatLog | decisions-yaml/confidential
rule/RU1 | rdfs:label | "face rule" | decisions-yaml/public
rule/RU1 | cdo:appliesTo | version/T-v1 | decisions-yaml/public
rule/RU2 | cdo:encodesMetric | cdo:AgreementTargetMetric | decisions-yaml/public
rule/RU2 | cdo:metricTarget | "0.8" | decisions-yaml/public
imposition/IM2 | cdo:relays | imposition/IM1 | decisions-yaml/public
rule/RU1 | cdo:imposedByAgent | org/C | decisions-yaml/public
version/T-v1 | cdo:imposedByAgent | person/L1 | decisions-yaml/public
proposal/PP1 | cdo:resultedIn | category/adult | decisions-yaml/public
proposal/PP2 | cdo:outcome | cdo:Pending | decisions-yaml/public
objection/OB1 | cdo:concerns | override/X2 | decisions-yaml/public
objection/OB1 | cdo:overruledBy | person/L1 | decisions-yaml/public
objection/OB1 | cdo:evidence | evidence/EV2 | decisions-yaml/confidential
override/X1 | cdo:reason | "face visible; rule \\"RU1\\"" | overrides-csv/public
override/X2 | cdo:justifiedBy | document/GOLD | overrides-csv/public
override/X2 | cdo:evidence | evidence/EV2 | overrides-csv/confidential
act/X1 | cdo:time | "2024-02-01T10:00:00Z"^^xsd:dateTime | acts-csv/public
act/X2 | cdo:time | "2024-02-01T10:05:00+02:00"^^xsd:dateTime | acts-csv/public
act/X1 | cdo:finalCategory | category/woman | acts-csv/public
act/X3 | cdo:finalCategory | category/adult | acts-csv/public
flag/FL1 | cdo:flaggedAs | proposal/PP2 | flags-csv/public
item/j2 | dct:description | "second portrait" | data_items-csv/public
evidence/EV2 | cdo:accessLevel | cdo:Confidential | evidence-csv/confidential
evidence/EV2 | cdo:code | code/power | evidence-csv/confidential
evidence/EV2 | rdfs:comment | "second line" | evidence-csv/confidential
evidence/EV3 | cdo:accessLevel | cdo:Public | evidence-csv/public
summary/applied/public/A1/PJ/unknown | cdo:overriddenCount | "1"^^xsd:integer | acts-csv/public
summary/applied/public/A1/PJ/adult | cdo:ownChoiceCount | "1"^^xsd:integer | acts-csv/public
summary/final/public/DS/adult | cdo:itemCount | "1"^^xsd:integer | acts-csv/public
summary/final/public/DS/woman | cdo:itemCount | "1"^^xsd:integer | acts-csv/public
summary/overrides/public/A1 | cdo:overriddenCount | "2"^^xsd:integer | acts-csv/public
"""
# Why some of those hold: A2 withdrew, then consented again, so the latest entry counts and EV3
# keeps the default level; EV2 declares restricted, but its speaker A3 withdrew consent; an
# objection to act X2 names X2's override; item j1's latest act is X3, j2's only act is X2.

PREFIXES = {
    "cdo": CDO,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "dct": "http://purl.org/dc/terms/",
    "dpv": "https://w3id.org/dpv#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}


def _term(token: str) -> str:
    if token.startswith('"'):
        text, _, datatype = token.partition("^^")
        return f"{text}^^{_term(datatype)}" if datatype else text
    prefix, _, local = token.partition(":")
    return f"<{PREFIXES[prefix]}{local}>" if local else f"<{K}{token}>"


ROWS = [line.split(" | ") for line in KINDS_EXPECTED.strip().splitlines()]


@pytest.mark.parametrize(("s", "p", "o", "graph"), ROWS, ids=[" ".join(r[:2]) for r in ROWS])
def test_kinds_fixture_triple(
    kinds: dict[tuple[str, str, str], set[str]], s: str, p: str, o: str, graph: str
) -> None:
    assert kinds.get((_term(s), _term(p), _term(o))) == {graph}


def test_kinds_fixture_writes_no_extra_nodes(kinds: dict[tuple[str, str, str], set[str]]) -> None:
    subjects = {s for s, _p, _o in kinds}
    assert _term("excluded-category/PP1") not in subjects  # accepted, not excluded
    assert _term("excluded-category/PP2") not in subjects  # pending
    links = {(s, p) for s, p, _o in kinds}
    assert (_term("category/woman"), _term("skos:topConceptOf")) not in links
    assert (_term("item/j1"), _term("dct:description")) not in links


def test_publish_reports_the_megabytes_written(monkeypatch: pytest.MonkeyPatch) -> None:
    # Slices of 4 KB make the worked example (a few tens of KB of N-Quads) several writes.
    monkeypatch.setattr("app.store.oxigraph_store.BULK_CHUNK_BYTES", 4096)
    monkeypatch.setattr("loaders.pipeline.MEGABYTE", 1000)
    seen: list[tuple[str, int, int | None]] = []
    store = OxigraphStore(None)
    with prepare([WORKED]) as prepared:
        size = prepared.nquads_path.stat().st_size
        publish(prepared, store, progress=lambda *report: seen.append(report))
    total = -(-size // 1000)
    assert seen[0] == ("write", 0, total)
    assert seen[-1] == ("write", total, total)
    done = [d for _stage, d, _total in seen]
    assert done == sorted(done) and len(done) > 3
    assert {stage for stage, _d, _t in seen} == {"write"}
    assert {t for _s, _d, t in seen} == {total}
