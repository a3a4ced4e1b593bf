"""CSV tables (`acts.csv`, `overrides.csv`, ...), streamed row by row into typed records.

Checking 200,000 rows with jsonschema would take longer than the whole load may, so each column
gets a converter built once from `loaders.spec` that applies the same rules as the schema and
words its errors the same way.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from loaders.documents import DocumentError
from loaders.errors import RecordError
from loaders.records import Record, Source, Value
from loaders.schema_check import describe, suggest
from loaders.spec import (
    BASE_PATTERN,
    COUNTRY_PATTERN,
    DATE_PATTERN,
    DATETIME_PATTERN,
    ID_PATTERN,
    IRI_PATTERN,
    Field,
    FieldType,
    Kind,
    expected,
)
from loaders.vocab import VALUE_SETS

_CHUNK = 1 << 20


class CellError(Exception):
    pass


def hash_and_check_utf8(source_path: str) -> str:
    """sha256 of a file, read in chunks; DocumentError names the line of a non-UTF-8 byte."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines_before = 0
    with open(source_path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                data = pending + chunk
                line = lines_before + data.count(b"\n", 0, exc.start) + 1
                raise DocumentError(
                    f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}); "
                    "save it as UTF-8",
                    line,
                ) from None
            lines_before += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise DocumentError("the file ends in the middle of a UTF-8 character", None) from None
    return digest.hexdigest()


def _matcher(pattern: str, spec: Field) -> Callable[[str], str]:
    test = re.compile(pattern).match

    def convert(cell: str) -> str:
        if test(cell) is None:
            raise CellError(f"expected {expected(spec, item=True)}, found {describe(cell)}")
        return cell

    return convert


def _checked(spec: Field, pattern: str, parse: Callable[[str], object]) -> Callable[[str], str]:
    shape = _matcher(pattern, spec)

    def convert(cell: str) -> str:
        shape(cell)
        try:
            parse(cell)
        except ValueError:
            raise CellError(
                f"expected {expected(spec, item=True)}, found {describe(cell)}"
            ) from None
        return cell

    return convert


def _enum(spec: Field) -> Callable[[str], str]:
    allowed = VALUE_SETS[spec.values or ""].values

    def convert(cell: str) -> str:
        if cell not in allowed:
            raise CellError(f"expected {expected(spec, item=True)}, found {describe(cell)}")
        return cell

    return convert


def _text(cell: str) -> str:
    return cell


def _scalar_converter(spec: Field) -> Callable[[str], str]:
    kind = spec.type
    if kind in (FieldType.ID, FieldType.REF):
        return _matcher(ID_PATTERN, spec)
    if kind is FieldType.DATE:
        return _checked(spec, DATE_PATTERN, date.fromisoformat)
    if kind is FieldType.DATETIME:
        return _checked(spec, DATETIME_PATTERN, datetime.fromisoformat)
    if kind is FieldType.ENUM:
        return _enum(spec)
    patterns = {
        FieldType.IRI: IRI_PATTERN,
        FieldType.BASE: BASE_PATTERN,
        FieldType.COUNTRY: COUNTRY_PATTERN,
    }
    if kind in patterns:
        return _matcher(patterns[kind], spec)
    return _text


def _converter(spec: Field, *, checks: bool = True) -> Callable[[str], Value]:
    """How a cell becomes a value. Without `checks`, for a row already checked, only what changes
    the value (lists, booleans) or could not be mapped at all (a value outside its set) remains."""
    if spec.type is FieldType.BOOL:

        def boolean(cell: str) -> Value:
            if cell not in ("true", "True", "TRUE", "false", "False", "FALSE"):
                raise CellError(f"expected true or false, found {describe(cell)}")
            return cell.lower() == "true"

        return boolean
    one = _scalar_converter(spec) if checks or spec.type is FieldType.ENUM else _text
    if not spec.many:
        return one

    def listed(cell: str) -> Value:
        items = [item.strip() for item in cell.split(";")]
        out: list[str] = []
        for number, item in enumerate(items, start=1):
            if item:
                try:
                    out.append(one(item))
                except CellError as exc:
                    raise CellError(f"item {number}: {exc}") from None
        return out

    return listed


class TableChanged(Exception):
    """A table read a second time is no longer the file whose rows were checked."""


