"""The evidence quotes behind a decision, with who said it, in which role, and when.

A speaker's role is the one their membership gave them on the date of the evidence (people
change roles: an annotator may later review); without a dated membership, the roles the person
held at all. Everything is read from the reader's graphs only, so evidence of a participant who
withdrew consent (always confidential, docs/model.md) reaches owners and nobody else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.linkeddata.describe import labels, select, term
from app.linkeddata.vocab import CDO, DCTERMS, ORG, RDF_TYPE, Vocabulary
from app.store.base import GraphStore

EVIDENCE = CDO + "evidence"


@dataclass(frozen=True)
class Quote:
    iri: str
    text: str
    kind: str
    date: str | None
    speaker: str | None
    speaker_label: str | None
    roles: tuple[str, ...]
    source: str | None  # the interview or document it comes from
    source_label: str | None


def evidence_of(
    store: GraphStore, graphs: Sequence[str], iri: str, vocabulary: Vocabulary
) -> list[Quote]:
    """The quotes linked from `iri` by cdo:evidence, oldest first."""
    return _quotes(store, graphs, f"{term(iri)} <{EVIDENCE}> ?e .", vocabulary)


def quote_of(
    store: GraphStore, graphs: Sequence[str], iri: str, vocabulary: Vocabulary
) -> Quote | None:
    """`iri` itself as a quote, when it is a piece of evidence."""
    found = _quotes(store, graphs, f"VALUES ?e {{ {term(iri)} }}", vocabulary)
    return found[0] if found else None


def _quotes(
    store: GraphStore, graphs: Sequence[str], pattern: str, vocabulary: Vocabulary
) -> list[Quote]:
    rows = select(
        store,
        graphs,
        f"""SELECT ?e ?text ?date ?speaker ?source
                   (GROUP_CONCAT(DISTINCT STR(?type); separator=" ") AS ?types) WHERE {{
              {pattern}
              ?e <{CDO}text> ?text .
              OPTIONAL {{ ?e <{DCTERMS}date> ?date }}
              OPTIONAL {{ ?e <{CDO}speaker> ?speaker }}
              OPTIONAL {{ ?e <{CDO}fromInterview>|<{CDO}fromDocument> ?source }}
              OPTIONAL {{ ?e <{RDF_TYPE}> ?type }}
            }} GROUP BY ?e ?text ?date ?speaker ?source ORDER BY ?date ?e""",
    )
    found = []
    for row in rows:
        iri, text, date, speaker, source, types = (cell.value if cell else None for cell in row)
        if iri is None or text is None:
            continue
        found.append((iri, text, date, speaker, source, (types or "").split()))
    if not found:
        return []
    names = labels(store, graphs, {r[3] for r in found if r[3]} | {r[4] for r in found if r[4]})
    quotes = []
    for iri, text, date, speaker, source, types in found:
        specific = sorted(t for t in types if t != CDO + "Evidence")
        kind = vocabulary.label(specific[0]) if specific else vocabulary.label(CDO + "Evidence")
        roles = roles_on(store, graphs, speaker, date, vocabulary) if speaker else ()
        quotes.append(
            Quote(
                iri,
                text,
                kind,
                date,
                speaker,
                names.get(speaker, speaker) if speaker else None,
                roles,
                source,
                names.get(source, source) if source else None,
            )
        )
    return quotes


def roles_on(
    store: GraphStore,
    graphs: Sequence[str],
    person: str,
    date: str | None,
    vocabulary: Vocabulary,
) -> tuple[str, ...]:
    """ "team lead at Sur Etiquetado"-style phrases for `person` on `date`."""
    rows = select(
        store,
        graphs,
        f"""SELECT DISTINCT ?role ?org ?from ?to WHERE {{
              ?m <{ORG}member> {term(person)} ; <{ORG}role> ?role .
              OPTIONAL {{ ?m <{ORG}organization> ?org }}
              OPTIONAL {{ ?m <{CDO}startDate> ?from }}
              OPTIONAL {{ ?m <{CDO}endDate> ?to }}
            }} ORDER BY ?from ?role""",
    )
    memberships = [tuple(cell.value if cell else None for cell in row) for row in rows]
    current = [
        m
        for m in memberships
        if date is not None and (m[2] is None or m[2] <= date) and (m[3] is None or date <= m[3])
    ]
    chosen = current or memberships
    if not chosen:
        held = select(
            store, graphs, f"SELECT DISTINCT ?role WHERE {{ {term(person)} <{CDO}hadRole> ?role }}"
        )
        return tuple(sorted(vocabulary.label(r[0].value) for r in held if r[0]))
    orgs = labels(store, graphs, {m[1] for m in chosen if m[1]})
    phrases = []
    for role, org, _from, _to in chosen:
        if role is None:
            continue
        phrase = vocabulary.label(role)
        if org:
            phrase += f" at {orgs.get(org, org)}"
        if phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)
