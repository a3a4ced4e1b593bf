"""Find a study's files, parse and schema-check the YAML/JSON ones, open the CSV tables."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from loaders.csv_table import CsvTable, hash_and_check_utf8
from loaders.documents import DocumentError, LineDict, decode_utf8, parse_json, parse_yaml
from loaders.errors import ErrorList, RecordError
from loaders.records import Record, Source, records_from_document, unencodable_fields
from loaders.schema_check import check_document
from loaders.spec import CSV_KINDS, KINDS

EXTENSIONS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv"}
_SLUG_UNSAFE = re.compile(r"[/.]")


@dataclass
class StudyFiles:
    sources: list[Source]
    records: list[Record]  # from YAML/JSON files, parents before their nested records
    tables: list[CsvTable]


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")


def discover(paths: Sequence[Path], errors: ErrorList) -> list[tuple[Path, str]]:
    """(resolved path, path as given) of every record file under `paths`, without duplicates."""
    found: dict[Path, str] = {}
    for given in paths:
        if not given.exists():
            errors.add(RecordError(str(given), "no such file or folder"))
        elif given.is_dir():
            for folder, subfolders, files in os.walk(given):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                for name in sorted(files):
                    path = Path(folder) / name
                    if not _hidden(path) and path.suffix.lower() in EXTENSIONS:
                        found.setdefault(path.resolve(), str(path))
        elif given.suffix.lower() in EXTENSIONS:
            found.setdefault(given.resolve(), str(given))
        else:
            errors.add(
                RecordError(str(given), "not a record file: expected .yaml, .yml, .json or .csv")
            )
    if not found and not errors:
        listed = ", ".join(str(p) for p in paths) or "(nothing given)"
        errors.add(RecordError(listed, "no record files (.yaml, .yml, .json, .csv) found"))
    return sorted(found.items(), key=lambda item: item[0].as_posix())


def source_slug(rel: str) -> str:
    return quote(_SLUG_UNSAFE.sub("-", rel), safe="-_~")


def read_study(
    paths: Sequence[Path], errors: ErrorList, progress: Callable[[int, int], None]
) -> StudyFiles:
    files = discover(paths, errors)
    root = Path(os.path.commonpath([p.parent for p, _ in files])) if files else Path()
    study = StudyFiles([], [], [])
    slugs: dict[str, str] = {}
    for number, (path, display) in enumerate(files):
        rel = path.relative_to(root).as_posix()
        fmt = EXTENSIONS[path.suffix.lower()]
        slug = source_slug(rel)
        if slug in slugs:
            errors.add(
                RecordError(
                    display,
                    f"this file and {slugs[slug]} get the same source name {slug!r} "
                    "('/' and '.' both become '-'); rename one of them",
                )
            )
            continue
        slugs[slug] = display
        try:
            if fmt == "csv":
                _open_table(study, path, display, rel, slug, errors)
            else:
                _read_document(study, path, display, rel, fmt, slug, errors)
        except DocumentError as exc:
            errors.add(RecordError(display, exc.message, line=exc.line))
        except OSError as exc:
            errors.add(RecordError(display, f"cannot read the file: {exc.strerror or exc}"))
        progress(number + 1, len(files))
    return study


def _open_table(
    study: StudyFiles, path: Path, display: str, rel: str, slug: str, errors: ErrorList
) -> None:
    kind_key = path.stem
    if path.suffix != ".csv" or kind_key not in CSV_KINDS:
        names = ", ".join(f"{k}.csv" for k in CSV_KINDS)
        errors.add(RecordError(display, f"a CSV table must be named after its records: {names}"))
        return
    sha = hash_and_check_utf8(str(path))
    source = Source(path, display, rel, "csv", sha, slug)
    table = CsvTable(source, len(study.sources), KINDS[kind_key])
    study.sources.append(source)
    for error in table.header_errors:
        errors.add(error)
    if not table.header_errors:
        study.tables.append(table)


def _read_document(
    study: StudyFiles,
    path: Path,
    display: str,
    rel: str,
    fmt: str,
    slug: str,
    errors: ErrorList,
) -> None:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    text = decode_utf8(data)
    doc = parse_yaml(text) if fmt == "yaml" else parse_json(text)
    problems = check_document(doc, display)
    for problem in problems:
        errors.add(problem)
    source = Source(path, display, rel, fmt, sha, slug)
    study.sources.append(source)
    if problems or not isinstance(doc, LineDict):
        return
    records = records_from_document(doc, len(study.sources) - 1)
    for record in records:
        for name in unencodable_fields(record):
            errors.add(
                RecordError(
                    display,
                    "the text holds an invalid character (a lone UTF-16 surrogate)",
                    record.label,
                    name,
                    record.line_of(name),
                )
            )
    study.records.extend(records)
