"""Map a node IRI (and a predicate) back to the record and field it came from.

SHACL results and qc rows name nodes and properties; the researcher needs the file, the line,
the record id and the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.records import Record, Source
from loaders.spec import KINDS, FieldType
from loaders.vocab import CDO, DCTERMS, RDF_TYPE, RDFS_LABEL, SKOS, VALUE_SETS


def _fields_by_predicate() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for key, kind in KINDS.items():
        fields: dict[str, str] = {}
        for spec in kind.fields:
            if spec.predicate is not None:
                fields[spec.predicate] = spec.name
            elif spec.type is FieldType.ENUM and VALUE_SETS[spec.values or ""].as_class:
                fields[RDF_TYPE] = spec.name
        if kind.label_field is not None:
            fields.setdefault(RDFS_LABEL, kind.label_field)
        table[key] = fields
    table["versions"][CDO + "includesCategory"] = "categories"
    table["objections"][CDO + "concerns"] = "concerns"
    table["persons"].update(
        {CDO + name: "consent" for name in ("consentStatus", "consentWithdrawnOn", "hasConsent")}
    )
    table["excluded"] = {
        SKOS + "prefLabel": "label",
        CDO + "excludedFrom": "taxonomy",
        CDO + "excludedBy": "decided_by",
        CDO + "decisionLevel": "decision_level",
        CDO + "rationale": "rationale",
        CDO + "fallbackCategory": "fallback",
        CDO + "evidence": "evidence",
        CDO + "cites": "cites",
        DCTERMS + "date": "decision_date",
    }
    return table


FIELDS_BY_PREDICATE = _fields_by_predicate()


@dataclass(frozen=True)
class Place:
    file: str
    line: int | None
    record: str | None
    field: str | None


class NodeLocator:
    def __init__(self, sources: list[Source], fallback_file: str) -> None:
        self.sources = sources
        self.fallback_file = fallback_file
        self.nodes: dict[str, tuple[Record, str]] = {}

    def add(self, node: str, rec: Record, fields: str | None = None) -> None:
        """`node` is an N-Quads term `<...>`; `fields` names a predicate table other than the
        record's kind (derived nodes)."""
        self.nodes.setdefault(node[1:-1], (rec, fields or rec.kind.key))

    def locate(self, node: str | None, predicate: str | None) -> Place:
        found = self.nodes.get(node or "")
        if found is None:
            return Place(self.fallback_file, None, None, None)
        rec, table = found
        name = FIELDS_BY_PREDICATE[table].get(predicate or "")
        return Place(self.sources[rec.source].display, rec.line_of(name or ""), rec.label, name)
