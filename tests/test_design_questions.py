"""The research questions of DESIGN §1, answered with SPARQL over the demo study and
the mini study. Every expected answer is written out literally and was derived by hand from the
records it cites (examples/*.yaml|csv, tests/fixtures/mini/*, whose README states the answers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QuerySolutions, Variable

from app.store.base import AccessLevel
from app.store.catalogue import visible_graphs
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

ROOT = Path(__file__).resolve().parents[1]
STUDIES = {
    "demo": (ROOT / "examples", "https://w3id.org/cdkg/demo/"),
    "mini": (ROOT / "tests" / "fixtures" / "mini", "https://example.org/mini/"),
}

PREFIXES = """
PREFIX cdo: <https://w3id.org/cdkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# Q1: the root imposition (relaying nothing) of label ?category in ?dataset's project, made by
# the project's client or one of its members, whether it names the category or a version
# containing it.
ROOT_IMPOSITION = """
  ?dataset cdo:fromProject ?project .
  ?project cdo:client ?client .
  ?root a cdo:Imposition ; cdo:inProject ?project ; cdo:imposedBy ?imposer .
  FILTER NOT EXISTS { ?root cdo:relays ?earlier }
  { ?root cdo:imposes ?category } UNION { ?root cdo:imposes/cdo:includesCategory ?category }
  FILTER(?imposer = ?client || EXISTS { ?imposer org:memberOf ?client })
"""

Q1_CLIENT = f"""
SELECT DISTINCT ?imposerId ?clientId ?documentId ?category ?dataset WHERE {{
  {ROOT_IMPOSITION}
  ?imposer dcterms:identifier ?imposerId .
  ?client dcterms:identifier ?clientId .
  OPTIONAL {{ ?root cdo:viaDocument/dcterms:identifier ?documentId }}
}}"""

Q1_RELAYERS = f"""
SELECT DISTINCT ?relayerId ?category ?dataset WHERE {{
  {ROOT_IMPOSITION}
  ?relay cdo:relays+ ?root ; cdo:imposedBy/dcterms:identifier ?relayerId .
}}"""

Q1_ANNOTATORS = """
SELECT DISTINCT ?annotatorId ?category ?dataset WHERE {
  ?act cdo:category ?category ; cdo:item/cdo:inDataset ?dataset ;
       cdo:annotator/dcterms:identifier ?annotatorId .
}"""

Q2_EXCLUDED = """
SELECT ?label ?deciderId ?level WHERE {
  ?excluded a cdo:ExcludedCategory ; skos:prefLabel ?label ; cdo:excludedBy ?decider ;
            cdo:decisionLevel ?levelNode ; cdo:fromProposal ?proposal .
  FILTER EXISTS { ?proposal cdo:proposedBy/cdo:hadRole cdo:AnnotatorRole }
  ?decider dcterms:identifier ?deciderId .
  BIND(STRAFTER(STR(?levelNode), "#") AS ?level)
}"""

# Q3: a company's taxonomies are those its projects use; "client" when developed by a client
# organisation or one of its members, "in-house" when developed by the company itself.
Q3_ORIGINS = """
SELECT DISTINCT ?companyId ?taxonomyId ?origin WHERE {
  ?company a cdo:AnnotationCompany ; dcterms:identifier ?companyId .
  ?project cdo:vendor ?company ; cdo:usesTaxonomyVersion/cdo:versionOf ?taxonomy .
  ?taxonomy cdo:developedBy ?developer ; dcterms:identifier ?taxonomyId .
  BIND(IF(?developer = ?company, "in-house",
        IF(EXISTS { ?developer a cdo:Client } || EXISTS { ?developer org:memberOf/a cdo:Client },
           "client", "other")) AS ?origin)
}"""

Q3_SHARES = f"""
SELECT ?companyId (COUNT(?taxonomyId) AS ?all)
       (SUM(IF(?origin = "client", 1, 0)) AS ?fromClients)
       (SUM(IF(?origin = "client", 1, 0)) / COUNT(?taxonomyId) AS ?share)
WHERE {{ {{ {Q3_ORIGINS} }} }}
GROUP BY ?companyId"""

