"""prepare(): read, check and map a study into an N-Quads file; publish(): put it in the store.

Stages, each stopping the load when it finds problems: parse and schema (`loaders.reading`),
ids and levels (`loaders.registry`), references and row checks while mapping
(`loaders.references`, `loaders.mapping`), SHACL on the decision layer (`loaders.shacl`), the qc
queries (`loaders.qc`). Nothing reaches the store until every stage has passed, and the store
side (`app.store.catalogue.publish_study`) switches the study's graphs in one step.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from pyoxigraph import NamedNode, RdfFormat, parse

from app.store.base import AccessLevel, GraphStore
from app.store.catalogue import GraphEntry, PublishOutcome, SourceEntry, publish_study
from loaders.csv_table import TableChanged
from loaders.errors import ErrorList, RecordError
from loaders.index import StudyIndex
from loaders.mapping import MAPPING_VERSION, Mapper
from loaders.nodes import NodeLocator
from loaders.nquads import DecisionQuads, GraphNames, QuadFile
from loaders.qc import qc_errors, qc_queries
from loaders.reading import StudyFiles, read_study
from loaders.records import Record
from loaders.references import ReferenceChecker
from loaders.registry import build_index, find_study
from loaders.shacl import shacl_errors
from loaders.spec import CSV_KINDS, KINDS
from loaders.summaries import ActSummaries
from loaders.terms import TYPE
from loaders.vocab import ACCESS_LEVELS

ProgressCallback = Callable[[str, int, int | None], None]

REPO = Path(__file__).resolve().parent.parent
SHAPES = REPO / "ontology" / "shapes.ttl"
QC_DIR = REPO / "queries" / "qc"
PROGRESS_EVERY = 20_000
MEGABYTE = 1_000_000
CHANGED = "the file changed while the study was being loaded; load it again"
# The classes of the big tables' records, which SHACL sees only as stand-ins (loaders.shacl).
STAND_INS = tuple(KINDS[key].classes[0] for key in CSV_KINDS)


@dataclass
class PreparedLoad:
    """A validated, mapped study; nothing written yet. `close()` deletes the N-Quads file."""

    study_id: str
    study_iri: str
    base: str
    sources: list[SourceEntry]
    nquads_path: Path
    counts: dict[str, int]
    triples: int

    def close(self) -> None:
        self.nquads_path.unlink(missing_ok=True)

    def __enter__(self) -> PreparedLoad:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


def prepare(
    paths: Sequence[Path],
    *,
    progress: ProgressCallback | None = None,
    shapes: Path = SHAPES,
    qc_dir: Path = QC_DIR,
) -> PreparedLoad:
    """Check and map the study in `paths` (files or folders); raises LoadError listing every
    problem found, in which case nothing is left behind."""
    report = progress or _quiet
    errors = ErrorList()
    files = read_study(list(paths), errors, lambda done, total: report("read", done, total))
    errors.raise_if_any()
    study = find_study(files, ", ".join(str(p) for p in paths) or ".", errors)
    errors.raise_if_any()
    assert study is not None
    base = _checked_iris(files, study, errors)
    index = build_index(files, study, errors, lambda done, total: report("check", done, total))
    errors.raise_if_any()
    if not shapes.is_file():
        errors.add(RecordError(str(shapes), "the SHACL shapes file is missing"))
    if not qc_dir.is_dir():
        errors.add(RecordError(str(qc_dir), "the folder of qc queries is missing"))
    errors.raise_if_any()
    return _map_and_validate(files, study, base, index, errors, report, shapes, qc_dir)


def _checked_iris(files: StudyFiles, study: Record, errors: ErrorList) -> str:
    """pyoxigraph's IRI parser is stricter than the schema's pattern; ask it too."""
    base = str(study.values["base"])
    for name, value in (("base", base + "x"), ("license", str(study.values["license"]))):
        try:
            NamedNode(value)
        except ValueError as exc:
            errors.add(
                RecordError(
                    files.sources[study.source].display,
                    f"not a valid IRI: {exc}",
                    study.label,
                    name,
                    study.line_of(name),
                )
            )
    return base


def _graph_names(files: StudyFiles, base: str) -> GraphNames:
    shas = "\n".join(sorted(source.sha256 for source in files.sources))
    digest = hashlib.sha256(f"{MAPPING_VERSION}\n{shas}".encode()).hexdigest()[:16]
    return GraphNames(
        [
            [f"{base}graph/{source.slug}/{level}/{digest}" for level in ACCESS_LEVELS]
            for source in files.sources
        ]
    )


def _map_and_validate(
    files: StudyFiles,
    study: Record,
    base: str,
    index: StudyIndex,
    errors: ErrorList,
    report: ProgressCallback,
    shapes: Path,
    qc_dir: Path,
) -> PreparedLoad:
    graphs = _graph_names(files, base)
    counts = [[0, 0, 0] for _ in files.sources]
    decision = DecisionQuads(graphs)
    checker = ReferenceChecker(index)
    locator = NodeLocator(files.sources, files.sources[study.source].display)
    mapper = Mapper(base, study.id, index, decision)
    kinds: Counter[str] = Counter()
    for rec in files.records:
        if rec.kind.id_field is not None:
            kinds[rec.kind.key] += 1
        if rec.kind.csv:
            continue
        if checker.check(rec, files.sources[rec.source].display, errors.add):
            mapper.map(rec)
        locator.add(mapper.node(rec.kind.key, rec.id), rec)
        if rec.kind.key == "proposals":
            locator.add(mapper.derived("excluded-category", rec.id), rec, "excluded")
    handle, name = tempfile.mkstemp(prefix="cdkg-load-", suffix=".nq")
    path = Path(name)
    try:
        with open(handle, "w", encoding="utf-8", newline="\n") as out:
            written = QuadFile(out, graphs, counts)
            summaries = ActSummaries(base, mapper.node, mapper.level)
            big = Mapper(base, study.id, index, written, summaries)
            _map_tables(files, index, checker, big, errors, kinds, report)
            errors.raise_if_any()
            summaries.write(written.emit, index.item_dataset)
            written.flush()
            layer = "".join(decision.lines())
            out.write(layer)
        decision.count(counts)
        report("validate", 0, 2)
        # Parsed once, for both checks: SHACL gets the decision layer and the stand-ins, the qc
        # queries the decision layer alone.
        quads = list(parse(input=layer, format=RdfFormat.N_QUADS))
        stand_ins = list(parse(input=_stubs(decision, mapper), format=RdfFormat.N_TRIPLES))
        focus = [s[1:-1] for s in decision.subjects()]
        for error in shacl_errors([*quads, *stand_ins], focus, shapes, locator, STAND_INS):
            errors.add(error)
        errors.raise_if_any()
        report("validate", 1, 2)
        for error in qc_errors(quads, qc_queries(qc_dir), locator):
            errors.add(error)
        errors.raise_if_any()
        report("validate", 2, 2)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    entries = _source_entries(files, graphs, counts, base)
    return PreparedLoad(
        study.id,
        mapper.study[1:-1],
        base,
        entries,
        path,
        dict(sorted(kinds.items())),
        sum(sum(levels) for levels in counts),
    )


def _map_tables(
    files: StudyFiles,
    index: StudyIndex,
    checker: ReferenceChecker,
    mapper: Mapper,
    errors: ErrorList,
    kinds: Counter[str],
    report: ProgressCallback,
) -> None:
    """Check and map the big tables' records, acts before overrides (an override's check needs
    its act's project), YAML/JSON lists before CSV rows."""
    total = sum(len(index.levels[key]) for key in CSV_KINDS)
    done = 0
    for key in CSV_KINDS:
        levels = index.levels[key]
        for rec in files.records:
            if rec.kind.key == key:
                if checker.check(rec, files.sources[rec.source].display, errors.add):
                    mapper.map(rec)
                done += 1
        for table in files.tables:
            if table.kind.key != key:
                continue
            display = table.source.display
            try:
                # Every row passed the typed checks when the index was built: read them again
                # without repeating those (`CsvTable.reread` proves the file is the same).
                for rec in table.reread():
                    level = levels.get(rec.id)
                    if level is None:  # a row the first reading did not see
                        raise TableChanged
                    rec.level = level
                    if checker.check(rec, display, errors.add):
                        mapper.map(rec)
                    kinds[key] += 1
                    done += 1
                    if done % PROGRESS_EVERY == 0:
                        report("map", done, total)
                    if errors.full:
                        return
            except TableChanged:
                errors.add(RecordError(display, CHANGED))
                return
    report("map", done, total)


