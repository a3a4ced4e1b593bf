"""Every canned query over the mini study (tests/fixtures/mini), against rows derived by hand.

The expected rows come from the fixture's records and its README: acts X01-X11, overrides of
X04 (Q1, document D1), X08 (A2, no justification), X09 (Q1, rule RU3), X11 (Q1, gold set D5);
evidence EV1 and EV2 public, EV4 restricted, EV3 and EV5 confidential.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from loaders.pipeline import prepare, publish

MINI_DIR = Path(__file__).parent / "fixtures" / "mini"
M = "https://example.org/mini/"
CDO = "https://w3id.org/cdkg/ontology#"


@dataclass(frozen=True)
class Mini:
    client: TestClient
    researcher: dict[str, str]
    owner: dict[str, str]

    def rows(
        self, name: str, headers: dict[str, str] | None = None, **params: str
    ) -> list[dict[str, object]]:
        response = self.client.get(f"/queries/{name}", params=params, headers=headers or {})
        assert response.status_code == 200, response.text
        rows: list[dict[str, object]] = response.json()["rows"]
        return rows


def pick(rows: list[dict[str, object]], *columns: str) -> list[tuple[object, ...]]:
    return [tuple(row[c] for c in columns) for row in rows]


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mini]:
    tokens = tmp_path_factory.mktemp("tokens") / "tokens.json"
    settings = Settings(store=Path(":memory:"), tokens_file=tokens)
    app = create_app(settings)
    with TestClient(app) as client:
        with prepare([MINI_DIR]) as prepared:
            publish(prepared, client.app.state.store)
        store = client.app.state.token_store
        _, researcher = store.create("researcher")
        _, owner = store.create("owner")
        yield Mini(
            client,
            {"Authorization": f"Bearer {researcher}"},
            {"Authorization": f"Bearer {owner}"},
        )


def test_client_imposed_label_pet(mini: Mini) -> None:
    # IM4 imposes T1-v2 (which includes pet) and RU1 (pet): K1 for C1, by email through D2,
    # relayed by IM5 (M1). A1 chose pet in X05 (kept) and X11 (overridden to other animal).
    rows = mini.rows("client-imposed-label", category=M + "category/c-pet")
    assert pick(
        rows,
        "dataset",
        "client",
        "imposer",
        "imposition",
        "medium",
        "document",
        "relays",
        "annotator",
        "ownChoiceActs",
        "overriddenActs",
    ) == [
        (
            M + "dataset/DS1",
            M + "org/C1",
            M + "person/K1",
            M + "imposition/IM4",
            CDO + "EmailMedium",
            M + "document/D2",
            "IM5 (M1, 2024-04-02)",
            M + "person/A1",
            1,
            1,
        )
    ]


def test_client_imposed_label_without_own_choices(mini: Mini) -> None:
    # C2 imposed T3-v1 (woman, man, unknown) on V1; nobody chose woman: X09 was overridden to it.
    rows = mini.rows(
        "client-imposed-label", category=M + "category/p-woman", dataset=M + "dataset/DS2"
    )
    assert pick(rows, "client", "imposer", "imposition", "relays", "annotator") == [
        (M + "org/C2", M + "org/C2", M + "imposition/IM6", "IM7 (L1, 2024-02-02)", None)
    ]
    assert (
        mini.rows(
            "client-imposed-label", category=M + "category/p-woman", dataset=M + "dataset/DS1"
        )
        == []
    )


def test_excluded_proposals(mini: Mini) -> None:
    # PP1 hamster: K1 (client level) is outside A1's line A1 -> L1 -> M1, so no step count;
    # PP2 non-binary: L1 (team lead) is one step above A1.
    rows = mini.rows("excluded-proposals")
    assert pick(
        rows, "label", "proposer", "decider", "decision_level", "fallback", "reportingSteps"
    ) == [
        (
            "hamster",
            M + "person/A1",
            M + "person/K1",
            CDO + "ClientLevel",
            M + "category/c-other",
            None,
        ),
        (
            "non-binary",
            M + "person/A1",
            M + "person/L1",
            CDO + "TeamLeadLevel",
            M + "category/p-unknown",
            1,
        ),
    ]
    team_lead = mini.rows("excluded-proposals", decision_level="cdo:TeamLeadLevel")
    assert pick(team_lead, "excluded") == [(M + "excluded-category/PP2",)]
    animals = mini.rows("excluded-proposals", taxonomy=M + "taxonomy/T1")
    assert pick(animals, "excluded", "rationale") == [
        (M + "excluded-category/PP1", "Too rare to train on.")
    ]


def test_taxonomy_origin_shares(mini: Mini) -> None:
    # V1 works with T1 (by C1) and T3 (by C2) from clients and its own T2: 2 of 3.
    rows = mini.rows("taxonomy-origin-shares", company=M + "org/V1")
    assert pick(rows, "origin", "taxonomyCount", "companyTaxonomies", "share", "taxonomies") == [
        ("client", 2, 3, 0.6667, "Animals; Persons"),
        ("in-house", 1, 3, 0.3333, "Image quality"),
    ]


def test_imposition_chain(mini: Mini) -> None:
    rows = mini.rows("imposition-chain", version=M + "version/T1-v1", person=M + "person/A1")
    assert pick(rows, "reached", "position", "imposition", "date", "imposer", "imposedOn") == [
        (M + "imposition/IM3", 1, M + "imposition/IM1", "2024-01-10", M + "person/K1", "M1"),
        (M + "imposition/IM3", 2, M + "imposition/IM2", "2024-01-11", M + "person/M1", "L1"),
        (M + "imposition/IM3", 3, M + "imposition/IM3", "2024-01-12", M + "person/L1", "A1; A2"),
    ]
    later = mini.rows("imposition-chain", version=M + "version/T1-v2", person=M + "person/A1")
    assert pick(later, "imposition", "medium", "document", "platform") == [
        (M + "imposition/IM4", CDO + "EmailMedium", M + "document/D2", None),
        (M + "imposition/IM5", CDO + "ToolConfigurationMedium", M + "document/D6", M + "org/PL"),
    ]


def test_override_justifications(mini: Mini) -> None:
    # PJ1: X04 (D1 by K1 for C1) and X11 (gold set D5 of C1) are client, X08 none; PJ2: X09
    # (RU3 issued by C2). No override rests on an internal document.
    rows = mini.rows("override-justifications")
    assert pick(rows, "project", "act", "source", "projectOverrides", "sourceShare") == [
        (M + "project/PJ1", M + "act/X04", "client", 3, 0.6667),
        (M + "project/PJ1", M + "act/X11", "client", 3, 0.6667),
        (M + "project/PJ1", M + "act/X08", "none", 3, 0.3333),
        (M + "project/PJ2", M + "act/X09", "client", 1, 1.0),
    ]
    none = mini.rows("override-justifications", source="none")
    assert pick(none, "act", "reviewer", "justifiedBy") == [(M + "act/X08", M + "person/A2", None)]
    assert mini.rows("override-justifications", source="internal") == []


def test_superseded_version_labels(mini: Mini) -> None:
    # T1-v2 replaced T1-v1 on 2024-04-01; X06 (2024-04-04) still used T1-v1.
    rows = mini.rows("superseded-version-labels")
    assert pick(
        rows, "act", "annotator", "category", "version", "supersededBy", "supersededOn"
    ) == [
        (
            M + "act/X06",
            M + "person/A1",
            M + "category/c-cat",
            M + "version/T1-v1",
            M + "version/T1-v2",
            "2024-04-01",
        )
    ]
    assert mini.rows("superseded-version-labels", annotator=M + "person/A2") == []


def test_version_changes(mini: Mini) -> None:
    # CH1 merged cat (X01, X04, X06) and dog (X02) into pet: four acts affected.
    rows = mini.rows("version-changes")
    assert pick(
        rows, "change", "change_type", "before", "after", "decidedBy", "date", "affectedActs"
    ) == [
        (
            M + "change/CH1",
            CDO + "Merged",
            "cat; dog",
            "pet",
            M + "person/K1",
            "2024-03-20",
            4,
        )
    ]
    assert mini.rows("version-changes", change_type="cdo:Split") == []


def test_flagged_then_excluded(mini: Mini) -> None:
    # i3 flagged as hamster ended as other animal (X03, residual); j1 flagged as non-binary was
    # labelled unknown (X09) and overridden to woman.
    rows = mini.rows("flagged-then-excluded")
    assert pick(
        rows, "item", "proposal", "decidedBy", "fallback", "finalAct", "finalCategory", "residual"
    ) == [
        (
            M + "item/i3",
            M + "proposal/PP1",
            M + "person/K1",
            M + "category/c-other",
            M + "act/X03",
            M + "category/c-other",
            True,
        ),
        (
            M + "item/j1",
            M + "proposal/PP2",
            M + "person/L1",
            M + "category/p-unknown",
            M + "act/X09",
            M + "category/p-woman",
            False,
        ),
    ]


def test_residual_share(mini: Mini) -> None:
    # DS1 final labels: i1 cat, i2 usable (X08 overridden), i3 other animal, i4 other animal
    # (X11 overridden), i5 pet, i6 usable (X07 is later than X06): 2 of 6 residual.
    # DS2: j1 woman (X09 overridden), j2 man: none residual.
    rows = mini.rows("residual-share")
    assert pick(rows, "dataset", "labelledItems", "residualItems", "residualShare") == [
        (M + "dataset/DS1", 6, 2, 0.3333),
        (M + "dataset/DS2", 2, 0, 0.0),
    ]


def test_bypassed_team_leads(mini: Mini) -> None:
    # IM5: M1 configured the tool for A1, whose team lead was L1. IM8 also reached L1.
    rows = mini.rows("bypassed-team-leads")
    assert pick(rows, "imposition", "medium", "document", "platform", "annotator", "teamLead") == [
        (
            M + "imposition/IM5",
            CDO + "ToolConfigurationMedium",
            M + "document/D6",
            M + "org/PL",
            M + "person/A1",
            M + "person/L1",
        )
    ]
    assert mini.rows("bypassed-team-leads", medium="cdo:QAFeedbackMedium") == []


def test_overruled_objections(mini: Mini) -> None:
    # OB1: A1 about unknown, overruled by L1 citing D4 (restricted); A1's only unknown label
    # (X09, 2024-02-17) came before the objection (2024-02-20).
    columns = ("objection", "objector", "disputed", "escalatedTo", "overruledBy", "laterApplied")
    expected = (
        M + "objection/OB1",
        M + "person/A1",
        M + "category/p-unknown",
        "L1",
        M + "person/L1",
        False,
    )
    anonymous = mini.rows("overruled-objections")
    assert pick(anonymous, *columns, "cites") == [(*expected, None)]
    researcher = mini.rows("overruled-objections", headers=mini.researcher)
    assert pick(researcher, *columns, "cites") == [(*expected, "Person specification")]


def test_proposers_overridden(mini: Mini) -> None:
    # A1 proposed hamster and non-binary (excluded): 9 acts, 3 overridden (X08, X09, X11).
    # A2 proposed pet (accepted): 2 acts, 1 overridden (X04).
    rows = mini.rows("proposers-overridden")
    assert pick(
        rows, "annotator", "proposedExcluded", "acts", "overridden", "overriddenShare", "groupShare"
    ) == [
        (M + "person/A1", True, 9, 3, 0.3333, 0.3333),
        (M + "person/A2", False, 2, 1, 0.5, 0.5),
    ]


def test_shared_taxonomies(mini: Mini) -> None:
    # Both clients imposed their taxonomy on V1 only.
    assert mini.rows("shared-taxonomies") == []
    rows = mini.rows("shared-taxonomies", min_vendors="1")
    assert pick(rows, "client", "taxonomy", "vendorCount", "vendors", "versions") == [
        (M + "org/C1", M + "taxonomy/T1", 1, "Annotation Co", "Animals 1; Animals 2"),
        (M + "org/C2", M + "taxonomy/T3", 1, "Annotation Co", "Persons 1"),
    ]
    only = mini.rows("shared-taxonomies", min_vendors="1", client=M + "org/C2")
    assert pick(only, "taxonomy") == [(M + "taxonomy/T3",)]


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        # Anonymous readers see only the public evidence links: EV1 and EV2.
        (
            "anonymous",
            [("change/CH1", False), ("imposition/IM1", False), ("imposition/IM4", False)],
        ),
        (
            "researcher",
            [
                ("change/CH1", False),
                ("imposition/IM1", False),
                ("imposition/IM4", False),
                ("objection/OB1", True),
                ("proposal/PP2", True),
            ],
        ),
        (
            "owner",
            [
                ("change/CH1", False),
                ("imposition/IM1", False),
                ("imposition/IM4", False),
                ("imposition/IM5", True),
                ("objection/OB1", True),
                ("proposal/PP1", True),
                ("proposal/PP2", True),
            ],
        ),
    ],
)
def test_unpublishable_evidence_by_level(
    mini: Mini, viewer: str, expected: list[tuple[str, bool]]
) -> None:
    headers = {"anonymous": {}, "researcher": mini.researcher, "owner": mini.owner}[viewer]
    rows = mini.rows("unpublishable-evidence", headers=headers)
    assert pick(rows, "decision", "onlyUnpublishable") == [(M + d, flag) for d, flag in expected]


def test_unpublishable_evidence_strongest(mini: Mini) -> None:
    rows = mini.rows("unpublishable-evidence", headers=mini.owner, only_unpublishable="true")
    assert pick(rows, "decision", "strongest") == [
        (M + "imposition/IM5", None),
        (M + "objection/OB1", None),
        (M + "proposal/PP1", None),
        (M + "proposal/PP2", None),
    ]
    every = mini.rows("unpublishable-evidence")
    assert pick(every, "decision", "strongest", "strongestType") == [
        (M + "change/CH1", M + "evidence/EV2", CDO + "DocumentExcerpt"),
        (M + "imposition/IM1", M + "evidence/EV1", CDO + "InterviewExcerpt"),
        (M + "imposition/IM4", M + "evidence/EV2", CDO + "DocumentExcerpt"),
    ]


def test_role_change_decisions(mini: Mini) -> None:
    # A2: annotator until 2024-02-29 (X02, X04; X04 overridden), then QA reviewer from
    # 2024-03-01 (overrode X08, proposed pet on 2024-03-01).
    rows = mini.rows("role-change-decisions", person=M + "person/A2")
    assert pick(
        rows,
        "membership",
        "role",
        "acts",
        "overriddenActs",
        "overridesMade",
        "proposalsMade",
        "impositionsMade",
    ) == [
        (M + "membership/MS4", CDO + "AnnotatorRole", 2, 1, 0, 0, 0),
        (M + "membership/MS5", CDO + "QAReviewerRole", 0, 0, 1, 1, 0),
    ]


def test_metric_rules(mini: Mini) -> None:
    # RU2 (agreement 0.8) is defined in D1, which the exclusion of hamster cites.
    rows = mini.rows("metric-rules")
    assert pick(rows, "rule", "metric", "target", "issuedBy", "exclusion", "citation") == [
        (
            M + "rule/RU2",
            CDO + "AgreementTargetMetric",
            "0.8",
            M + "org/C1",
            M + "excluded-category/PP1",
            "defining document",
        )
    ]
    assert mini.rows("metric-rules", metric="cdo:ThroughputTargetMetric") == []


def test_sensitive_attributes(mini: Mini) -> None:
    rows = mini.rows("sensitive-attributes")
    assert pick(rows, "dataset", "attribute", "category", "value", "developedBy", "imposedBy") == [
        (
            M + "dataset/DS2",
            CDO + "GenderAttribute",
            M + "category/p-man",
            "male",
            M + "org/C2",
            M + "org/C2",
        ),
        (
            M + "dataset/DS2",
            CDO + "GenderAttribute",
            M + "category/p-unknown",
            "unknown",
            M + "org/C2",
            M + "org/C2",
        ),
        (
            M + "dataset/DS2",
            CDO + "GenderAttribute",
            M + "category/p-woman",
            "female",
            M + "org/C2",
            M + "org/C2",
        ),
    ]
    assert mini.rows("sensitive-attributes", dataset=M + "dataset/DS1") == []


def test_evidence_for(mini: Mini) -> None:
    imposition = mini.rows("evidence-for", subject=M + "imposition/IM1")
    assert pick(imposition, "evidence", "type", "speaker", "speakerRole", "date", "codes") == [
        (
            M + "evidence/EV1",
            CDO + "InterviewExcerpt",
            M + "person/K1",
            "client_representative",
            "2024-05-03",
            "imposition",
        )
    ]
    change = mini.rows("evidence-for", subject=M + "change/CH1")
    assert pick(change, "evidence", "speaker", "codes") == [
        (M + "evidence/EV2", None, "exclusion; imposition")
    ]
    # EV4 is restricted: anonymous readers do not even learn that it exists.
    assert mini.rows("evidence-for", subject=M + "proposal/PP2") == []
    restricted = mini.rows("evidence-for", headers=mini.researcher, subject=M + "proposal/PP2")
    assert pick(restricted, "evidence", "speakerRole", "access") == [
        (M + "evidence/EV4", "team_lead", CDO + "Restricted")
    ]