class _HashingReader(io.RawIOBase):
    """A file read as raw bytes, hashing each byte as it goes past: the second reading of a table
    proves it parsed the very bytes whose sha256 was taken (and checked) before."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 (closed with the reader)
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._file.readinto(buffer) or 0
        with memoryview(buffer) as view:
            self.digest.update(view[:count])
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


class CsvTable:
    """One `<kind>.csv` file: its header is checked on opening; `records()` streams its rows with
    the typed checks, `reread()` streams them again for the mapping."""

    def __init__(self, source: Source, index: int, kind: Kind) -> None:
        self.source = source
        self.index = index
        self.kind = kind
        self.columns: list[Field] = []
        self.header_errors: list[RecordError] = []
        self._required = [spec.name for spec in kind.fields if spec.required]
        self._required_set = frozenset(self._required)
        self._read_header()

    def _error(self, message: str, field: str | None = None, line: int | None = 1) -> None:
        self.header_errors.append(RecordError(self.source.display, message, None, field, line))

    def _read_header(self) -> None:
        with open(self.source.path, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
        if not header or not any(cell.strip() for cell in header):
            self._error(
                f"the file is empty; expected a header row naming the {self.kind.noun} fields"
            )
            return
        names = [cell.strip() for cell in header]
        allowed = [f.name for f in self.kind.fields if f.type is not FieldType.NESTED]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                self._error("this column appears more than once in the header", name)
            elif name not in allowed:
                self._error(
                    f"unknown column{suggest(name, allowed)}; {self.kind.noun} columns are: "
                    f"{', '.join(allowed)}",
                    name,
                )
            seen.add(name)
        for spec in self.kind.fields:
            if spec.required and spec.name not in seen:
                self._error("required column is missing from the header", spec.name)
        if not self.header_errors:
            self.columns = [self.kind.by_name[name] for name in names]

    def _reread_plan(self) -> list[tuple[int, str, Callable[[str], Value]]]:
        """(position, name, converter) of the columns whose checked cells still need more than
        stripping (lists, booleans, values from a set)."""
        plan = []
        for position, spec in enumerate(self.columns):
            convert = _converter(spec, checks=False)
            if convert is not _text:
                plan.append((position, spec.name, convert))
        return plan

    def _missing(self, values: dict[str, Value], failed: list[str]) -> list[tuple[str, str]]:
        """(field, message) for each required or conditionally required field left empty."""
        missing = [
            (name, "required field is missing")
            for name in self._required
            if name not in values and name not in failed
        ]
        for cond in self.kind.conditionals:
            if cond.field in values and cond.holds(values[cond.field]):
                for name in cond.requires:
                    if name not in values and name not in failed:
                        missing.append((name, f"required {cond.text}"))
        return missing

    def _rows(self, handle: IO[str]) -> Iterator[tuple[int, int, list[str]]]:
        """(first line, row number, cells) of each non-empty row after the header."""
        reader = csv.reader(handle)
        next(reader, None)
        end = reader.line_num
        number = 0
        for cells in reader:
            line, end = end + 1, reader.line_num
            if cells:
                number += 1
                yield line, number, cells

    def records(self, errors: Callable[[RecordError], None]) -> Iterator[Record]:
        """Each row that passes the typed checks, as a record; the rest go to `errors`."""
        kind, file, source = self.kind, self.source.display, self.index
        plan = [(n, spec.name, _converter(spec)) for n, spec in enumerate(self.columns)]
        width = len(plan)
        id_pos = self._id_position()
        required, conditional = self._required_set, bool(kind.conditionals)
        with open(self.source.path, encoding="utf-8-sig", newline="") as handle:
            for line, number, cells in self._rows(handle):
                if len(cells) != width:
                    message = f"this row has {len(cells)} cells but the header has {width}"
                    errors(RecordError(file, message, f"{kind.key} #{number}", None, line))
                    continue
                ident = cells[id_pos].strip()
                values: dict[str, Value] = {}
                failed: list[str] = []
                for position, name, convert in plan:
                    cell = cells[position].strip()
                    if cell:
                        try:
                            values[name] = convert(cell)
                        except CellError as exc:
                            failed.append(name)
                            label = _label(kind, ident, number)
                            errors(RecordError(file, str(exc), label, name, line))
                missing = []
                if conditional or not values.keys() >= required:
                    missing = self._missing(values, failed)
                for name, message in missing:
                    errors(RecordError(file, message, _label(kind, ident, number), name, line))
                if not failed and not missing:
                    yield Record(kind, ident, values, source, line)

    def reread(self) -> Iterator[Record]:
        """The records again, for a table whose every row passed `records()`: the typed checks
        are not repeated, since the bytes read are proved (by their sha256, once the end is
        reached) to be those that were checked. Raises TableChanged when they are not."""
        kind, source = self.kind, self.index
        names = [spec.name for spec in self.columns]
        plan = self._reread_plan()
        width = len(names)
        id_pos = self._id_position()
        required, conditional = self._required_set, bool(kind.conditionals)
        try:
            raw = _HashingReader(self.source.path)
            buffered = io.BufferedReader(raw, _CHUNK)
            with io.TextIOWrapper(buffered, encoding="utf-8-sig", newline="") as handle:
                for line, _number, cells in self._rows(handle):
                    if len(cells) != width:
                        raise TableChanged
                    stripped = list(map(str.strip, cells))
                    values = _values(names, stripped)
                    for position, name, convert in plan:
                        cell = stripped[position]
                        if cell:
                            values[name] = convert(cell)
                    # What the mapping cannot do without: checked before, so only a changed
                    # file can lack it.
                    if (conditional or not values.keys() >= required) and self._missing(values, []):
                        raise TableChanged
                    yield Record(kind, stripped[id_pos], values, source, line)
                if raw.digest.hexdigest() != self.source.sha256:
                    raise TableChanged
        except (CellError, OSError, UnicodeDecodeError, csv.Error):
            raise TableChanged from None

    def _id_position(self) -> int:
        id_field = self.kind.id_field or "id"
        return next((n for n, spec in enumerate(self.columns) if spec.name == id_field), 0)


def _values(names: list[str], cells: list[str]) -> dict[str, Value]:
    """The non-empty cells by column name."""
    # zip's `strict` would cost more than the rest of this function; the row's width is checked.
    values: dict[str, Value] = dict(zip(names, cells))  # noqa: B905
    if "" in cells:  # rare in the big tables; building the dict at once is faster otherwise
        values = {name: cell for name, cell in values.items() if cell}
    return values


def _label(kind: Kind, ident: str, number: int) -> str:
    return f"{kind.key} {ident}" if ident else f"{kind.key} #{number}"