def _stubs(decision: DecisionQuads, mapper: Mapper) -> str:
    """Type triples for the table records the decision layer links to (see loaders.shacl)."""
    prefixes = [
        (mapper.prefix[key], f"<{cls}>") for key, cls in zip(CSV_KINDS, STAND_INS, strict=True)
    ]
    lines: dict[str, None] = {}
    for o in decision.objects():
        for prefix, cls in prefixes:
            if o.startswith(prefix):
                lines[f"{o} {TYPE} {cls} .\n"] = None
    return "".join(lines)


def _source_entries(
    files: StudyFiles, graphs: GraphNames, counts: list[list[int]], base: str
) -> list[SourceEntry]:
    entries: list[SourceEntry] = []
    for n, source in enumerate(files.sources):
        found = tuple(
            GraphEntry(graphs.iris[n][level], AccessLevel(level), counts[n][level])
            for level in range(len(ACCESS_LEVELS))
            if counts[n][level]
        )
        iri = f"{base}source/{source.slug}"
        entries.append(SourceEntry(iri, source.rel, source.sha256, found))
    return entries


def publish(
    prepared: PreparedLoad,
    store: GraphStore,
    *,
    loaded_at: datetime | None = None,
    progress: ProgressCallback | None = None,
) -> PublishOutcome:
    """Make the prepared study the store's content for its study IRI, all at once.

    `progress` hears stage "write" in megabytes of N-Quads the store has taken: on a large
    study writing takes longer than every check before it.
    """
    moment = loaded_at or datetime.now(UTC)
    report = progress or _quiet
    total = -(-prepared.nquads_path.stat().st_size // MEGABYTE)
    report("write", 0, total)

    def written(loaded: int) -> None:
        report("write", loaded // MEGABYTE, total)

    with prepared.nquads_path.open("rb") as nquads:
        outcome = publish_study(
            store, prepared.study_iri, prepared.sources, nquads, moment, written
        )
    report("write", total, total)
    return outcome