# Q4: what an override rests on. A document counts as the client's when a client published it;
# a rule when the document defining it was published by a client.
Q4_BASIS = """
SELECT ?actId ?justification ?basis WHERE {
  ?override a cdo:Override ; cdo:overrides/dcterms:identifier ?actId ;
            cdo:justificationType ?type .
  OPTIONAL { ?override cdo:justifiedBy ?source }
  BIND(STRAFTER(STR(?type), "#") AS ?justification)
  BIND(IF(?type = cdo:NoJustification, "judgement",
        IF(EXISTS { ?source cdo:definedIn?/dcterms:publisher/a cdo:Client }, "client", "internal"))
       AS ?basis)
}"""

Q5_CHAIN = """
SELECT ?finalId ?stepId ?imposerId ?medium ?date ?version ?person WHERE {
  ?final a cdo:Imposition ; cdo:imposes ?version ; cdo:imposedOn ?person ;
         dcterms:identifier ?finalId ; cdo:relays* ?step .
  ?step dcterms:identifier ?stepId ; cdo:imposedBy/dcterms:identifier ?imposerId ;
        cdo:medium ?mediumNode ; dcterms:date ?date .
  BIND(STRAFTER(STR(?mediumNode), "#") AS ?medium)
}
ORDER BY ?finalId ?date"""


class Study:
    def __init__(self, store: OxigraphStore, base: str) -> None:
        self.store = store
        self.base = base
        self.graphs = list(visible_graphs(store, AccessLevel.CONFIDENTIAL))

    def iri(self, slug: str, record_id: str) -> NamedNode:
        return NamedNode(f"{self.base}{slug}/{record_id}")

    def rows(self, sparql: str, **bound: NamedNode) -> list[tuple[str, ...]]:
        result = self.store.query(
            PREFIXES + sparql,
            default_graphs=self.graphs,
            substitutions={Variable(name): term for name, term in bound.items()},
        )
        assert isinstance(result, QuerySolutions)
        # pyoxigraph substitutes only projected variables; the bound ones are left out here.
        keep = [i for i, v in enumerate(result.variables) if v.value not in bound]
        return [tuple("" if row[i] is None else row[i].value for i in keep) for row in result]


@pytest.fixture(scope="module")
def studies() -> Iterator[dict[str, Study]]:
    loaded: dict[str, Study] = {}
    for name, (folder, base) in STUDIES.items():
        store = OxigraphStore(None)
        prepared = prepare([folder])
        try:
            publish(prepared, store)
        finally:
            prepared.close()
        loaded[name] = Study(store, base)
    yield loaded
    for study in loaded.values():
        study.store.close()


@pytest.mark.parametrize(
    ("study", "category", "dataset", "clients", "relayers", "annotators"),
    [
        # impositions.yaml IMP06 (P20 of CL-KM, email with DOC-KM-GL2, TX-PED-v2 contains
        # CAT-PED-RIDER) is relayed by IMP07 (P02), IMP08 (P03), IMP09 (P02) and IMP10 (P09);
        # acts.csv A016/A028 (P05), A017/A027 (P07), A023 (P06) apply rider in DS-PED items.
        pytest.param(
            "demo",
            "CAT-PED-RIDER",
            "DS-PED",
            {("P20", "CL-KM", "DOC-KM-GL2")},
            {"P02", "P03", "P09"},
            {"P05", "P06", "P07"},
            id="demo-rider-in-DS-PED",
        ),
        # The client organisation itself imposed both versions on the Sofia vendor: IMP11
        # (DOC-KM-GL1) relayed by IMP12 (P13), IMP13 (P14); IMP14 (DOC-KM-GL2) relayed by IMP15
        # (P13), IMP16 (P14). Pedestrian in DS-PED-SO: A035/A046/A049 (P15), A039/A044 (P16),
        # A042 (P19).
        pytest.param(
            "demo",
            "CAT-PED-PED",
            "DS-PED-SO",
            {("CL-KM", "CL-KM", "DOC-KM-GL1"), ("CL-KM", "CL-KM", "DOC-KM-GL2")},
            {"P13", "P14"},
            {"P15", "P16", "P19"},
            id="demo-pedestrian-in-DS-PED-SO",
        ),
        # mini README, question 1: IM4 (K1 of C1, D2) relayed by IM5 (M1); X05, X11 by A1.
        pytest.param(
            "mini", "c-pet", "DS1", {("K1", "C1", "D2")}, {"M1"}, {"A1"}, id="mini-pet-in-DS1"
        ),
    ],
)
def test_q1_which_client_imposed_a_label_through_what_relayed_by_whom_applied_by_whom(
    studies: dict[str, Study],
    study: str,
    category: str,
    dataset: str,
    clients: set[tuple[str, str, str]],
    relayers: set[str],
    annotators: set[str],
) -> None:
    s = studies[study]
    bound = {"category": s.iri("category", category), "dataset": s.iri("dataset", dataset)}
    assert set(s.rows(Q1_CLIENT, **bound)) == clients
    assert {row[0] for row in s.rows(Q1_RELAYERS, **bound)} == relayers
    assert {row[0] for row in s.rows(Q1_ANNOTATORS, **bound)} == annotators


