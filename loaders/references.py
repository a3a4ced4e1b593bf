"""Every id a record uses must name a record of the right kind; some facts need several records.

These checks run on every record, the big tables included, just before it is mapped. The checks
on acts and overrides are the code twins of the qc queries that need table rows
(`queries/qc/act-*-violation.rq`, `override-reviewer-not-qa-violation.rq`): those queries run
on the decision layer only, where no act is, so the code must catch what they would.
"""

from __future__ import annotations

from collections.abc import Callable

from loaders.errors import RecordError
from loaders.index import StudyIndex
from loaders.records import Record, Value
from loaders.spec import KINDS, FieldType

Report = Callable[[RecordError], None]

_REF_FIELDS = {
    key: [(spec.name, spec.refs) for spec in kind.fields if spec.type is FieldType.REF]
    for key, kind in KINDS.items()
}


class ReferenceChecker:
    def __init__(self, index: StudyIndex) -> None:
        self.index = index
        self.version_categories = index.version_categories
        self.overrides = index.overrides
        self.projects = index.records["projects"]
        self.act_projects: dict[str, str] = {}  # overridden act -> its project
        self.qa_periods = _qa_periods(index)
        self.within = _organisation_closure(index)
        # kind -> (field, kinds it may name, the ids of that kind when it names just one):
        # looked up once here rather than for each of the big tables' rows.
        self._fields = {
            key: [
                (name, refs, index.levels[refs[0]] if len(refs) == 1 else None)
                for name, refs in fields
            ]
            for key, fields in _REF_FIELDS.items()
        }
        # project -> (taxonomy versions it declares, start, end)
        self._periods = {
            ident: (rec.listed("taxonomy_versions"), rec.text("start"), rec.text("end"))
            for ident, rec in self.projects.items()
        }
        self._special: dict[str, Callable[[Record, str, Report], bool]] = {
            "acts": self._act,
            "overrides": self._override,
            "objections": self._objection,
        }

    def check(self, rec: Record, file: str, report: Report) -> bool:
        """Report every problem of `rec`; True when there is none."""
        values = rec.values
        ok = True
        for name, refs, known in self._fields[rec.kind.key]:
            value = values.get(name)
            if value is None:
                continue
            if known is not None and isinstance(value, str) and value in known:
                continue  # the usual case, settled without the general loop below
            ok = self._resolves(rec, name, refs, value, file, report) and ok
        special = self._special.get(rec.kind.key)
        if ok and special is not None:
            ok = special(rec, file, report)
        return ok

    def _resolves(
        self, rec: Record, name: str, refs: tuple[str, ...], value: Value, file: str, report: Report
    ) -> bool:
        """Report each id of the field `name` that does not name a record of `refs`."""
        index = self.index
        ok = True
        items = value if isinstance(value, list) else [value]
        for position, ident in enumerate(items):
            assert isinstance(ident, str)
            if len(refs) == 1:
                if ident in index.levels[refs[0]]:
                    continue
                problem = index.missing(refs, ident)
            else:
                found, problem = index.resolve(refs, ident)
                if found is not None:
                    continue
            ok = False
            at = position if isinstance(value, list) else None
            report(RecordError(file, problem, rec.label, name, rec.line_of(name, at)))
        return ok

    def _act(self, rec: Record, file: str, report: Report) -> bool:
        values = rec.values
        category, version = str(values["category"]), str(values["version"])
        project_id, day = str(values["project"]), str(values["time"])[:10]
        problems: list[tuple[str, str]] = []
        if category not in self.version_categories.get(version, ()):
            problems.append(
                (
                    "category",
                    f'category "{category}" is not in taxonomy version "{version}" '
                    "(an act can only use a category of the version it names)",
                )
            )
        declared, start, end = self._periods[project_id]
        if declared and version not in declared:
            problems.append(
                (
                    "version",
                    f'taxonomy version "{version}" is not one of the versions project '
                    f'"{project_id}" uses ({", ".join(declared)})',
                )
            )
        if (start is not None and day < start) or (end is not None and day > end):
            problems.append(
                (
                    "time",
                    f'the act is dated {day}, outside the period of project "{project_id}" '
                    f"({start or 'open'} to {end or 'open'})",
                )
            )
        for name, message in problems:
            report(RecordError(file, message, rec.label, name, rec.line_of(name)))
        if rec.id in self.overrides:
            self.act_projects[rec.id] = project_id
        return not problems

    def _override(self, rec: Record, file: str, report: Report) -> bool:
        problem = self._justification(rec)
        if problem is not None:
            line = rec.line_of("justified_by")
            report(RecordError(file, problem, rec.label, "justified_by", line))
            return False
        project_id = self.act_projects.get(rec.id)
        if project_id is None:  # the act itself was reported
            return True
        vendor = str(self.projects[project_id].values["vendor"])
        reviewer, day = str(rec.values["reviewer"]), str(rec.values["time"])[:10]
        for organization, start, end in self.qa_periods.get(reviewer, ()):
            inside = vendor in self.within.get(organization, {organization})
            if inside and start <= day and (end is None or day <= end):
                return True
        report(
            RecordError(
                file,
                f'on {day} "{reviewer}" had no qa_reviewer membership in "{vendor}" (the '
                f'vendor of project "{project_id}") or one of its parts; an override needs one',
                rec.label,
                "reviewer",
                rec.line_of("reviewer"),
            )
        )
        return False

    def _justification(self, rec: Record) -> str | None:
        """What the override shape says: the justification type and justified_by agree."""
        kind = str(rec.values["justification"])
        source = rec.text("justified_by")
        if source is None:
            return None  # required unless `none`: the typed checks said so already
        if kind == "none":
            return f'"{source}" given, but justification is none; leave justified_by out'
        found = self.index.resolve(("rules", "documents"), source)[0]
        documents = self.index.records["documents"]
        if kind == "rule" and found != "rules":
            return f'justification is rule, so justified_by must be a rule id, not "{source}"'
        if kind in ("document", "gold_set") and found != "documents":
            return f'justification is {kind}, so justified_by must be a document id, not "{source}"'
        if kind == "gold_set" and documents[source].values["type"] != "gold_set":
            return f'justification is gold_set, but document "{source}" is not of type gold_set'
        return None

    def _objection(self, rec: Record, file: str, report: Report) -> bool:
        target = str(rec.values["concerns"])
        kinds = ("categories", "rules", "acts", "versions")
        if self.index.resolve(kinds, target)[0] != "acts" or target in self.index.overrides:
            return True
        report(
            RecordError(
                file,
                f'act "{target}" has no override; an objection names an act to object to '
                "its override",
                rec.label,
                "concerns",
                rec.line_of("concerns"),
            )
        )
        return False


def _qa_periods(index: StudyIndex) -> dict[str, list[tuple[str, str, str | None]]]:
    """person -> (organization, from, to) of each qa_reviewer membership."""
    periods: dict[str, list[tuple[str, str, str | None]]] = {}
    for rec in index.records["memberships"].values():
        if rec.values["role"] == "qa_reviewer":
            entry = (str(rec.values["organization"]), str(rec.values["from"]), rec.text("to"))
            periods.setdefault(str(rec.values["person"]), []).append(entry)
    return periods


def _organisation_closure(index: StudyIndex) -> dict[str, set[str]]:
    """organization -> itself and every organization it is (transitively) part of."""
    parent = {ident: rec.text("part_of") for ident, rec in index.records["organizations"].items()}
    closure: dict[str, set[str]] = {}
    for ident in parent:
        seen = {ident}
        step = parent.get(ident)
        while step is not None and step not in seen:
            seen.add(step)
            step = parent.get(step)
        closure[ident] = seen
    return closure
