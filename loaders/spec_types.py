"""What a record kind is made of: field types, fields, conditional requirements and kinds.

The declarations in `loaders.kinds_*` are written with the builders here, so that every kind
gets the `id` and `access` fields the same way; `loaders.spec` assembles them into `KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property

from loaders.vocab import CDO, DCTERMS

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


def plain(
    name: str,
    ftype: FieldType,
    predicate: str | None = None,
    *,
    required: bool = False,
    many: bool = False,
    values: str | None = None,
    nested: str | None = None,
) -> Field:
    """A field that names no other record: a scalar, a value from a set, or nested records."""
    return Field(name, ftype, predicate, required, many, (), values, nested)


def ref(
    name: str, predicate: str | None, *refs: str, required: bool = False, many: bool = False
) -> Field:
    """A field holding the id of a record of one of the kinds `refs`."""
    return Field(name, FieldType.REF, predicate, required, many, refs)


DESCRIPTION = plain("description", FieldType.TEXT, DCTERMS + "description")
EVIDENCE = ref("evidence", CDO + "evidence", "evidence", many=True)
DATE = plain("date", FieldType.DATE, DCTERMS + "date")


def declare(
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
        common.append(plain("id", FieldType.ID, DCTERMS + "identifier", required=True))
    own = list(fields)
    if id_field is not None:
        own.append(plain("access", FieldType.ENUM, values="access"))
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