@pytest.mark.parametrize(
    ("study", "expected"),
    [
        # proposals.yaml: the eight proposals with outcome excluded, their decided_by and
        # decision_level; all proposers (proposed_by) are annotators in people.yaml.
        pytest.param(
            "demo",
            {
                ("wheelchair user", "P20", "ClientLevel"),
                ("child pedestrian", "P03", "TeamLeadLevel"),
                ("reclaimed slur", "P23", "ClientLevel"),
                ("political satire", "P01", "CompanyManagementLevel"),
                ("non-binary", "CL-AB", "ClientLevel"),
                ("ambiguous age", "P18", "QALevel"),
                ("private label product", "P14", "TeamLeadLevel"),
                ("handwritten receipt", "P02", "CompanyManagementLevel"),
            },
            id="demo",
        ),
        # mini study.yaml: PP1 and PP2, both proposed by annotator A1.
        pytest.param(
            "mini",
            {("hamster", "K1", "ClientLevel"), ("non-binary", "L1", "TeamLeadLevel")},
            id="mini",
        ),
    ],
)
def test_q2_which_proposed_categories_were_excluded_by_whom_at_which_level(
    studies: dict[str, Study], study: str, expected: set[tuple[str, str, str]]
) -> None:
    rows = studies[study].rows(Q2_EXCLUDED)
    assert len(rows) == len(expected)
    assert set(rows) == expected


@pytest.mark.parametrize(
    ("study", "origins", "shares"),
    [
        # projects.yaml (vendor, taxonomy_versions) and taxonomies.yaml (developed_by):
        # VEN-BA uses TX-PED (CL-KM), TX-MOD (CL-LS), TX-QUAL and TX-DOC (its own);
        # VEN-SO uses TX-PED (CL-KM), TX-FACE (CL-AB) and TX-RET (its own).
        pytest.param(
            "demo",
            {
                ("VEN-BA", "TX-PED", "client"),
                ("VEN-BA", "TX-MOD", "client"),
                ("VEN-BA", "TX-QUAL", "in-house"),
                ("VEN-BA", "TX-DOC", "in-house"),
                ("VEN-SO", "TX-PED", "client"),
                ("VEN-SO", "TX-FACE", "client"),
                ("VEN-SO", "TX-RET", "in-house"),
            },
            {"VEN-BA": (4, 2, 0.5), "VEN-SO": (3, 2, 2 / 3)},
            id="demo",
        ),
        # mini README, question 3: T1 (C1) and T3 (C2) from clients, T2 in-house.
        pytest.param(
            "mini",
            {("V1", "T1", "client"), ("V1", "T2", "in-house"), ("V1", "T3", "client")},
            {"V1": (3, 2, 2 / 3)},
            id="mini",
        ),
    ],
)
def test_q3_share_of_a_companys_taxonomies_imposed_by_clients(
    studies: dict[str, Study],
    study: str,
    origins: set[tuple[str, str, str]],
    shares: dict[str, tuple[int, int, float]],
) -> None:
    s = studies[study]
    assert set(s.rows(Q3_ORIGINS)) == origins
    found = {
        company: (int(total), int(from_clients), float(share))
        for company, total, from_clients, share in s.rows(Q3_SHARES)
    }
    assert found.keys() == shares.keys()
    for company, (total, from_clients, share) in shares.items():
        assert found[company][:2] == (total, from_clients)
        assert found[company][2] == pytest.approx(share)


