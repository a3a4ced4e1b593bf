"""Write a synthetic study of any size in the record format of docs/model.md.

The decision layer keeps the size of a real study (tens of taxonomies, a few hundred
impositions), while people, data items, overrides (about 10% of acts), flags and evidence grow
with the number of classification acts. Every record passes the loader's checks and the qc
queries by construction, and one seed always gives the same files, byte for byte.

    python -m benchmarks.generate_study OUT --acts 200000 [--seed 0]

The YAML is written from templates that read like docs/records.md; values are ids, dates and
fixed phrases, none of which needs quoting.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

FIRST_START = date(2022, 1, 1)
PROJECT_DAYS = 240
# Acts stop a few days before a project ends, so that every override still falls inside it.
ACT_DAYS = PROJECT_DAYS - 5
VERSION_2_AFTER = 120
CITIES = (("Buenos Aires", "AR"), ("Sofia", "BG"), ("Nairobi", "KE"), ("Manila", "PH"))
ACCESS = ("public", "public", "public", "restricted", "confidential")
JUSTIFICATIONS = ("document", "document", "rule", "gold_set", "none")
LEVELS = ("client", "company_management", "team_lead", "qa")
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

STUDY = """\
study:
  id: synthetic
  title: Synthetic study with {acts} acts
  base: "https://example.org/synthetic/"
  license: "https://creativecommons.org/licenses/by/4.0/"
  default_access: public
  researchers: [R1]
  organization: RG
  start: 2022-01-01
  end: 2024-12-31
  codebook: CB
codebooks:
  - id: CB
    title: Synthetic codebook
    codes:
"""
TAXONOMY = """\
  - id: {t.id}
    label: Taxonomy {t.id}
    developed_by: {t.developer}
    categories:
{t.listed}      - {{id: {t.residual}, label: other, residual: true}}
      - {{id: {t.merged}, label: merged {t.id}}}
    versions:
      - id: {t.id}-v1
        label: {t.id} 1
        released: {t.start}
        document: D{t.id}-GL1
        categories: [{t.v1_text}]
      - id: {t.id}-v2
        label: {t.id} 2
        released: {t.released2}
        document: D{t.id}-GL2
        previous: {t.id}-v1
        categories: [{t.v2_text}]
        changes:
          - id: CH{t.id}
            type: merged
            from_categories: [{t.categories[0]}, {t.categories[1]}]
            to_categories: [{t.merged}]
            decided_by: {t.developer}
            date: {t.change_day}
            rationale: The two classes were confused too often.
            evidence: [{evidence}]
"""
DOCUMENTS = """\
  - {{id: D{t.id}-GL1, title: {t.id} guideline 1, type: guideline,
     organization: {t.developer}, date: {t.start}}}
  - {{id: D{t.id}-GL2, title: {t.id} guideline 2, type: guideline,
     organization: {t.developer}, date: {t.released2}, revision_of: D{t.id}-GL1}}
  - {{id: D{t.id}-GOLD, title: {t.id} gold set, type: gold_set,
     organization: {t.developer}, date: {t.start}}}
"""
RULES = """\
  - {{id: R{t.id}-AGREE, text: Agreement must reach 0.85., document: D{t.id}-GL1,
     issued_by: {t.developer}, applies_to: [{t.id}-v1], metric: agreement_target,
     target: "0.85", date: {t.start}}}
  - {{id: R{t.id}-RES, text: Use other only as a last resort., document: D{t.id}-GL1,
     issued_by: {t.developer}, applies_to: [{t.residual}], date: {t.start}}}
"""
PROJECT = """\
  - id: {p.id}
    title: Project {p.id}
    client: {p.client}
    vendor: {p.vendor.id}
    platform: PLT
    start: {t.start}
    end: {t.end}
    taxonomy_versions: [{t.id}-v1, {t.id}-v2]
    staff: [{p.staff}]
"""
PROJECT_DOCUMENTS = """\
  - {{id: D{p.id}-TRAIN, title: {p.id} training, type: training_material,
     organization: {p.vendor.id}, author: {p.pm}, date: {t.start}}}
  - {{id: D{p.id}-TOOL, title: {p.id} tool preset, type: tool_configuration,
     organization: {p.vendor.id}, author: {p.pm}, date: {t.start}}}
