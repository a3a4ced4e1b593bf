"""The taxonomy and decision part of the synthetic study: per taxonomy its versions, guidelines
and rules; per project its dataset, the chain of impositions that carries each version down to
the annotators, an excluded and an accepted proposal, and an overruled objection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from benchmarks.synthetic_people import Company
from benchmarks.synthetic_records import FIRST_START, PROJECT_DAYS, VERSION_2_AFTER, Study

LEVELS = ("client", "company_management", "team_lead", "qa")

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


def plan_projects(study: Study, companies: list[Company], n_taxonomies: int) -> list[Project]:
    """Taxonomies with their documents and rules, and the projects that use them, with the acts
    shared out among the projects."""
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


def add_decision_layer(study: Study, p: Project) -> None:
    """Project `p`'s records: dataset, documents, impositions, proposals and objection."""
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
