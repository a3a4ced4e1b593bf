"""The organisational part of the synthetic study: the platform, the research group, clients
with their representatives, annotation companies with their staff, and interviews and consent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from benchmarks.synthetic_records import Study

CITIES = (("Buenos Aires", "AR"), ("Sofia", "BG"), ("Nairobi", "KE"), ("Manila", "PH"))


@dataclass
class Company:
    id: str
    manager: str = ""
    pm: str = ""
    leads: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    reviewers: list[str] = field(default_factory=list)


def add_organisations(study: Study, n_clients: int) -> None:
    """The platform, the research group with its researcher, and the clients."""
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


def add_company(study: Study, c: int, annotators: int) -> Company:
    """Annotation company number `c`, staffed down to about `annotators` annotators."""
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


def add_people(study: Study) -> str:
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
