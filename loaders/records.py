"""Typed records: what the mapping reads, whether they came from YAML, JSON or CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loaders.documents import LineDict, LineList
from loaders.spec import KINDS, TOP_LEVEL, FieldType, Kind

Value = str | bool | list[str]


@dataclass(frozen=True)
class Source:
    """One file of a study."""

    path: Path  # where to read it
    display: str  # how errors name it: the path as the user gave it
    rel: str  # relative to the study root, with '/' separators
    format: str  # "yaml", "json" or "csv"
    sha256: str
    slug: str  # rel with '/' and '.' turned into '-', then percent-encoded where needed


@dataclass(eq=False, slots=True)
class Record:
    kind: Kind
    id: str
    values: dict[str, Value]
    source: int  # index into the study's sources
    line: int | None
    # field -> line, and field -> line of each list item; None for a CSV row (one line for all),
    # which saves two dicts a row
    lines: dict[str, int] | None = None
    item_lines: dict[str, list[int]] | None = None
    parent: Record | None = None
    position: int = 1  # 1-based place among its siblings: consent entries are numbered by it
    level: int = 0

    @property
    def label(self) -> str:
        if self.kind.id_field is None and self.parent is not None:
            return f"{self.parent.label}, {self.kind.noun} {self.position}"
        return f"{self.kind.key} {self.id}"

    def line_of(self, name: str, index: int | None = None) -> int | None:
        if index is not None and self.item_lines is not None:
            items = self.item_lines.get(name)
            if items is not None and index < len(items):
                return items[index]
        return self.line if self.lines is None else self.lines.get(name, self.line)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def listed(self, name: str) -> list[str]:
        value = self.values.get(name)
        return value if isinstance(value, list) else []


def records_from_document(doc: LineDict, source: int) -> list[Record]:
    """Every record of a schema-valid document, nested ones after their parent, in file order."""
    out: list[Record] = []
    for key in TOP_LEVEL:
        if key not in doc:
            continue
        kind = KINDS[key]
        value = doc[key]
        if kind.single:
            _collect(kind, value, source, None, 1, out)
        else:
            for position, item in enumerate(value, start=1):
                _collect(kind, item, source, None, position, out)
    return out


def _collect(
    kind: Kind,
    data: LineDict,
    source: int,
    parent: Record | None,
    position: int,
    out: list[Record],
) -> None:
    values: dict[str, Value] = {}
    item_lines: dict[str, list[int]] = {}
    nested: list[tuple[Kind, LineList]] = []
    for name, raw in data.items():
        spec = kind.by_name[name]
        if spec.type is FieldType.NESTED:
            nested.append((KINDS[spec.nested or ""], raw))
        elif spec.many:
            if isinstance(raw, LineList):
                values[name] = list(raw)
                item_lines[name] = raw.item_lines
            else:
                values[name] = [raw]
        else:
            values[name] = raw
    if kind.id_field is None:
        ident = f"{parent.id if parent else ''}-{position}"
    else:
        ident = str(values[kind.id_field])
    record = Record(
        kind, ident, values, source, data.line, dict(data.key_lines), item_lines, parent, position
    )
    out.append(record)
    for child_kind, items in nested:
        for child_position, item in enumerate(items, start=1):
            _collect(child_kind, item, source, record, child_position, out)


def unencodable_fields(record: Record) -> list[str]:
    """Fields whose text holds a lone surrogate (possible through JSON \\u escapes)."""
    bad: list[str] = []
    for name, value in record.values.items():
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    bad.append(name)
                    break
    return bad