DEMO_OVERRIDES = {
    # overrides.csv; justified_by resolved in documents.yaml (organization) and, for rules,
    # the document each rule is defined in (all four rules used are in client documents).
    ("A007", "RuleJustification", "client"),  # RULE-PED-WHEEL in DOC-KM-GL1 (CL-KM)
    ("A008", "DocumentJustification", "client"),  # DOC-KM-GL1
    ("A011", "GoldSetJustification", "client"),  # DOC-KM-GOLD (CL-KM)
    ("A015", "NoJustification", "judgement"),
    ("A021", "GoldSetJustification", "client"),
    ("A022", "RuleJustification", "client"),
    ("A025", "DocumentJustification", "internal"),  # DOC-BA-EXAMPLES (VEN-BA)
    ("A027", "NoJustification", "judgement"),
    ("A034", "DocumentJustification", "internal"),  # DOC-BA-QUAL
    ("A038", "DocumentJustification", "client"),  # DOC-KM-GL1
    ("A044", "GoldSetJustification", "client"),
    ("A049", "NoJustification", "judgement"),
    ("A054", "RuleJustification", "client"),  # RULE-MOD-SLUR in DOC-LS-EMAIL1 (CL-LS)
    ("A055", "DocumentJustification", "client"),  # DOC-LS-POLICY1
    ("A058", "NoJustification", "judgement"),
    ("A061", "DocumentJustification", "client"),
    ("A069", "DocumentJustification", "client"),  # DOC-LS-POLICY2
    ("A073", "NoJustification", "judgement"),
    ("A078", "DocumentJustification", "internal"),  # DOC-BA-MOD-NOTES
    ("A083", "GoldSetJustification", "client"),  # DOC-AB-GOLD (CL-AB)
    ("A084", "NoJustification", "judgement"),
    ("A089", "DocumentJustification", "internal"),  # DOC-SO-QA-NOTES (VEN-SO)
    ("A092", "GoldSetJustification", "client"),
    ("A095", "RuleJustification", "client"),  # RULE-FACE-BINARY in DOC-AB-SPEC1
    ("A102", "DocumentJustification", "client"),  # DOC-AB-SPEC2
    ("A106", "NoJustification", "judgement"),
    ("A112", "DocumentJustification", "internal"),  # DOC-SO-RET-GL1
    ("A118", "RuleJustification", "client"),  # RULE-RET-BEV in DOC-MV-EMAIL1 (CL-MV)
    ("A122", "DocumentJustification", "client"),  # DOC-MV-EMAIL1
    ("A125", "NoJustification", "judgement"),
    ("A131", "DocumentJustification", "internal"),  # DOC-BA-REC-GL1
    ("A134", "NoJustification", "judgement"),
}

MINI_OVERRIDES = {
    # mini overrides.csv: D1 and the gold set D5 are C1's, RU3 is defined in C2's D4.
    ("X04", "DocumentJustification", "client"),
    ("X08", "NoJustification", "judgement"),
    ("X09", "RuleJustification", "client"),
    ("X11", "GoldSetJustification", "client"),
}


@pytest.mark.parametrize(
    ("study", "expected"),
    [
        pytest.param("demo", DEMO_OVERRIDES, id="demo"),
        pytest.param("mini", MINI_OVERRIDES, id="mini"),
    ],
)
def test_q4_which_overrides_rest_on_client_documents_and_which_on_judgement(
    studies: dict[str, Study], study: str, expected: set[tuple[str, str, str]]
) -> None:
    rows = studies[study].rows(Q4_BASIS)
    assert len(rows) == len(expected)
    assert set(rows) == expected


