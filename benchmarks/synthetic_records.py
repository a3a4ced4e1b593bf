"""The synthetic study while it is being written: the YAML text of each record kind, the ids that
later records need, and the calendar and file layout every part of the generator shares.

One `random.Random` drives every choice, in the order `generate_study.generate` calls the parts,
so one seed always gives the same files.
"""

from __future__ import annotations

import random
from datetime import date

FIRST_START = date(2022, 1, 1)
PROJECT_DAYS = 240
# Acts stop a few days before a project ends, so that every override still falls inside it.
ACT_DAYS = PROJECT_DAYS - 5
VERSION_2_AFTER = 120
CODES = ("impose", "exclude", "dissent", "residual", "qa", "metric", "tool", "change")
FILES = {
    "study.yaml": ("codebooks",),
    "organizations.yaml": ("organizations",),
    "people.yaml": ("persons", "memberships", "interviews"),
    "taxonomies.yaml": ("taxonomies",),
    "documents.yaml": ("documents", "rules"),
    "projects.yaml": ("projects", "datasets"),
    "impositions.yaml": ("impositions",),
    "decisions.yaml": ("proposals", "objections"),
}


class Study:
    """The study being written: YAML text per record kind, and the ids later records need."""

    def __init__(self, acts: int, seed: int) -> None:
        self.acts = acts
        self.rng = random.Random(seed)
        self.text: dict[str, list[str]] = {kind: [] for kinds in FILES.values() for kind in kinds}
        self.persons: list[str] = []
        self.evidence_ids = [f"E{n:05d}" for n in range(1, max(30, acts // 50) + 1)]
        self.documents: list[tuple[str, date]] = []  # for document excerpts
        self.clients: list[str] = []
        self.agents: dict[str, str] = {}  # client -> its representative (or itself)
        self.interviews: list[tuple[str, str, date]] = []  # (id, interviewee, date)

    def add(self, kind: str, text: str) -> None:
        self.text[kind].append(text)

    def person(self, org: str, role: str, boss: str, *, pid: str = "", span: str = "") -> str:
        """A membership from 2019 on (or over `span`), for a new person unless `pid` is given."""
        if not pid:
            pid = f"P{len(self.persons) + 1:05d}"
            self.persons.append(pid)
        number = len(self.text["memberships"]) + 1
        span = span or "from: 2019-01-01"
        boss = f", reports_to: {boss}" if boss else ""
        self.add(
            "memberships",
            f"  - {{id: M{number:05d}, person: {pid}, organization: {org}, role: {role}, "
            f"{span}{boss}}}\n",
        )
        return pid

    def evidence(self) -> str:
        return self.rng.choice(self.evidence_ids)
