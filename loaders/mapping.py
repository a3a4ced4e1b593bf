"""Records -> quads, exactly as docs/model.md says: a pure function of the records and the index.

Every record gives its node's common triples (types, identifier, label, access level, study) and
one triple per field that has a predicate in `loaders.spec`; what is particular to one kind
(derived nodes, shortcuts, links to the enclosing record) is in `loaders.mapping_extras`.

A triple goes to the graph of the source file of the record that states it, at the highest
access level among that record, its subject and its object (when the object is a record of the
study), so nothing links a public node to a restricted one in a public graph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loaders.index import StudyIndex
from loaders.mapping_extras import EXTRAS
from loaders.nquads import date_literal, datetime_literal, iri, literal
from loaders.records import Record
from loaders.spec import KINDS, FieldType, Kind
from loaders.summaries import ActSummaries
from loaders.terms import ACCESS, IDENTIFIER, IN_STUDY, LABEL, LEVEL_IRIS, TYPE
from loaders.vocab import VALUE_SETS

# Part of every graph's digest: bump it whenever the mapping's output changes.
MAPPING_VERSION = "cdkg-mapping/1"

Emit = Callable[[int, int, str, str, str], None]


@dataclass(frozen=True)
class Step:
    """How one field becomes triples: `how` picks the branch in `Mapper.map`."""

    name: str
    how: str  # "text", "date", "datetime", "iri", "enum", "ref", "refs"
    predicate: str
    refs: tuple[str, ...] = ()
    values: dict[str, str] | None = None


def _plan(kind: Kind) -> list[Step]:
    steps: list[Step] = []
    for spec in kind.fields:
        if spec.type is FieldType.ENUM:
            vs = VALUE_SETS[spec.values or ""]
            if vs.as_class or spec.predicate:
                predicate = TYPE if vs.as_class else iri(spec.predicate or "")
                values = {value: iri(target) for value, target in vs.values.items()}
                steps.append(Step(spec.name, "enum", predicate, values=values))
            continue
        if spec.predicate is None or spec.type in (FieldType.ID, FieldType.NESTED):
            continue
        predicate = iri(spec.predicate)
        if spec.type is FieldType.REF:
            how = "ref" if len(spec.refs) == 1 else "refs"
            steps.append(Step(spec.name, how, predicate, spec.refs))
        elif spec.type is FieldType.DATE:
            steps.append(Step(spec.name, "date", predicate))
        elif spec.type is FieldType.DATETIME:
            steps.append(Step(spec.name, "datetime", predicate))
        elif spec.type is FieldType.IRI:
            steps.append(Step(spec.name, "iri", predicate))
        else:
            steps.append(Step(spec.name, "text", predicate))
    return steps


class Mapper:
    def __init__(
        self,
        base: str,
        study_id: str,
        index: StudyIndex,
        emit: Emit,
        summaries: ActSummaries | None = None,
    ) -> None:
        self.base = base
        self.index = index
        self.emit = emit
        self.summaries = summaries
        self.levels = index.levels
        self.prefix = {key: f"<{base}{kind.slug}/" for key, kind in KINDS.items()}
        self.study = self.node("study", study_id)
        self.plans = {key: _plan(kind) for key, kind in KINDS.items()}
        self.classes = {key: [iri(c) for c in kind.classes] for key, kind in KINDS.items()}

    def node(self, kind: str, ident: str) -> str:
        return f"{self.prefix[kind]}{ident}>"

    def derived(self, slug: str, ident: str) -> str:
        return f"<{self.base}{slug}/{ident}>"

    def level(self, kind: str, ident: str) -> int:
        return self.levels[kind].get(ident, 0)

    def ref(self, refs: tuple[str, ...], ident: str) -> tuple[str, int]:
        """The node a (checked) reference names, and that record's level."""
        kind = refs[0] if len(refs) == 1 else self.index.resolve(refs, ident)[0] or refs[0]
        return self.node(kind, ident), self.levels[kind].get(ident, 0)

    def common(self, rec: Record, s: str, label: str) -> None:
        """The triples every record node has; derived nodes call it too."""
        emit, src, lvl = self.emit, rec.source, rec.level
        emit(src, lvl, s, IDENTIFIER, literal(rec.id))
        emit(src, lvl, s, LABEL, literal(label))
        emit(src, lvl, s, ACCESS, LEVEL_IRIS[lvl])
        if rec.kind.key != "study":
            emit(src, lvl, s, IN_STUDY, self.study)

    def map(self, rec: Record) -> None:
        kind = rec.kind
        key = kind.key
        s = self.node(key, rec.id)
        emit, src, lvl, values = self.emit, rec.source, rec.level, rec.values
        for cls in self.classes[key]:
            emit(src, lvl, s, TYPE, cls)
        label = values.get(kind.label_field or "")
        self.common(rec, s, label if isinstance(label, str) else rec.id)
        levels = self.levels
        for step in self.plans[key]:
            value = values.get(step.name)
            if value is None:
                continue
            how = step.how
            items = value if isinstance(value, list) else [str(value)]
            if how == "ref":
                target = step.refs[0]
                found = levels[target]
                prefix = self.prefix[target]
                for ident in items:
                    other = found.get(ident, 0)
                    emit(src, other if other > lvl else lvl, s, step.predicate, f"{prefix}{ident}>")
            elif how == "refs":
                for ident in items:
                    node, other = self.ref(step.refs, ident)
                    emit(src, max(lvl, other), s, step.predicate, node)
            elif how == "enum":
                table = step.values or {}
                for item in items:
                    emit(src, lvl, s, step.predicate, table[item])
            elif isinstance(value, str):
                if how == "text":
                    obj = literal(value)
                elif how == "date":
                    obj = date_literal(value)
                elif how == "datetime":
                    obj = datetime_literal(value)
                else:
                    obj = iri(value)
                emit(src, lvl, s, step.predicate, obj)
        extra = EXTRAS.get(key)
        if extra is not None:
            extra(self, rec, s)
