"""What the study defines: every id by kind with its effective access level, and the few facts
the checks and the mapping need across records (consent, version contents, overrides).

Only these indexes stay in memory; the rows of the big CSV tables are streamed past them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.records import Record
from loaders.spec import AGENT, KINDS, article, refs_noun
from loaders.vocab import ACCESS_LEVELS

PUBLIC, RESTRICTED, CONFIDENTIAL = range(3)
LEVEL_OF = {name: n for n, name in enumerate(ACCESS_LEVELS)}


@dataclass
class StudyIndex:
    default_level: int
    levels: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in KINDS})
    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {k: {} for k in KINDS})
    withdrawn: set[str] = field(default_factory=set)  # persons whose latest consent is withdrawn
    # person id -> (status of the latest consent entry, date of the latest withdrawal)
    consent: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    interviewees: dict[str, list[str]] = field(default_factory=dict)
    version_categories: dict[str, set[str]] = field(default_factory=dict)
    item_dataset: dict[str, str] = field(default_factory=dict)
    # act id -> (override's new category, override's level)
    overrides: dict[str, tuple[str, int]] = field(default_factory=dict)

    def resolve(self, refs: tuple[str, ...], ident: str) -> tuple[str | None, str]:
        """The kind `ident` names among `refs`, or None and what is wrong with it."""
        hits = [kind for kind in refs if ident in self.levels[kind]]
        if len(hits) == 1:
            return hits[0], ""
        if hits and set(hits) != set(AGENT):
            nouns = " and ".join(article(KINDS[k].noun) for k in hits)
            return None, (f'"{ident}" is ambiguous: {nouns} both have this id; rename one of them')
        if hits:
            return None, f'"{ident}" is defined both as a person and as an organization'
        return None, self.missing(refs, ident)

    def missing(self, refs: tuple[str, ...], ident: str) -> str:
        message = f'"{ident}" is not {article(refs_noun(refs))} id defined in this study'
        elsewhere = [KINDS[k].noun for k, ids in self.levels.items() if ident in ids]
        if elsewhere:
            message += f" (it is {article(elsewhere[0])} id)"
        return message

    def evidence_level(self, declared: int, speaker: str | None, interview: str | None) -> int:
        """Evidence of a participant who withdrew consent is confidential whatever it says."""
        people = [speaker] if speaker else []
        if interview:
            people += self.interviewees.get(interview, [])
        if any(person in self.withdrawn for person in people):
            return CONFIDENTIAL
        return declared


def declared_level(record: Record, inherited: int) -> int:
    access = record.values.get("access")
    return LEVEL_OF[access] if isinstance(access, str) else inherited


def latest_consent(entries: list[Record]) -> tuple[str | None, str | None]:
    """(status of the latest entry, date of the latest withdrawal); ties go to the later entry."""
    latest: tuple[str, int] | None = None
    status: str | None = None
    withdrawn_on: str | None = None
    for entry in entries:
        when = (str(entry.values["date"]), entry.position)
        if latest is None or when >= latest:
            latest, status = when, str(entry.values["status"])
        if entry.values["status"] == "withdrawn":
            day = str(entry.values["date"])
            withdrawn_on = day if withdrawn_on is None or day >= withdrawn_on else withdrawn_on
    return status, withdrawn_on
