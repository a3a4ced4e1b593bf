"""Count summaries over classification acts, gathered while the acts stream past (docs/model.md,
"Summaries written at load time").

A summary counts the acts of one access level: the highest level among the act and the records
the summary names (annotator, project, category; item and dataset for final labels). That is the
level of the act's own triples linking to those records, so a reader who adds up the summaries
they can see gets the count of the acts they can see, and no summary links a visible node to a
hidden one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from loaders.nquads import iri
from loaders.records import Record
from loaders.terms import TYPE, cdo
from loaders.vocab import ACCESS_LEVELS, XSD

Emit = Callable[[int, int, str, str, str], None]
Level = Callable[[str, str], int]

_INTEGER = f"^^<{XSD}integer>"


def _count(n: int) -> str:
    return f'"{n}"{_INTEGER}'


class ActSummaries:
    """Counts gathered per act level; the levels of the records a summary names are only looked
    up when writing, once per summary instead of once per act."""

    def __init__(self, base: str, node: Callable[[str, str], str], level: Level) -> None:
        self.base = base
        self.node = node
        self.level = level
        self.source: int | None = None  # the first source holding acts: summaries live there
        # (act level, annotator, project, category) -> [acts, overridden]
        self.applied: defaultdict[tuple[int, str, str, str], list[int]] = defaultdict(
            lambda: [0, 0]
        )
        # (act level, annotator) -> [acts, overridden]
        self.by_annotator: defaultdict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        # item -> (time, act id, final category, act level): the item's latest act
        self.latest: dict[str, tuple[str, str, str, int]] = {}

    def add(self, act: Record, final: str, overridden: bool) -> None:
        values = act.values
        annotator, project = str(values["annotator"]), str(values["project"])
        category, item = str(values["category"]), str(values["item"])
        if self.source is None or act.source < self.source:
            self.source = act.source
        counts = self.applied[(act.level, annotator, project, category)]
        counts[0] += 1
        counts[1] += overridden
        mine = self.by_annotator[(act.level, annotator)]
        mine[0] += 1
        mine[1] += overridden
        moment = str(values["time"])
        current = self.latest.get(item)
        if current is None or (moment, act.id) > current[:2]:
            self.latest[item] = (moment, act.id, final, act.level)

    def write(self, emit: Emit, item_dataset: dict[str, str]) -> None:
        if self.source is None:
            return
        self._write_applied(emit, self.source)
        self._write_final(emit, self.source, item_dataset)
        self._write_overrides(emit, self.source)

    def _write_applied(self, emit: Emit, src: int) -> None:
        level, node = self.level, self.node
        applied: defaultdict[tuple[int, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for (act_level, annotator, project, category), (acts, overridden) in self.applied.items():
            lvl = max(
                act_level,
                level("persons", annotator),
                level("projects", project),
                level("categories", category),
            )
            counts = applied[(lvl, annotator, project, category)]
            counts[0] += acts
            counts[1] += overridden
        for (lvl, annotator, project, category), (acts, overridden) in sorted(applied.items()):
            s = self._summary("applied", lvl, annotator, project, category)
            emit(src, lvl, s, TYPE, cdo("ApplicationSummary"))
            emit(src, lvl, s, cdo("annotator"), node("persons", annotator))
            emit(src, lvl, s, cdo("inProject"), node("projects", project))
            emit(src, lvl, s, cdo("category"), node("categories", category))
            emit(src, lvl, s, cdo("actCount"), _count(acts))
            emit(src, lvl, s, cdo("overriddenCount"), _count(overridden))
            emit(src, lvl, s, cdo("ownChoiceCount"), _count(acts - overridden))

    def _write_final(self, emit: Emit, src: int, item_dataset: dict[str, str]) -> None:
        level, node = self.level, self.node
        finals: defaultdict[tuple[int, str, str], int] = defaultdict(int)
        for item, (_time, _act, final, act_level) in self.latest.items():
            dataset = item_dataset[item]
            lvl = max(
                act_level,
                level("data_items", item),
                level("datasets", dataset),
                level("categories", final),
            )
            finals[(lvl, dataset, final)] += 1
        for (lvl, dataset, category), items in sorted(finals.items()):
            s = self._summary("final", lvl, dataset, category)
            emit(src, lvl, s, TYPE, cdo("FinalLabelSummary"))
            emit(src, lvl, s, cdo("inDataset"), node("datasets", dataset))
            emit(src, lvl, s, cdo("category"), node("categories", category))
            emit(src, lvl, s, cdo("itemCount"), _count(items))

    def _write_overrides(self, emit: Emit, src: int) -> None:
        level, node = self.level, self.node
        by_annotator: defaultdict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
        for (act_level, annotator), (acts, overridden) in self.by_annotator.items():
            counts = by_annotator[(max(act_level, level("persons", annotator)), annotator)]
            counts[0] += acts
            counts[1] += overridden
        for (lvl, annotator), (acts, overridden) in sorted(by_annotator.items()):
            s = self._summary("overrides", lvl, annotator)
            emit(src, lvl, s, TYPE, cdo("OverrideSummary"))
            emit(src, lvl, s, cdo("annotator"), node("persons", annotator))
            emit(src, lvl, s, cdo("actCount"), _count(acts))
            emit(src, lvl, s, cdo("overriddenCount"), _count(overridden))

    def _summary(self, kind: str, level: int, *ids: str) -> str:
        return iri(f"{self.base}summary/{kind}/{ACCESS_LEVELS[level]}/{'/'.join(ids)}")
