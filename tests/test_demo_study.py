"""The demo study in examples/ loads cleanly, has the shape issue 2 asks for, and passes every
consistency check. Counts are read back with SPARQL from the store, not from the files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from app.store.base import AccessLevel
from app.store.catalogue import visible_graphs
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
QC_QUERIES = ROOT / "queries" / "qc"

PREFIXES = """
PREFIX cdo: <https://w3id.org/cdkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dpv: <https://w3id.org/dpv#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass(frozen=True)
class LoadedStudy:
    store: OxigraphStore
    graphs: tuple[str, ...]

    def rows(
        self, sparql: str, *, level: AccessLevel = AccessLevel.CONFIDENTIAL
    ) -> list[tuple[str, ...]]:
        graphs = (
            self.graphs if level is AccessLevel.CONFIDENTIAL else visible_graphs(self.store, level)
        )
        result = self.store.query(PREFIXES + sparql, default_graphs=list(graphs))
        assert isinstance(result, QuerySolutions)
        return [tuple("" if term is None else term.value for term in row) for row in result]

    def values(self, sparql: str) -> set[str]:
        return {row[0] for row in self.rows(sparql)}

    def count(self, sparql: str) -> int:
        ((value,),) = self.rows(sparql)
        return int(value)


@pytest.fixture(scope="module")
def demo() -> Iterator[LoadedStudy]:
    store = OxigraphStore(None)
    prepared = prepare([EXAMPLES])
    try:
        publish(prepared, store)
    finally:
        prepared.close()
    yield LoadedStudy(store, visible_graphs(store, AccessLevel.CONFIDENTIAL))
    store.close()


def test_every_file_of_the_study_is_catalogued(demo: LoadedStudy) -> None:
    files = demo.values(
        "PREFIX cdkg: <https://w3id.org/cdkg/catalogue#> "
        "SELECT ?file WHERE { GRAPH <urn:cdkg:catalogue> { ?source cdkg:file ?file } }"
    )
    expected = {path.name for path in EXAMPLES.iterdir() if path.suffix in {".yaml", ".csv"}}
    assert {Path(file).name for file in files} == expected


def test_two_annotation_companies_in_buenos_aires_and_sofia(demo: LoadedStudy) -> None:
    rows = demo.rows(
        "SELECT ?id ?city ?country WHERE { ?c a cdo:AnnotationCompany ; dcterms:identifier ?id ;"
        " cdo:location ?city ; cdo:country ?country }"
    )
    assert set(rows) == {("VEN-BA", "Buenos Aires", "AR"), ("VEN-SO", "Sofia", "BG")}


def test_four_clients_one_acting_only_through_documents(demo: LoadedStudy) -> None:
    clients = demo.values("SELECT ?id WHERE { ?c a cdo:Client ; dcterms:identifier ?id }")
    assert clients == {"CL-KM", "CL-MV", "CL-LS", "CL-AB"}
    without_people = demo.values(
        """SELECT ?id WHERE {
             ?c a cdo:Client ; dcterms:identifier ?id .
             FILTER NOT EXISTS { ?person org:memberOf ?c }
             FILTER EXISTS { ?doc dcterms:publisher ?c }
             FILTER EXISTS { ?imposition cdo:imposedBy ?c }
           }"""
    )
    assert without_people == {"CL-AB"}
    assert demo.values("SELECT ?id WHERE { ?o a cdo:Platform ; dcterms:identifier ?id }") == {"PLT"}
    assert demo.values("SELECT ?id WHERE { ?o a cdo:ResearchGroup ; dcterms:identifier ?id }") == {
        "RG"
    }


def test_about_24_participants_in_every_role(demo: LoadedStudy) -> None:
    participants = demo.count(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?i a cdo:Interview ; cdo:interviewee ?p }"
    )
    assert participants == 24
    roles = demo.values("SELECT DISTINCT ?role WHERE { ?m a cdo:Membership ; org:role ?role }")
    assert {role.rsplit("#", 1)[1] for role in roles} == {
        "AnnotatorRole",
        "TeamLeadRole",
        "ProjectManagerRole",
        "ManagerRole",
        "QAReviewerRole",
        "MLPractitionerRole",
        "ClientRepresentativeRole",
        "ResearcherRole",
    }
    consenting = demo.count(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?i cdo:interviewee ?p . ?p cdo:hasConsent ?c }"
    )
    assert consenting == 24


def test_one_person_moves_from_annotation_to_qa(demo: LoadedStudy) -> None:
    rows = demo.rows(
        """SELECT ?id ?end ?start WHERE {
             ?a org:member ?p ; org:role cdo:AnnotatorRole ; cdo:endDate ?end .
             ?q org:member ?p ; org:role cdo:QAReviewerRole ; cdo:startDate ?start .
             ?p dcterms:identifier ?id . FILTER(?start > ?end)
           }"""
    )
    assert rows == [("P08", "2023-05-31", "2023-06-01")]