@pytest.mark.parametrize(
    ("study", "version", "person", "expected"),
    [
        # impositions.yaml: IMP08 and IMP09 impose TX-PED-v2 on P07; IMP08 relays IMP07,
        # which relays IMP06; IMP09 (the tool configuration) relays IMP06 directly.
        pytest.param(
            "demo",
            "TX-PED-v2",
            "P07",
            [
                ("IMP08", "IMP06", "P20", "EmailMedium", "2023-05-15"),
                ("IMP08", "IMP07", "P02", "ChatMedium", "2023-05-16"),
                ("IMP08", "IMP08", "P03", "MeetingMedium", "2023-05-17"),
                ("IMP09", "IMP06", "P20", "EmailMedium", "2023-05-15"),
                ("IMP09", "IMP09", "P02", "ToolConfigurationMedium", "2023-05-16"),
            ],
            id="demo-TX-PED-v2-to-P07",
        ),
        # IMP29 -> IMP28 -> IMP27 -> IMP26: from the client organisation to an annotator.
        pytest.param(
            "demo",
            "TX-FACE-v1",
            "P17",
            [
                ("IMP29", "IMP26", "CL-AB", "GuidelineDocumentMedium", "2023-06-01"),
                ("IMP29", "IMP27", "P12", "MeetingMedium", "2023-06-02"),
                ("IMP29", "IMP28", "P13", "EmailMedium", "2023-06-03"),
                ("IMP29", "IMP29", "P14", "TrainingSessionMedium", "2023-06-05"),
            ],
            id="demo-TX-FACE-v1-to-P17",
        ),
        # mini README, question 5.
        pytest.param(
            "mini",
            "T1-v2",
            "A1",
            [
                ("IM5", "IM4", "K1", "EmailMedium", "2024-04-01"),
                ("IM5", "IM5", "M1", "ToolConfigurationMedium", "2024-04-02"),
            ],
            id="mini-T1-v2-to-A1",
        ),
        pytest.param(
            "mini",
            "T1-v1",
            "A1",
            [
                ("IM3", "IM1", "K1", "EmailMedium", "2024-01-10"),
                ("IM3", "IM2", "M1", "MeetingMedium", "2024-01-11"),
                ("IM3", "IM3", "L1", "TrainingSessionMedium", "2024-01-12"),
            ],
            id="mini-T1-v1-to-A1",
        ),
    ],
)
def test_q5_chain_of_impositions_that_brought_a_version_to_a_person(
    studies: dict[str, Study],
    study: str,
    version: str,
    person: str,
    expected: list[tuple[str, ...]],
) -> None:
    s = studies[study]
    rows = s.rows(Q5_CHAIN, version=s.iri("version", version), person=s.iri("person", person))
    assert rows == expected


Q6_UNPUBLISHABLE = """
SELECT DISTINCT ?node WHERE {
  ?node cdo:evidence ?any .
  FILTER NOT EXISTS { ?node cdo:evidence ?evidence . ?evidence cdo:accessLevel cdo:Public }
}"""


@pytest.mark.parametrize(
    ("study", "expected"),
    [
        # Evidence levels in evidence.csv; the records citing only restricted or confidential
        # items: CH-FACE-1/2 (E43), rules with E35, E13, E19, E16, E22; IMP08 (E03), IMP21 (E13),
        # IMP30 (E37), IMP31 (E43); PR02 (E10, E11), PR05 (E16, E17), PR06 (E19, E33) and their
        # excluded categories; OBJ04 (E18), OBJ06 (E42); overrides of A027 (E27), A073 (E26),
        # A089 (E37).
        pytest.param(
            "demo",
            {
                "change/CH-FACE-1",
                "change/CH-FACE-2",
                "rule/RULE-MOD-THROUGHPUT",
                "rule/RULE-MOD-SLUR",
                "rule/RULE-FACE-AGREE",
                "rule/RULE-FACE-BINARY",
                "rule/RULE-RET-BEV",
                "imposition/IMP08",
                "imposition/IMP21",
                "imposition/IMP30",
                "imposition/IMP31",
                "proposal/PR02",
                "proposal/PR05",
                "proposal/PR06",
                "excluded-category/PR02",
                "excluded-category/PR05",
                "excluded-category/PR06",
                "objection/OBJ04",
                "objection/OBJ06",
                "override/A027",
                "override/A073",
                "override/A089",
            },
            id="demo",
        ),
        # mini README, question 6: EV3 is confidential because A1 withdrew consent.
        pytest.param(
            "mini",
            {
                "imposition/IM5",
                "proposal/PP1",
                "excluded-category/PP1",
                "proposal/PP2",
                "excluded-category/PP2",
                "objection/OB1",
            },
            id="mini",
        ),
    ],
)
def test_q6_which_decisions_rest_only_on_evidence_that_may_not_be_published(
    studies: dict[str, Study], study: str, expected: set[str]
) -> None:
    s = studies[study]
    found = {row[0].removeprefix(s.base) for row in s.rows(Q6_UNPUBLISHABLE)}
    assert found == expected
