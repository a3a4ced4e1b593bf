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
from dataclasses import dataclass, field

from loaders.index import StudyIndex
from loaders.mapping_extras import EXTRAS
from loaders.nquads import QuadSink, date_literal, datetime_literal, iri, literal
from loaders.records import Record
from loaders.spec import KINDS, FieldType, Kind
from loaders.summaries import ActSummaries
from loaders.terms import ACCESS, IDENTIFIER, IN_STUDY, LABEL, LEVEL_IRIS, TYPE
from loaders.vocab import VALUE_SETS

# Part of every graph's digest: bump it whenever the mapping's output changes.
MAPPING_VERSION = "cdkg-mapping/1"

Emit = Callable[[int, int, str, str, str], None]


@dataclass(frozen=True, slots=True)
class Step:
    """How one field becomes triples: `how` picks the branch in `Mapper.map`; `head` is the
    predicate term and a space, ready to be followed by the object."""

    name: str
    how: str  # "text", "date", "datetime", "iri", "enum", "ref", "refs"
    head: str
    refs: tuple[str, ...] = ()
    pairs: dict[str, str] = field(default_factory=dict)  # enum value -> its whole pair
    start: str = ""  # "ref": `head` and the start of the IRIs of the one kind it names
    known: dict[str, int] = field(default_factory=dict)  # "ref": that kind's ids -> levels


def _plan(kind: Kind, prefix: dict[str, str], levels: dict[str, dict[str, int]]) -> list[Step]:
    steps: list[Step] = []
    for spec in kind.fields:
        if spec.type is FieldType.ENUM:
            vs = VALUE_SETS[spec.values or ""]
            if vs.as_class or spec.predicate:
                predicate = TYPE if vs.as_class else iri(spec.predicate or "")
                pairs = {value: f"{predicate} {iri(target)}" for value, target in vs.values.items()}
                steps.append(Step(spec.name, "enum", f"{predicate} ", pairs=pairs))
            continue
        if spec.predicate is None or spec.type in (FieldType.ID, FieldType.NESTED):
            continue
        head = f"{iri(spec.predicate)} "
        if spec.type is FieldType.REF and len(spec.refs) == 1:
            target = spec.refs[0]
            start, known = f"{head}{prefix[target]}", levels[target]
            steps.append(Step(spec.name, "ref", head, spec.refs, start=start, known=known))
        elif spec.type is FieldType.REF:
            steps.append(Step(spec.name, "refs", head, spec.refs))
        elif spec.type is FieldType.DATE:
            steps.append(Step(spec.name, "date", head))
        elif spec.type is FieldType.DATETIME:
            steps.append(Step(spec.name, "datetime", head))
        elif spec.type is FieldType.IRI:
            steps.append(Step(spec.name, "iri", head))
        else:
            steps.append(Step(spec.name, "text", head))
    return steps


class Mapper:
    """Maps records into `sink`: each record node's own triples go as one `node` call (so the
    big tables cost one call a row, not one a triple), what `mapping_extras` adds as `emit`s."""

    def __init__(
        self,
        base: str,
        study_id: str,
        index: StudyIndex,
        sink: QuadSink,
        summaries: ActSummaries | None = None,
    ) -> None:
        self.base = base
        self.index = index
        self.emit: Emit = sink.emit
        self.write = sink.node
        self.summaries = summaries
        self.levels = index.levels
        self.prefix = {key: f"<{base}{kind.slug}/" for key, kind in KINDS.items()}
        self.study = self.node("study", study_id)
        self.plans = {key: _plan(kind, self.prefix, self.levels) for key, kind in KINDS.items()}
        self.type_pairs = {
            key: [f"{TYPE} {iri(c)}" for c in kind.classes] for key, kind in KINDS.items()
        }
        self.access_pairs = [f"{ACCESS} {level}" for level in LEVEL_IRIS]
        self.in_study_pair = f"{IN_STUDY} {self.study}"

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

    def common_pairs(self, rec: Record, label: str) -> list[str]:
        """The pairs every record node has, at the record's level."""
        ident = literal(rec.id)
        pairs = [
            f"{IDENTIFIER} {ident}",
            f"{LABEL} {ident if label == rec.id else literal(label)}",
            self.access_pairs[rec.level],
        ]
        if rec.kind.key != "study":
            pairs.append(self.in_study_pair)
        return pairs

    def common(self, rec: Record, s: str, label: str) -> None:
        """The triples every record node has; derived nodes call it too."""
        self.write(rec.source, rec.level, s, self.common_pairs(rec, label), {})

    def map(self, rec: Record) -> None:
        kind = rec.kind
        key = kind.key
        s = f"{self.prefix[key]}{rec.id}>"
        lvl, values = rec.level, rec.values
        label = values.get(kind.label_field or "")
        pairs = self.type_pairs[key] + self.common_pairs(
            rec, label if isinstance(label, str) else rec.id
        )
        raised: dict[int, int] = {}  # position in pairs -> level, for links above `lvl`
        for step in self.plans[key]:
            value = values.get(step.name)
            if value is None:
                continue
            how = step.how
            if how == "ref":
                known, start = step.known, step.start
                for ident in value if isinstance(value, list) else (str(value),):
                    other = known.get(ident, 0)
                    if other > lvl:
                        raised[len(pairs)] = other
                    pairs.append(f"{start}{ident}>")
            elif how == "refs":
                for ident in value if isinstance(value, list) else (str(value),):
                    node, other = self.ref(step.refs, ident)
                    if other > lvl:
                        raised[len(pairs)] = other
                    pairs.append(f"{step.head}{node}")
            elif how == "enum":
                for item in value if isinstance(value, list) else (str(value),):
                    pairs.append(step.pairs[item])
            elif isinstance(value, str):
                if how == "text":
                    obj = literal(value)
                elif how == "date":
                    obj = date_literal(value)
                elif how == "datetime":
                    obj = datetime_literal(value)
                else:
                    obj = iri(value)
                pairs.append(f"{step.head}{obj}")
        self.write(rec.source, lvl, s, pairs, raised)
        extra = EXTRAS.get(key)
        if extra is not None:
            extra(self, rec, s)