def test_memberships_carry_reporting_lines(demo: LoadedStudy) -> None:
    # P07 -> P03 -> P02 -> P01 in people.yaml (M07, M03, M02).
    chain = demo.rows(
        """SELECT ?a ?b ?c WHERE {
             ?p07 dcterms:identifier "P07" ; org:reportsTo ?lead .
             ?lead dcterms:identifier ?a ; org:reportsTo ?pm .
             ?pm dcterms:identifier ?b ; org:reportsTo ?manager .
             ?manager dcterms:identifier ?c }"""
    )
    assert chain == [("P03", "P02", "P01")]


def test_one_participant_withdrew_consent(demo: LoadedStudy) -> None:
    rows = demo.rows(
        "SELECT ?id ?on WHERE { ?p cdo:consentStatus dpv:ConsentWithdrawn ;"
        " cdo:consentWithdrawnOn ?on ; dcterms:identifier ?id }"
    )
    assert rows == [("P17", "2023-11-20")]
    levels = demo.values(
        "SELECT DISTINCT ?level WHERE { ?e cdo:speaker ?p ; cdo:accessLevel ?level ."
        " ?p dcterms:identifier 'P17' }"
    )
    assert levels == {AccessLevel.CONFIDENTIAL.iri}
    public_view = demo.rows(
        "SELECT ?e WHERE { ?e cdo:speaker ?p . ?p dcterms:identifier 'P17' }",
        level=AccessLevel.PUBLIC,
    )
    assert public_view == []


def test_projects_and_their_taxonomy_changes(demo: LoadedStudy) -> None:
    projects = demo.count("SELECT (COUNT(?p) AS ?n) WHERE { ?p a cdo:AnnotationProject }")
    assert projects >= 5
    changes = demo.values(
        "SELECT DISTINCT ?type WHERE { ?c a cdo:VersionChange ; cdo:changeType ?type }"
    )
    assert {change.rsplit("#", 1)[1] for change in changes} == {
        "Merged",
        "Split",
        "Renamed",
        "Added",
        "Removed",
        "Redefined",
    }
    residual = demo.values(
        "SELECT ?id WHERE { ?c a cdo:ResidualCategory ; dcterms:identifier ?id }"
    )
    assert residual == {
        "CAT-PED-OTHER",
        "CAT-QUAL-OTHER",
        "CAT-MOD-OTHER",
        "CAT-RET-MISC",
        "CAT-RET-OTHER",
        "CAT-FACE-G-UNK",
        "CAT-DOC-OTHER",
    }


def test_sensitive_attributes_are_encoded(demo: LoadedStudy) -> None:
    attributes = demo.values("SELECT DISTINCT ?a WHERE { ?c cdo:sensitiveAttribute ?a }")
    assert {attribute.rsplit("#", 1)[1] for attribute in attributes} == {
        "GenderAttribute",
        "AgeAttribute",
        "SkinToneAttribute",
        "ReligionAttribute",
    }


def test_documents_of_every_type_and_rules_with_metrics(demo: LoadedStudy) -> None:
    types = demo.values(
        "SELECT DISTINCT ?t WHERE { ?d a cdo:Document , ?t . FILTER(?t != cdo:Document) "
        "FILTER(STRSTARTS(STR(?t), STR(cdo:))) }"
    )
    assert {t.rsplit("#", 1)[1] for t in types} >= {
        "GuidelineDocument",
        "Email",
        "ExampleSet",
        "ToolConfiguration",
        "GoldSet",
        "ChatLog",
        "TrainingMaterial",
    }
    metrics = demo.rows(
        "SELECT ?id ?target WHERE { ?r a cdo:Rule ; cdo:encodesMetric cdo:AgreementTargetMetric ;"
        " cdo:metricTarget ?target ; dcterms:identifier ?id }"
    )
    assert set(metrics) == {("RULE-PED-AGREE", "0.90"), ("RULE-FACE-AGREE", "0.85")}


def test_impositions_relay_bypass_and_come_from_organisations(demo: LoadedStudy) -> None:
    assert demo.count("SELECT (COUNT(?i) AS ?n) WHERE { ?i a cdo:Imposition }") == 40
    by_organisations = demo.values(
        "SELECT DISTINCT ?id WHERE { ?i cdo:imposedBy ?o . ?o a cdo:Organization ;"
        " dcterms:identifier ?id }"
    )
    assert by_organisations == {"CL-KM", "CL-AB"}
    several = demo.count(
        "SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?i WHERE { ?i cdo:imposedOn ?a }"
        " GROUP BY ?i HAVING (COUNT(?a) > 1) } }"
    )
    assert several >= 10
    bypass_media = demo.values(
        "SELECT DISTINCT ?m WHERE { ?i cdo:relays ?r ; cdo:medium ?m ."
        " FILTER(?m IN (cdo:QAFeedbackMedium, cdo:ToolConfigurationMedium)) }"
    )
    assert len(bypass_media) == 2
    # The longest relay chain: IMP26 -> IMP27 -> IMP28 -> IMP29 (client to annotators).
    deepest = demo.values(
        "SELECT ?id WHERE { ?i cdo:relays/cdo:relays/cdo:relays ?root ; dcterms:identifier ?id }"
    )
    assert deepest == {"IMP29"}