"""
DATASET = """\
  - {{id: DS-{p.id}, title: Dataset {p.id}, project: {p.id}, producer: {p.vendor.id},
     delivered: {t.delivered}}}
"""
# Each version travels client (or company manager) -> PM -> team lead -> annotators; the tool
# configuration (d) and the QA feedback reach annotators past the team lead.
IMPOSITIONS = """\
  - {{id: {p.id}-I{v}a, imposed_by: {p.root}, imposed_on: [{p.root_on}],
     imposes: [{t.id}-v{v}{rules}], medium: {p.root_medium}, document: D{t.id}-GL{v},
     date: {days[0]}, project: {p.id}, evidence: [{evidence}]}}
  - {{id: {p.id}-I{v}b, imposed_by: {p.pm}, imposed_on: [{p.lead}], imposes: [{t.id}-v{v}],
     medium: meeting, date: {days[1]}, project: {p.id}, relays: {p.id}-I{v}a}}
  - {{id: {p.id}-I{v}c, imposed_by: {p.lead}, imposed_on: [{p.team}],
     imposes: [{t.id}-v{v}], medium: training_session, document: D{p.id}-TRAIN,
     date: {days[2]}, project: {p.id}, relays: {p.id}-I{v}b}}
  - {{id: {p.id}-I{v}d, imposed_by: {p.pm}, imposed_on: [{p.first10}], imposes: [{t.id}-v{v}],
     medium: tool_configuration, document: D{p.id}-TOOL, platform: PLT, date: {days[1]},
     project: {p.id}, relays: {p.id}-I{v}a}}
"""
QA_FEEDBACK = """\
  - {{id: {p.id}-QA, imposed_by: {p.reviewer}, imposed_on: [{p.first5}],
     imposes: [{t.residual}], medium: qa_feedback, date: {t.proposals_day}, project: {p.id},
     relays: {p.id}-I1a}}
"""
PROPOSALS = """\
  - {{id: {p.id}-PR1, label: proposed class {p.id}, taxonomy: {t.id},
     proposed_by: [{p.annotators[0]}], date: {t.proposals_day}, project: {p.id},
     outcome: excluded, decided_by: {decider}, decision_level: {level},
     decision_date: {t.exclusion_day}, rationale: Out of scope for the model.,
     cites: [R{t.id}-AGREE], fallback: {t.residual}, evidence: [{evidence}]}}
  - {{id: {p.id}-PR2, label: merged {t.id}, taxonomy: {t.id}, proposed_by: [{p.annotators[1]}],
     date: {t.proposals_day}, project: {p.id}, outcome: accepted,
     decided_by: {p.vendor.manager}, decision_level: company_management,
     decision_date: {t.change_day}, accepted_as: {t.merged}}}
"""
OBJECTION = """\
  - {{id: {p.id}-OBJ, raised_by: {p.annotators[0]}, concerns: {t.residual},
     date: {t.exclusion_day}, escalated_to: [{p.lead}, {p.pm}], outcome: overruled,
     overruled_by: {p.pm}, cites: [R{t.id}-RES]}}
