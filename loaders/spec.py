"""The record kinds and their fields, as docs/model.md defines them.

One declaration drives the JSON Schema (`loaders.schema_build`), the typed CSV checks, the
reference checks and the generic part of the mapping, so the three cannot drift apart. The kinds
are declared in `loaders.kinds_study`, `loaders.kinds_decisions` and `loaders.kinds_tables`
with the types of `loaders.spec_types`; this module assembles them and describes fields in
words for error messages.
"""

from __future__ import annotations

from loaders.kinds_decisions import DECISION_KINDS
from loaders.kinds_study import STUDY_KINDS
from loaders.kinds_tables import TABLE_KINDS
from loaders.spec_types import (
    AGENT,
    BASE_PATTERN,
    COUNTRY_PATTERN,
    DATE_PATTERN,
    DATETIME_PATTERN,
    ID_PATTERN,
    IRI_PATTERN,
    Conditional,
    Field,
    FieldType,
    Kind,
)
from loaders.vocab import VALUE_SETS

__all__ = [
    "AGENT",
    "BASE_PATTERN",
    "COUNTRY_PATTERN",
    "CSV_KINDS",
    "DATETIME_PATTERN",
    "DATE_PATTERN",
    "ID_PATTERN",
    "IRI_PATTERN",
    "KINDS",
    "TOP_LEVEL",
    "Conditional",
    "Field",
    "FieldType",
    "Kind",
    "article",
    "expected",
    "nested_kind",
    "refs_noun",
]

# The three groups follow one another in the order docs/records.md presents the kinds, which is
# the order of the schema's properties and of every listing of kinds.
KINDS: dict[str, Kind] = {k.key: k for k in (*STUDY_KINDS, *DECISION_KINDS, *TABLE_KINDS)}

# Top-level keys of a record file.
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
