"""Namespaces and the closed value sets of docs/model.md (record value -> RDF term)."""

from __future__ import annotations

from dataclasses import dataclass

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CDO = "https://w3id.org/cdkg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
DCTERMS = "http://purl.org/dc/terms/"
DPV = "https://w3id.org/dpv#"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"
XSD_DATE = XSD + "date"
XSD_DATETIME = XSD + "dateTime"
XSD_BOOLEAN = XSD + "boolean"


@dataclass(frozen=True)
class ValueSet:
    """A closed list of record values; `as_class` sets map to rdf:type instead of a property."""

    name: str
    values: dict[str, str]
    as_class: bool = False


def _cdo(pairs: dict[str, str]) -> dict[str, str]:
    return {value: CDO + local for value, local in pairs.items()}


VALUE_SETS: dict[str, ValueSet] = {
    vs.name: vs
    for vs in (
        ValueSet(
            "access",
            _cdo({"public": "Public", "restricted": "Restricted", "confidential": "Confidential"}),
        ),
        ValueSet(
            "org_type",
            _cdo(
                {
                    "client": "Client",
                    "annotation_company": "AnnotationCompany",
                    "platform": "Platform",
                    "research_group": "ResearchGroup",
                }
            ),
            as_class=True,
        ),
        ValueSet(
            "role",
            _cdo(
                {
                    "annotator": "AnnotatorRole",
                    "team_lead": "TeamLeadRole",
                    "project_manager": "ProjectManagerRole",
                    "manager": "ManagerRole",
                    "qa_reviewer": "QAReviewerRole",
                    "ml_practitioner": "MLPractitionerRole",
                    "client_representative": "ClientRepresentativeRole",
                    "researcher": "ResearcherRole",
                }
            ),
        ),
        ValueSet(
            "consent_status",
            {"given": DPV + "ConsentGiven", "withdrawn": DPV + "ConsentWithdrawn"},
        ),
        ValueSet(
            "document_type",
            _cdo(
                {
                    "guideline": "GuidelineDocument",
                    "email": "Email",
                    "example_set": "ExampleSet",
                    "tool_configuration": "ToolConfiguration",
                    "gold_set": "GoldSet",
                    "chat_log": "ChatLog",
                    "training_material": "TrainingMaterial",
                    "other": "Document",
                }
            ),
            as_class=True,
        ),
        ValueSet(
            "medium",
            _cdo(
                {
                    "guideline_document": "GuidelineDocumentMedium",
                    "email": "EmailMedium",
                    "chat": "ChatMedium",
                    "meeting": "MeetingMedium",
                    "training_session": "TrainingSessionMedium",
                    "video_call": "VideoCallMedium",
                    "qa_feedback": "QAFeedbackMedium",
                    "tool_configuration": "ToolConfigurationMedium",
                }
            ),
        ),
        ValueSet(
            "change_type",
            _cdo(
                {
                    "added": "Added",
                    "removed": "Removed",
                    "merged": "Merged",
                    "split": "Split",
                    "renamed": "Renamed",
                    "redefined": "Redefined",
                }
            ),
        ),
        ValueSet(
            "decision_level",
            _cdo(
                {
                    "client": "ClientLevel",
                    "company_management": "CompanyManagementLevel",
                    "team_lead": "TeamLeadLevel",
                    "qa": "QALevel",
                }
            ),
        ),
        ValueSet(
            "proposal_outcome",
            _cdo({"accepted": "Accepted", "excluded": "Excluded", "pending": "Pending"}),
        ),
        ValueSet(
            "objection_outcome",
            _cdo(
                {
                    "upheld": "Upheld",
                    "overruled": "Overruled",
                    "pending": "ObjectionPending",
                    "withdrawn": "ObjectionWithdrawn",
                }
            ),
        ),
        ValueSet(
            "justification",
            _cdo(
                {
                    "rule": "RuleJustification",
                    "document": "DocumentJustification",
                    "gold_set": "GoldSetJustification",
                    "none": "NoJustification",
                }
            ),
        ),
        ValueSet(
            "metric",
            _cdo(
                {
                    "agreement_target": "AgreementTargetMetric",
                    "throughput_target": "ThroughputTargetMetric",
                    "accuracy_target": "AccuracyTargetMetric",
                }
            ),
        ),
        ValueSet(
            "sensitive_attribute",
            _cdo(
                {
                    "gender": "GenderAttribute",
                    "age": "AgeAttribute",
                    "skin_tone": "SkinToneAttribute",
                    "religion": "ReligionAttribute",
                    "ethnicity": "EthnicityAttribute",
                    "disability": "DisabilityAttribute",
                }
            ),
        ),
        ValueSet(
            "evidence_type",
            _cdo(
                {
                    "interview_excerpt": "InterviewExcerpt",
                    "field_note": "FieldNote",
                    "document_excerpt": "DocumentExcerpt",
                }
            ),
            as_class=True,
        ),
    )
}

ACCESS_LEVELS = ("public", "restricted", "confidential")