"""


@dataclass
class Company:
    id: str
    manager: str = ""
    pm: str = ""
    leads: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    reviewers: list[str] = field(default_factory=list)


@dataclass
class Taxonomy:
    id: str
    developer: str
    start: date
    categories: list[str]  # version 1, residual last

    def __post_init__(self) -> None:
        self.merged = f"{self.id}-M"
        self.residual = self.categories[-1]
        self.version2 = [self.merged, *self.categories[2:]]
        self.released2 = self.start + timedelta(days=VERSION_2_AFTER)
        self.change_day = self.released2 - timedelta(days=5)
        self.end = self.start + timedelta(days=PROJECT_DAYS)
        self.delivered = self.end + timedelta(days=15)
        self.proposals_day = self.start + timedelta(days=10)
        self.exclusion_day = self.start + timedelta(days=15)
        self.listed = "".join(
            f"      - {{id: {c}, label: category {c}}}\n" for c in self.categories[:-1]
        )
        self.v1_text, self.v2_text = ", ".join(self.categories), ", ".join(self.version2)


@dataclass
class Project:
    id: str
    client: str
    client_agent: str  # the client's representative, or the client itself when it has none
    vendor: Company
    taxonomy: Taxonomy
    annotators: list[str]
    acts: int

    def __post_init__(self) -> None:
        self.pm = self.vendor.pm
        self.lead = self.vendor.leads[0]
        self.reviewer = self.vendor.reviewers[0]
        self.team, self.first5 = ", ".join(self.annotators), ", ".join(self.annotators[:5])
        self.first10 = ", ".join(self.annotators[:10])
        self.staff = ", ".join([self.pm, self.lead, *self.annotators, *self.vendor.reviewers])
        # Client taxonomies come down from the client; in-house ones from the company manager.
        from_client = self.taxonomy.developer == self.client
        self.root = self.client_agent if from_client else self.vendor.manager
        self.root_on = f"{self.vendor.manager}, {self.pm}" if from_client else self.pm
        self.root_medium = "email" if self.root.startswith("P") else "guideline_document"


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


def generate(out_dir: Path, acts: int, seed: int = 0) -> None:
    """Write a valid synthetic study with `acts` classification acts into `out_dir`."""
    if acts < 1:
        raise ValueError(f"acts must be at least 1, got {acts}")
    out_dir.mkdir(parents=True, exist_ok=True)
    study = Study(acts, seed)
    n_taxonomies = min(30, max(3, acts // 8000))
    _organisations(study, n_clients=min(10, max(2, n_taxonomies // 3)))
    companies = [
        _company(study, c, min(1500, max(6, acts // 500)) // 3)
        for c in range(2 if acts < 100_000 else 3)
    ]
    projects = _projects(study, companies, n_taxonomies)
    for p in projects:
        _decision_layer(study, p)
    withdrawn = _people(study)
    for name, kinds in FILES.items():
        with (out_dir / name).open("w", encoding="utf-8") as f:
            if name == "study.yaml":
                f.write(STUDY.format(acts=acts))
                f.writelines(f"      - {{id: K-{code}, label: {code}}}\n" for code in CODES)
            for kind in kinds:
                if kind != "codebooks":
                    f.write(f"{kind}:\n")
                    f.writelines(study.text[kind])
    _write_tables(study, projects, out_dir)
    _write_evidence(study, withdrawn, out_dir)


def _organisations(study: Study, n_clients: int) -> None:
    study.add("organizations", "  - {id: PLT, name: Synthetic platform, types: [platform]}\n")
    study.add("organizations", "  - {id: RG, name: Synthetic lab, types: [research_group]}\n")
    study.persons.append("R1")
    study.person("RG", "researcher", "", pid="R1")
    for c in range(n_clients):
        client = f"CL{c:02d}"
        study.clients.append(client)
        study.add("organizations", f"  - {{id: {client}, name: Client {c}, types: [client]}}\n")
        # Client 0 has no people: it acts only through its documents.
        study.agents[client] = study.person(client, "client_representative", "") if c else client


def _company(study: Study, c: int, annotators: int) -> Company:
    city, country = CITIES[c % len(CITIES)]
    company = Company(f"VEN{c}")
    study.add(
        "organizations",
        f"  - {{id: {company.id}, name: Annotation company {c}, types: [annotation_company], "
        f"location: {city}, country: {country}}}\n",
    )
    company.manager = study.person(company.id, "manager", "")
    company.pm = study.person(company.id, "project_manager", company.manager)
    for _ in range(max(1, annotators // 12)):
        company.leads.append(study.person(company.id, "team_lead", company.pm))
    for _ in range(max(3, annotators)):
        lead = study.rng.choice(company.leads)
        company.annotators.append(study.person(company.id, "annotator", lead))
    for _ in range(max(1, annotators // 15)):
        company.reviewers.append(study.person(company.id, "qa_reviewer", company.manager))
    # A former annotator who became a reviewer before the study began.
    old = "from: 2018-01-01, to: 2020-12-31"
    changer = study.person(company.id, "annotator", company.leads[0], span=old)
    study.person(company.id, "qa_reviewer", company.manager, pid=changer, span="from: 2021-01-01")
    company.reviewers.append(changer)
    return company


def _projects(study: Study, companies: list[Company], n_taxonomies: int) -> list[Project]:
    rng = study.rng
    plans: list[tuple[str, Company, Taxonomy]] = []
    for n in range(n_taxonomies):
        client, vendor = study.clients[n % len(study.clients)], companies[n % len(companies)]
        start = FIRST_START + timedelta(days=rng.randrange(540))
        categories = [f"TX{n:02d}-C{k:02d}" for k in range(6 + rng.randrange(10))]
        developer = vendor.id if n % 3 == 2 else client
        t = Taxonomy(f"TX{n:02d}", developer, start, [*categories, f"TX{n:02d}-OTHER"])
        plans.append((client, vendor, t))
        study.add("taxonomies", TAXONOMY.format(t=t, evidence=study.evidence()))
        study.add("documents", DOCUMENTS.format(t=t))
        study.documents += [(f"D{t.id}-GL1", t.start), (f"D{t.id}-GOLD", t.start)]
        study.add("rules", RULES.format(t=t))
    # Some client taxonomies are imposed on a second vendor as well.
    shared = [plan for plan in plans if plan[2].developer == plan[0]][: n_taxonomies // 4]
    for client, vendor, t in shared:
        plans.append((client, companies[(companies.index(vendor) + 1) % len(companies)], t))
    per_project, extra = divmod(study.acts, len(plans))
    projects = []
    for n, (client, vendor, t) in enumerate(plans):
        acts = per_project + (1 if n < extra else 0)
        team = rng.sample(vendor.annotators, min(len(vendor.annotators), 60, max(3, acts // 200)))
        projects.append(Project(f"PRJ{n:03d}", client, study.agents[client], vendor, t, team, acts))
    return projects


def _decision_layer(study: Study, p: Project) -> None:
    t = p.taxonomy
    study.add("projects", PROJECT.format(p=p, t=t))
    study.add("datasets", DATASET.format(p=p, t=t))
    study.add("documents", PROJECT_DOCUMENTS.format(p=p, t=t))
    for v, released in ((1, t.start), (2, t.released2)):
        days = [released + timedelta(days=d) for d in range(3)]
        rules = f", R{t.id}-AGREE, R{t.id}-RES" if v == 1 else ""
        text = IMPOSITIONS.format(p=p, t=t, v=v, days=days, rules=rules, evidence=study.evidence())
        study.add("impositions", text)
    study.add("impositions", QA_FEEDBACK.format(p=p, t=t))
    level = LEVELS[int(p.id[3:]) % len(LEVELS)]
    deciders = {"client": p.client_agent, "team_lead": p.lead, "qa": p.reviewer}
    decider = deciders.get(level, p.vendor.manager)
    proposals = PROPOSALS.format(p=p, t=t, decider=decider, level=level, evidence=study.evidence())
    study.add("proposals", proposals)
    study.add("objections", OBJECTION.format(p=p, t=t))


def _people(study: Study) -> str:
    """Interviews and consent for up to 60 people; returns the one who withdrew consent."""
    candidates = study.persons[1:]  # everyone but the researcher
    chosen = candidates[:: max(1, len(candidates) // 60)][:60]
    for n, pid in enumerate(chosen):
        study.interviews.append((f"INT{n:03d}", pid, date(2023, 9, 1) + timedelta(days=n)))
    dates = {pid: day for _, pid, day in study.interviews}
    for interview, pid, day in study.interviews:
        study.add(
            "interviews",
            f"  - {{id: {interview}, interviewees: [{pid}], interviewers: [R1], date: {day}}}\n",
        )
    withdrawn = chosen[min(2, len(chosen) - 1)]
    for pid in study.persons:
        text = f"  - id: {pid}\n"
        if pid in dates:
            text += f"    consent:\n      - {{status: given, date: {dates[pid]}}}\n"
        if pid == withdrawn:  # their evidence becomes confidential
            text += "      - {status: withdrawn, date: 2024-03-01}\n"
        study.add("persons", text)
    return withdrawn


def _write_evidence(study: Study, withdrawn: str, out_dir: Path) -> None:
    rng = study.rng
    with (out_dir / "evidence.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["id", "type", "text", "speaker", "date", "interview", "document", "codes",
                      "access"])  # fmt: skip
        for n, evidence_id in enumerate(study.evidence_ids):
            codes = ";".join(f"K-{code}" for code in rng.sample(CODES, 2))
            access = rng.choice(ACCESS)
            if n % 3 == 0:
                interview, speaker, day = study.interviews[n // 3 % len(study.interviews)]
                access = "confidential" if speaker == withdrawn else access
                row = ["interview_excerpt", f"Excerpt {n}.", speaker, day, interview, ""]
            elif n % 3 == 1:
                day = FIRST_START + timedelta(days=rng.randrange(900))
                row = ["field_note", f"Field note {n}.", "", day, "", ""]
            else:
                doc_id, day = study.documents[n % len(study.documents)]
                row = ["document_excerpt", f"Passage {n}.", "", day, "", doc_id]
            out.writerow([evidence_id, *row, codes, access])


def _write_tables(study: Study, projects: list[Project], out_dir: Path) -> None:
    rng = study.rng
    names = ("acts", "overrides", "flags", "data_items")
    headers = (
        "id,annotator,item,category,version,project,time",
        "act,reviewer,category,time,justification,justified_by,evidence",
        "id,annotator,item,proposal,time",
        "id,dataset,media_type",
    )
    files = [(out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="") for name in names]
    try:
        acts, overrides, flags, items = (csv.writer(f, lineterminator="\n") for f in files)
        for f, header in zip(files, headers, strict=True):
            f.write(header + "\n")
        act_n = flag_n = 0
        for p in projects:
            t = p.taxonomy
            item_ids = [f"{p.id}-IT{k:06d}" for k in range(max(1, p.acts // 3))]
            items.writerows([item, f"DS-{p.id}", "image/jpeg"] for item in item_ids)
            start = datetime.combine(t.start, datetime.min.time()) + timedelta(hours=8)
            flag_from = datetime.combine(t.proposals_day, datetime.min.time())
            released2 = datetime.combine(t.released2, datetime.min.time())
            justify = {"document": f"D{t.id}-GL1", "rule": f"R{t.id}-RES",
                       "gold_set": f"D{t.id}-GOLD", "none": ""}  # fmt: skip
            for _ in range(p.acts):
                act_n += 1
                act_id = f"A{act_n:07d}"
                when = start + timedelta(seconds=rng.randrange(ACT_DAYS * 86400))
                # A few acts keep the old version after the new one is out.
                v = 2 if when >= released2 and rng.random() > 0.03 else 1
                categories = t.categories if v == 1 else t.version2
                category, item = rng.choice(categories), rng.choice(item_ids)
                annotator = rng.choice(p.annotators)
                acts.writerow([act_id, annotator, item, category, f"{t.id}-v{v}", p.id,
                               when.isoformat()])  # fmt: skip
                if rng.random() < 0.1:
                    kind = rng.choice(JUSTIFICATIONS)
                    new = rng.choice([c for c in categories if c != category])
                    later = (when + timedelta(hours=rng.randint(1, 72))).isoformat()
                    evidence = study.evidence() if rng.random() < 0.05 else ""
                    reviewer = rng.choice(p.vendor.reviewers)
                    overrides.writerow(
                        [act_id, reviewer, new, later, kind, justify[kind], evidence]
                    )
                if when >= flag_from and rng.random() < 0.02:
                    flag_n += 1
                    flagged = (when + timedelta(minutes=1)).isoformat()
                    flags.writerow([f"F{flag_n:06d}", annotator, item, f"{p.id}-PR1", flagged])
    finally:
        for f in files:
            f.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate_study",
        description="Write a synthetic study in the record format.",
    )
    parser.add_argument("out", type=Path, help="folder to write the study into")
    parser.add_argument("--acts", type=int, default=200_000, help="classification acts")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same files)")
    args = parser.parse_args(argv)
    if args.acts < 1:
        parser.error(f"--acts must be at least 1, got {args.acts}")
    try:
        generate(args.out, args.acts, args.seed)
    except OSError as error:
        parser.exit(1, f"cannot write the study to {args.out}: {error.strerror or error}\n")
    print(f"wrote a study with {args.acts} acts to {args.out}")


if __name__ == "__main__":
    main()
