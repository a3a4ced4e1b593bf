"""The record kinds and their fields, as docs/model.md defines them.

One declaration drives the JSON Schema (`loaders.schema_build`), the typed CSV checks, the
reference checks and the generic part of the mapping, so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from loaders.vocab import CDO, DCTERMS, DPV, FOAF, ORG, RDFS, SKOS, VALUE_SETS

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
IRI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$"
BASE_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*[/#]$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"


class FieldType(Enum):
    ID = "id"
    TEXT = "text"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    IRI = "iri"
    BASE = "base"
    COUNTRY = "country"
    ENUM = "enum"
    REF = "ref"
    NESTED = "nested"


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    predicate: str | None = None  # None: not a triple, or written by kind-specific mapping code
    required: bool = False
    many: bool = False
    refs: tuple[str, ...] = ()  # kind keys a REF may name
    values: str | None = None  # value-set name of an ENUM
    nested: str | None = None  # kind key of a NESTED list of mappings


@dataclass(frozen=True)
class Conditional:
    """Fields required when `field` has (or, with `negate`, lacks) one of `values`."""

    field: str
    values: tuple[str, ...]
    requires: tuple[str, ...]
    negate: bool = False

    def holds(self, value: object) -> bool:
        return (value in self.values) != self.negate

    @property
    def text(self) -> str:
        listed = " or ".join(self.values)
        return f"{'unless' if self.negate else 'when'} {self.field} is {listed}"


@dataclass(frozen=True)
class Kind:
    key: str  # top-level key of a record file, and how errors name the kind
    noun: str  # singular, for "expected a person id"
    slug: str
    classes: tuple[str, ...]
    fields: tuple[Field, ...]
    label_field: str | None = None
    id_field: str | None = "id"  # None: the kind has no id of its own
    csv: bool = False  # may come as `<key>.csv`; also marks the big tables
    single: bool = False
    nested_only: bool = False
    conditionals: tuple[Conditional, ...] = ()

    def field(self, name: str) -> Field | None:
        return self.by_name.get(name)

    @cached_property
    def by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


AGENT = ("persons", "organizations")


def _f(
    name: str,
    ftype: FieldType,
    predicate: str | None = None,
    *,
    required: bool = False,
    many: bool = False,
    values: str | None = None,
    nested: str | None = None,
) -> Field:
    return Field(name, ftype, predicate, required, many, (), values, nested)


def _ref(
    name: str, predicate: str | None, *refs: str, required: bool = False, many: bool = False
) -> Field:
    return Field(name, FieldType.REF, predicate, required, many, refs)


T = FieldType
DESCRIPTION = _f("description", T.TEXT, DCTERMS + "description")
EVIDENCE = _ref("evidence", CDO + "evidence", "evidence", many=True)
DATE = _f("date", T.DATE, DCTERMS + "date")


def _kind(
    key: str,
    noun: str,
    slug: str,
    cls: str,
    *fields: Field,
    label_field: str | None = None,
    id_field: str | None = "id",
    csv: bool = False,
    single: bool = False,
    nested_only: bool = False,
    conditionals: tuple[Conditional, ...] = (),
) -> Kind:
    """A kind with the `id` and `access` fields every record has (unless it has no id)."""
    common: list[Field] = []
    if id_field == "id":
        common.append(_f("id", T.ID, DCTERMS + "identifier", required=True))
    own = list(fields)
    if id_field is not None:
        own.append(_f("access", T.ENUM, values="access"))
    return Kind(
        key,
        noun,
        slug,
        (cls,),
        (*common, *own),
        label_field,
        id_field,
        csv,
        single,
        nested_only,
        conditionals,
    )


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        _kind(
            "study",
            "study",
            "study",
            CDO + "Study",
            _f("title", T.TEXT, DCTERMS + "title", required=True),
            _f("base", T.BASE, None, required=True),
            DESCRIPTION,
            _f("license", T.IRI, DCTERMS + "license", required=True),
            _f(
                "default_access", T.ENUM, CDO + "defaultAccessLevel", required=True, values="access"
            ),
            _ref("researchers", CDO + "researcher", "persons", many=True),
            _ref("organization", CDO + "conductedBy", "organizations", many=True),
            _f("start", T.DATE, CDO + "startDate"),
            _f("end", T.DATE, CDO + "endDate"),
            _ref("codebook", CDO + "codebook", "codebooks"),
            label_field="title",
            single=True,
        ),
        _kind(
            "codebooks",
            "codebook",
            "codebook",
            CDO + "Codebook",
            _f("title", T.TEXT, DCTERMS + "title", required=True),
            DESCRIPTION,
            _f("codes", T.NESTED, many=True, nested="codes"),
            label_field="title",
        ),
        _kind(
            "codes",
            "code",
            "code",
            CDO + "Code",
            _f("label", T.TEXT, SKOS + "prefLabel", required=True),
            _f("definition", T.TEXT, SKOS + "definition"),
            _ref("broader", SKOS + "broader", "codes", many=True),
            label_field="label",
            nested_only=True,
        ),
        _kind(
            "organizations",
            "organization",
            "org",
            CDO + "Organization",
            _f("name", T.TEXT, SKOS + "prefLabel", required=True),
            _f("types", T.ENUM, None, required=True, many=True, values="org_type"),
            _f("location", T.TEXT, CDO + "location"),
            _f("country", T.COUNTRY, CDO + "country"),
            _ref("part_of", ORG + "subOrganizationOf", "organizations"),
            DESCRIPTION,
            label_field="name",
        ),
        _kind(
            "units",
            "unit",
            "unit",
            CDO + "OrganizationalUnit",
            _f("name", T.TEXT, SKOS + "prefLabel", required=True),
            _ref("organization", ORG + "unitOf", "organizations", required=True),
            _ref("part_of", ORG + "subOrganizationOf", "units"),
            label_field="name",
        ),
        _kind(
            "persons",
            "person",
            "person",
            CDO + "Person",
            _f("pseudonym", T.TEXT, FOAF + "nick"),
            _f("consent", T.NESTED, many=True, nested="consent"),
            _f("note", T.TEXT, RDFS + "comment"),
            label_field="pseudonym",
        ),
        _kind(
            "consent",
            "consent entry",
            "consent",
            CDO + "ConsentRecord",
            _f("status", T.ENUM, DPV + "hasConsentStatus", required=True, values="consent_status"),
            _f("date", T.DATE, DCTERMS + "date", required=True),
            id_field=None,
            nested_only=True,
        ),
        _kind(
            "memberships",
            "membership",
            "membership",
            CDO + "Membership",
            _ref("person", ORG + "member", "persons", required=True),
            _ref("organization", ORG + "organization", "organizations", required=True),
            _ref("unit", CDO + "unit", "units"),
            _f("role", T.ENUM, ORG + "role", required=True, values="role"),
            _f("from", T.DATE, CDO + "startDate", required=True),
            _f("to", T.DATE, CDO + "endDate"),
            _ref("reports_to", CDO + "reportsTo", "persons"),
        ),
        _kind(
            "interviews",
            "interview",
            "interview",
            CDO + "Interview",
            _ref("interviewees", CDO + "interviewee", "persons", required=True, many=True),
            _ref("interviewers", CDO + "interviewer", "persons", many=True),
            _f("date", T.DATE, DCTERMS + "date", required=True),
            _f("place", T.TEXT, CDO + "location"),
            _f("language", T.TEXT, DCTERMS + "language"),
        ),
        _kind(
            "taxonomies",
            "taxonomy",
            "taxonomy",
            CDO + "Taxonomy",
            _f("label", T.TEXT, SKOS + "prefLabel", required=True),
            DESCRIPTION,
            _ref("developed_by", CDO + "developedBy", *AGENT, required=True),
            _f("categories", T.NESTED, many=True, nested="categories"),
            _f("versions", T.NESTED, many=True, nested="versions"),
            label_field="label",
        ),
        _kind(
            "categories",
            "category",
            "category",
            CDO + "Category",
            _f("label", T.TEXT, SKOS + "prefLabel", required=True),
            _f("definition", T.TEXT, SKOS + "definition"),
            _ref("broader", SKOS + "broader", "categories"),
            _f("residual", T.BOOL, None),
            _f(
                "sensitive_attribute",
                T.ENUM,
                CDO + "sensitiveAttribute",
                values="sensitive_attribute",
            ),
            _f("value", T.TEXT, CDO + "attributeValue"),
            label_field="label",
            nested_only=True,
        ),
        _kind(
            "versions",
            "version",
            "version",
            CDO + "TaxonomyVersion",
            _f("label", T.TEXT, SKOS + "prefLabel", required=True),
            _f("released", T.DATE, CDO + "released", required=True),
            _ref("document", CDO + "definedIn", "documents"),
            _ref("previous", CDO + "previousVersion", "versions"),
            _ref("categories", None, "categories", required=True, many=True),
            _f("changes", T.NESTED, many=True, nested="changes"),
            label_field="label",
            nested_only=True,
        ),
        _kind(
            "changes",
            "change",
            "change",
            CDO + "VersionChange",
            _f("type", T.ENUM, CDO + "changeType", required=True, values="change_type"),
            _ref("from_categories", CDO + "sourceCategory", "categories", many=True),
            _ref("to_categories", CDO + "resultCategory", "categories", many=True),
            _ref("decided_by", CDO + "decidedBy", *AGENT),
            DATE,
            _f("rationale", T.TEXT, CDO + "rationale"),
            EVIDENCE,
            nested_only=True,
        ),
        _kind(
            "documents",
            "document",
            "document",
            CDO + "Document",
            _f("title", T.TEXT, DCTERMS + "title", required=True),
            _f("type", T.ENUM, None, required=True, values="document_type"),
            _ref("author", DCTERMS + "creator", "persons"),
            _ref("organization", DCTERMS + "publisher", "organizations"),
            DATE,
            _ref("revision_of", CDO + "revisionOf", "documents"),
            DESCRIPTION,
            label_field="title",
        ),
        _kind(
            "rules",
            "rule",
            "rule",
            CDO + "Rule",
            _f("text", T.TEXT, CDO + "ruleText", required=True),
            _f("label", T.TEXT, None),
            _ref("document", CDO + "definedIn", "documents"),
            _ref("issued_by", CDO + "issuedBy", *AGENT),
            _ref(
                "applies_to", CDO + "appliesTo", "categories", "taxonomies", "versions", many=True
            ),
            _f("metric", T.ENUM, CDO + "encodesMetric", values="metric"),
            _f("target", T.TEXT, CDO + "metricTarget"),
            DATE,
            EVIDENCE,
            label_field="label",
        ),
        _kind(
            "projects",
            "project",
            "project",
            CDO + "AnnotationProject",
            _f("title", T.TEXT, DCTERMS + "title", required=True),
            _ref("client", CDO + "client", "organizations", required=True),
            _ref("vendor", CDO + "vendor", "organizations", required=True),
            _ref("platform", CDO + "platform", "organizations"),
            _f("start", T.DATE, CDO + "startDate"),
            _f("end", T.DATE, CDO + "endDate"),
            _ref("taxonomy_versions", CDO + "usesTaxonomyVersion", "versions", many=True),
            _ref("staff", CDO + "staff", "persons", many=True),
            DESCRIPTION,
            label_field="title",
        ),
        _kind(
            "datasets",
            "dataset",
            "dataset",
            CDO + "Dataset",
            _f("title", T.TEXT, DCTERMS + "title", required=True),
            _ref("project", CDO + "fromProject", "projects", required=True),
            _ref("producer", CDO + "producedBy", "organizations"),
            _f("delivered", T.DATE, CDO + "delivered"),
            _ref("platform", CDO + "platform", "organizations"),
            DESCRIPTION,
            label_field="title",
        ),
        _kind(
            "data_items",
            "data item",
            "item",
            CDO + "DataItem",
            _ref("dataset", CDO + "inDataset", "datasets", required=True),
            DESCRIPTION,
            _f("media_type", T.TEXT, DCTERMS + "format"),
            csv=True,
        ),
        _kind(
            "impositions",
            "imposition",
            "imposition",
            CDO + "Imposition",
            _ref("imposed_by", CDO + "imposedBy", *AGENT, required=True),
            _ref("imposed_on", CDO + "imposedOn", *AGENT, required=True, many=True),
            _ref(
                "imposes",
                CDO + "imposes",
                "versions",
                "categories",
                "rules",
                required=True,
                many=True,
            ),
            _f("medium", T.ENUM, CDO + "medium", required=True, values="medium"),
            _ref("document", CDO + "viaDocument", "documents"),
            _ref("platform", CDO + "viaPlatform", "organizations"),
            _f("date", T.DATE, DCTERMS + "date", required=True),
            _ref("project", CDO + "inProject", "projects"),
            _ref("relays", CDO + "relays", "impositions"),
            DESCRIPTION,
            EVIDENCE,
        ),
        _kind(
            "proposals",
            "proposal",
            "proposal",
            CDO + "CategoryProposal",
            _f("label", T.TEXT, SKOS + "prefLabel", required=True),
            _f("definition", T.TEXT, SKOS + "definition"),
            _ref("taxonomy", CDO + "proposedFor", "taxonomies", required=True),
            _ref("proposed_by", CDO + "proposedBy", "persons", required=True, many=True),
            _f("date", T.DATE, DCTERMS + "date", required=True),
            _ref("project", CDO + "inProject", "projects"),
            _f("outcome", T.ENUM, CDO + "outcome", required=True, values="proposal_outcome"),
            _ref("decided_by", CDO + "decidedBy", *AGENT),
            _f("decision_level", T.ENUM, CDO + "decisionLevel", values="decision_level"),
            _f("decision_date", T.DATE, CDO + "decisionDate"),
            _f("rationale", T.TEXT, CDO + "rationale"),
            _ref("cites", CDO + "cites", "rules", "documents", many=True),
            _ref("fallback", None, "categories"),
            _ref("accepted_as", CDO + "acceptedAs", "categories"),
            EVIDENCE,
            label_field="label",
            conditionals=(
                Conditional("outcome", ("pending",), ("decided_by", "decision_level"), True),
                Conditional("outcome", ("excluded",), ("fallback",)),
                Conditional("outcome", ("accepted",), ("accepted_as",)),
            ),
        ),
        _kind(
            "objections",
            "objection",
            "objection",
            CDO + "Objection",
            _ref("raised_by", CDO + "raisedBy", "persons", required=True),
            _ref("concerns", None, "categories", "rules", "acts", "versions", required=True),
            _f("date", T.DATE, DCTERMS + "date", required=True),
            DESCRIPTION,
            _ref("escalated_to", CDO + "escalatedTo", *AGENT, many=True),
            _f(
                "outcome",
                T.ENUM,
                CDO + "objectionOutcome",
                required=True,
                values="objection_outcome",
            ),
            _ref("overruled_by", CDO + "overruledBy", *AGENT),
            _ref("cites", CDO + "cites", "rules", "documents", many=True),
            EVIDENCE,
            conditionals=(Conditional("outcome", ("overruled",), ("overruled_by",)),),
        ),
        _kind(
            "acts",
            "act",
            "act",
            CDO + "ClassificationAct",
            _ref("annotator", CDO + "annotator", "persons", required=True),
            _ref("item", CDO + "item", "data_items", required=True),
            _ref("category", CDO + "category", "categories", required=True),
            _ref("version", CDO + "underVersion", "versions", required=True),
            _ref("project", CDO + "inProject", "projects", required=True),
            _f("time", T.DATETIME, CDO + "time", required=True),
            csv=True,
        ),
        _kind(
            "overrides",
            "override",
            "override",
            CDO + "Override",
            _ref("act", CDO + "overrides", "acts", required=True),
            _ref("reviewer", CDO + "reviewer", "persons", required=True),
            _ref("category", CDO + "newCategory", "categories", required=True),
            _f("time", T.DATETIME, CDO + "time", required=True),
            _f("reason", T.TEXT, CDO + "reason"),
            _f(
                "justification",
                T.ENUM,
                CDO + "justificationType",
                required=True,
                values="justification",
            ),
            _ref("justified_by", CDO + "justifiedBy", "rules", "documents"),
            EVIDENCE,
            id_field="act",
            csv=True,
            conditionals=(Conditional("justification", ("none",), ("justified_by",), True),),
        ),
        _kind(
            "flags",
            "flag",
            "flag",
            CDO + "Flag",
            _ref("annotator", CDO + "flaggedBy", "persons", required=True),
            _ref("item", CDO + "item", "data_items", required=True),
            _ref("proposal", CDO + "flaggedAs", "proposals", required=True),
            _f("time", T.DATETIME, CDO + "time", required=True),
            _f("note", T.TEXT, RDFS + "comment"),
            csv=True,
        ),
        _kind(
            "evidence",
            "evidence",
            "evidence",
            CDO + "Evidence",
            _f("type", T.ENUM, None, required=True, values="evidence_type"),
            _f("text", T.TEXT, CDO + "text", required=True),
            _ref("speaker", CDO + "speaker", "persons"),
            _f("date", T.DATE, DCTERMS + "date", required=True),
            _ref("interview", CDO + "fromInterview", "interviews"),
            _ref("document", CDO + "fromDocument", "documents"),
            _ref("codes", CDO + "code", "codes", many=True),
            _f("note", T.TEXT, RDFS + "comment"),
            csv=True,
        ),
    )
}

# Top-level keys of a record file, in the order docs/records.md presents them.
TOP_LEVEL = tuple(k.key for k in KINDS.values() if not k.nested_only)
CSV_KINDS = tuple(k.key for k in KINDS.values() if k.csv)


def nested_kind(kind: Kind, field_name: str) -> Kind | None:
    """The kind of the records nested under `kind`'s field, if that field nests records."""
    spec = kind.field(field_name)
    if spec is None or spec.nested is None:
        return None
    return KINDS[spec.nested]


