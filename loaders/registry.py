"""Build the study's index: one study record, unique ids, agent ids, effective access levels.

The CSV tables are read here once (typed checks, ids, levels) and a second time by the mapping,
which does not repeat the typed checks (`CsvTable.reread`); reading twice costs less than keeping
200,000 rows in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from loaders.errors import ErrorList, RecordError
from loaders.index import LEVEL_OF, PUBLIC, StudyIndex, declared_level, latest_consent
from loaders.reading import StudyFiles
from loaders.records import Record

PROGRESS_EVERY = 20_000


def find_study(files: StudyFiles, where: str, errors: ErrorList) -> Record | None:
    studies = [r for r in files.records if r.kind.single]
    if not studies:
        if not errors:
            errors.add(
                RecordError(where, "no file holds the `study` record (id, title, base, ...)")
            )
        return None
    first = studies[0]
    for extra in studies[1:]:
        errors.add(
            RecordError(
                _file(files, extra),
                f"a second `study` record; the study is already defined at {_at(files, first)} "
                "and exactly one file may hold it",
                extra.label,
                line=extra.line,
            )
        )
    return first


def _file(files: StudyFiles, rec: Record) -> str:
    return files.sources[rec.source].display


def _at(files: StudyFiles, rec: Record) -> str:
    return f"{_file(files, rec)}:{rec.line}"


def build_index(
    files: StudyFiles,
    study: Record,
    errors: ErrorList,
    progress: Callable[[int, int | None], None],
) -> StudyIndex:
    index = StudyIndex(LEVEL_OF[str(study.values["default_access"])])
    _register_records(files, index, errors)
    _register_tables(files, index, errors, progress)
    _check_agents(files, index, errors)
    return index


def _register_records(files: StudyFiles, index: StudyIndex, errors: ErrorList) -> None:
    consent: dict[str, list[Record]] = {}
    for rec in files.records:
        key = rec.kind.key
        if rec.kind.id_field is None:
            assert rec.parent is not None
            consent.setdefault(rec.parent.id, []).append(rec)
            continue
        first = index.records[key].setdefault(rec.id, rec)
        if first is not rec:
            errors.add(_duplicate(files, rec, f"at {_at(files, first)}"))
        if key == "interviews":
            index.interviewees[rec.id] = rec.listed("interviewees")
        elif key == "versions":
            index.version_categories[rec.id] = set(rec.listed("categories"))
        elif key == "data_items":
            index.item_dataset.setdefault(rec.id, str(rec.values["dataset"]))
    for person, entries in consent.items():
        status, withdrawn_on = latest_consent(entries)
        index.consent[person] = (status, withdrawn_on)
        if status == "withdrawn":
            index.withdrawn.add(person)
    for rec in files.records:
        if rec.kind.single:
            rec.level = declared_level(rec, PUBLIC)
        else:
            inherited = rec.parent.level if rec.parent else index.default_level
            rec.level = declared_level(rec, inherited)
        if rec.kind.key == "evidence":
            rec.level = index.evidence_level(rec.level, rec.text("speaker"), rec.text("interview"))
        if rec.kind.id_field is not None and index.records[rec.kind.key][rec.id] is rec:
            index.levels[rec.kind.key][rec.id] = rec.level
            if rec.kind.key == "overrides":
                index.overrides[rec.id] = (str(rec.values["category"]), rec.level)


def _duplicate(files: StudyFiles, rec: Record, first: str) -> RecordError:
    kind = rec.kind
    if kind.key == "overrides":
        message = f'act "{rec.id}" already has an override ({first}); an act has at most one'
        name = "act"
    else:
        message = (
            f'duplicate id: {kind.noun} "{rec.id}" is already defined {first}; '
            f"ids must be unique within a kind"
        )
        name = "id"
    return RecordError(_file(files, rec), message, rec.label, name, rec.line_of(name))


def _register_tables(
    files: StudyFiles,
    index: StudyIndex,
    errors: ErrorList,
    progress: Callable[[int, int | None], None],
) -> None:
    done = 0
    repeated: list[Record] = []  # ids met before in a CSV table: located after the pass
    for table in files.tables:
        key = table.kind.key
        levels = index.levels[key]
        in_files = index.records[key]
        overrides = index.overrides if key == "overrides" else None
        datasets = index.item_dataset if key == "data_items" else None
        evidence = key == "evidence"
        default = index.default_level
        for rec in table.records(errors.add):
            if rec.id in levels:
                first = in_files.get(rec.id)
                if first is None:
                    repeated.append(rec)
                else:
                    errors.add(_duplicate(files, rec, f"at {_at(files, first)}"))
                continue
            access = rec.values.get("access")
            level = LEVEL_OF[access] if isinstance(access, str) else default
            if evidence:
                level = index.evidence_level(level, rec.text("speaker"), rec.text("interview"))
            levels[rec.id] = level
            if overrides is not None:
                overrides[rec.id] = (str(rec.values["category"]), level)
            elif datasets is not None:
                datasets[rec.id] = str(rec.values["dataset"])
            done += 1
            if done % PROGRESS_EVERY == 0:
                progress(done, None)
            if errors.full:
                return
    if repeated:
        _report_repeated(files, repeated, errors)
    progress(done, done)


def _report_repeated(files: StudyFiles, repeated: list[Record], errors: ErrorList) -> None:
    """Name where each repeated CSV id was first defined; one more pass, only when needed."""
    wanted = {(rec.kind.key, rec.id) for rec in repeated}
    first: dict[tuple[str, str], str] = {}
    for table in files.tables:
        if all(kind != table.kind.key for kind, _ in wanted):
            continue
        for rec in table.records(lambda _error: None):
            key = (rec.kind.key, rec.id)
            if key in wanted and key not in first:
                first[key] = f"at {table.source.display}:{rec.line}"
    for rec in repeated:
        errors.add(_duplicate(files, rec, first.get((rec.kind.key, rec.id), "earlier")))


def _check_agents(files: StudyFiles, index: StudyIndex, errors: ErrorList) -> None:
    people = index.records["persons"]
    for ident, org in index.records["organizations"].items():
        person = people.get(ident)
        if person is None:
            continue
        first, second = sorted((person, org), key=lambda r: (r.source, r.line or 0))
        errors.add(
            RecordError(
                _file(files, second),
                f'"{ident}" is defined both as a person and as an organization (also at '
                f"{_at(files, first)}); an agent id must name exactly one of them",
                second.label,
                "id",
                second.line_of("id"),
            )
        )