def test_excluded_and_accepted_proposals(demo: LoadedStudy) -> None:
    excluded = demo.count("SELECT (COUNT(?x) AS ?n) WHERE { ?x a cdo:ExcludedCategory }")
    assert excluded >= 6
    levels = demo.values(
        "SELECT DISTINCT ?l WHERE { ?x a cdo:ExcludedCategory ; cdo:decisionLevel ?l }"
    )
    assert len(levels) == 4
    accepted = demo.values(
        "SELECT ?id WHERE { ?p cdo:outcome cdo:Accepted ; cdo:acceptedAs ?c ."
        " ?c dcterms:identifier ?id }"
    )
    assert accepted == {"CAT-MOD-HATE-REL", "CAT-RET-ALC"}
    without_fallback = demo.count(
        "SELECT (COUNT(?x) AS ?n) WHERE { ?x a cdo:ExcludedCategory "
        "FILTER NOT EXISTS { ?x cdo:fallbackCategory ?f } }"
    )
    assert without_fallback == 0


def test_objections_some_overruled(demo: LoadedStudy) -> None:
    rows = demo.rows(
        "SELECT ?id ?by WHERE { ?o a cdo:Objection ; cdo:objectionOutcome cdo:Overruled ;"
        " dcterms:identifier ?id ; cdo:overruledBy ?b . ?b dcterms:identifier ?by }"
    )
    assert set(rows) == {("OBJ01", "P02"), ("OBJ02", "P01"), ("OBJ04", "CL-AB")}


def test_overrides_with_every_justification_and_flags(demo: LoadedStudy) -> None:
    rows = demo.rows(
        "SELECT ?j (COUNT(?o) AS ?n) WHERE { ?o a cdo:Override ; cdo:justificationType ?j }"
        " GROUP BY ?j"
    )
    by_type = {j.rsplit("#", 1)[1]: int(n) for j, n in rows}
    assert by_type == {
        "RuleJustification": 5,
        "DocumentJustification": 13,
        "GoldSetJustification": 5,
        "NoJustification": 9,
    }
    flags = demo.count("SELECT (COUNT(?f) AS ?n) WHERE { ?f a cdo:Flag ; cdo:flaggedAs ?p }")
    assert flags == 21


def test_about_40_evidence_items_at_mixed_levels_with_codes(demo: LoadedStudy) -> None:
    rows = demo.rows(
        "SELECT ?level (COUNT(?e) AS ?n) WHERE { ?e a cdo:Evidence ; cdo:accessLevel ?level }"
        " GROUP BY ?level"
    )
    by_level = {level.rsplit("#", 1)[1]: int(n) for level, n in rows}
    assert sum(by_level.values()) == 44
    assert by_level == {"Public": 24, "Restricted": 15, "Confidential": 5}
    uncoded = demo.count(
        "SELECT (COUNT(?e) AS ?n) WHERE { ?e a cdo:Evidence FILTER NOT EXISTS { ?e cdo:code ?c } }"
    )
    assert uncoded == 0


def test_at_least_100_acts_with_superseded_versions(demo: LoadedStudy) -> None:
    assert demo.count("SELECT (COUNT(?a) AS ?n) WHERE { ?a a cdo:ClassificationAct }") == 136
    superseded = demo.values(
        """SELECT ?id WHERE {
             ?act cdo:underVersion ?old ; cdo:time ?time ; dcterms:identifier ?id .
             ?new cdo:previousVersion ?old ; cdo:released ?released .
             FILTER(xsd:date(SUBSTR(STR(?time), 1, 10)) >= ?released)
           }"""
    )
    # acts.csv: P06 under road users 1.0, P11 under moderation 2023.1, P15 under shelf
    # products 1, P17 under face attributes 1.0, after the next version was released.
    assert superseded == {"A018", "A019", "A068", "A100", "A114"}


def test_qc_queries_find_no_violations(demo: LoadedStudy) -> None:
    queries = sorted(QC_QUERIES.glob("*-violation.rq"))
    assert queries, f"no qc queries in {QC_QUERIES}"
    violations = {
        path.name: rows for path in queries if (rows := demo.rows(path.read_text(encoding="utf-8")))
    }
    assert violations == {}