def refs_noun(refs: tuple[str, ...]) -> str:
    """'person or organization', 'version, category or rule'."""
    if refs == AGENT:
        return "person or organization"
    nouns = [KINDS[r].noun for r in refs]
    return nouns[0] if len(nouns) == 1 else f"{', '.join(nouns[:-1])} or {nouns[-1]}"


def article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


_SCALAR_EXPECTED = {
    FieldType.ID: "an id (letters, digits, '.', '_' or '-', starting with a letter or digit)",
    FieldType.TEXT: "a non-empty text",
    FieldType.DATE: "a date YYYY-MM-DD",
    FieldType.DATETIME: "a date-time such as 2024-05-02T10:15:00 (optionally with Z or +02:00)",
    FieldType.BOOL: "true or false",
    FieldType.IRI: "an absolute IRI such as https://creativecommons.org/licenses/by/4.0/",
    FieldType.BASE: "an absolute IRI ending in / or # (such as https://example.org/study/)",
    FieldType.COUNTRY: "a two-letter ISO 3166 country code in capitals, such as AR",
}


def expected(spec: Field, *, item: bool = False) -> str:
    """What a field accepts, in words; `item` describes one element of a list field."""
    if spec.type is FieldType.REF:
        noun = refs_noun(spec.refs)
        one = f"{article(noun)} id"
        if spec.many and not item:
            return f"{one} or a list of {noun} ids"
        return one
    if spec.type is FieldType.NESTED:
        noun = KINDS[spec.nested or ""].noun
        return f"a list of {noun} mappings" if not item else f"{article(noun)} mapping"
    if spec.type is FieldType.ENUM:
        values = ", ".join(VALUE_SETS[spec.values or ""].values)
        return f"one of: {values}" + ("" if item or not spec.many else " (or a list of them)")
    return _SCALAR_EXPECTED[spec.type]
