"""A datasheet as Markdown for people and as Croissant RAI JSON-LD for machines.

In JSON-LD each statement is a schema.org `Claim` whose `about` names the records it describes
and whose `citation` names the evidence behind it, so every statement links to its evidence.
"""

from __future__ import annotations

import json
from typing import Any

from app.datasheets.model import SECTIONS, Datasheet, Statement
from app.paths.model import evidence_id

CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "conformsTo": "dct:conformsTo",
    "about": {"@type": "@id"},
    "citation": {"@type": "@id"},
}
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"


def to_markdown(sheet: Datasheet) -> str:
    lines = [f"# Datasheet: {sheet.title}", ""]
    facts = [("Dataset", f"`{sheet.id}` <{sheet.iri}>")]
    if sheet.description:
        facts.append(("Description", sheet.description))
    if sheet.project:
        facts.append(("Project", _link(*sheet.project)))
    facts += [("Client", _link(*c)) for c in sheet.clients]
    facts += [("Produced by", _link(*c)) for c in sheet.producers]
    if sheet.delivered:
        facts.append(("Delivered", sheet.delivered))
    facts.append(("Generated at access level", sheet.level))
    lines += [f"- **{name}:** {value}" for name, value in facts]
    for key, heading in SECTIONS.items():
        statements = sheet.sections.get(key, [])
        lines += ["", f"## {heading}", "", f"*Croissant RAI: `rai:{key}`*", ""]
        if not statements:
            lines.append("Nothing is recorded at this access level.")
        lines += [f"- {_markdown_statement(s)}" for s in statements]
    return "\n".join(lines) + "\n"


def to_croissant(sheet: Datasheet) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "@id": sheet.iri,
        "name": sheet.title,
        "identifier": sheet.id,
        "url": sheet.iri,
        "conformsTo": CONFORMS_TO,
        "description": sheet.description or f"Dataset {sheet.id}: {sheet.title}",
    }
    if sheet.delivered:
        document["datePublished"] = sheet.delivered
    if sheet.producers:
        document["creator"] = [_organisation(iri, name) for iri, name in sheet.producers]
    if sheet.clients:
        document["funder"] = [_organisation(iri, name) for iri, name in sheet.clients]
    if sheet.project:
        document["isBasedOn"] = {"@id": sheet.project[0], "name": sheet.project[1]}
    for key in SECTIONS:
        statements = sheet.sections.get(key, [])
        if statements:
            document[f"rai:{key}"] = [_claim(s) for s in statements]
    return document


def dumps_croissant(sheet: Datasheet) -> str:
    return json.dumps(to_croissant(sheet), ensure_ascii=False, indent=2) + "\n"


def _claim(statement: Statement) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim", "text": statement.text}
    if statement.about:
        claim["about"] = list(statement.about)
    if statement.evidence:
        claim["citation"] = list(statement.evidence)
    return claim


def _organisation(iri: str, name: str) -> dict[str, str]:
    return {"@type": "Organization", "@id": iri, "name": name}


def _markdown_statement(statement: Statement) -> str:
    text = _escape(statement.text)
    if statement.evidence:
        cited = ", ".join(f"[{evidence_id(iri)}](<{iri}>)" for iri in statement.evidence)
        text += f" *Evidence: {cited}.*"
    return text


def _link(iri: str, label: str) -> str:
    return f"[{_escape(label)}](<{iri}>)"


def _escape(text: str) -> str:
    """Keep record text literal: characters Markdown would read as markup are escaped."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return text
