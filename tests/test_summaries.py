"""The load-time count summaries (docs/model.md), on hand-made acts with hand-derived counts."""

from __future__ import annotations

from collections import defaultdict

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from loaders.records import Record
from loaders.spec import KINDS
from loaders.summaries import ActSummaries

BASE = "https://example.org/s/"
CDO = "https://w3id.org/cdkg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PUBLIC, RESTRICTED = 0, 1

# Records other than acts whose level is not public: P3 is a restricted person.
LEVELS = {("persons", "P3"): RESTRICTED}
ITEM_DATASET = {"i1": "DS", "i2": "DS", "i3": "DS"}

Quad = tuple[int, int, str, str, str]


def node(kind: str, ident: str) -> str:
    return f"<{BASE}{KINDS[kind].slug}/{ident}>"


def level(kind: str, ident: str) -> int:
    return LEVELS.get((kind, ident), PUBLIC)


def act(ident: str, annotator: str, item: str, category: str, time: str, lvl: int = 0) -> Record:
    values: dict[str, str | bool | list[str]] = {
        "annotator": annotator,
        "item": item,
        "category": category,
        "version": "V1",
        "project": "PJ",
        "time": time,
    }
    return Record(KINDS["acts"], ident, values, source=1, line=None, level=lvl)


def summarise() -> list[Quad]:
    """a1..a6, with what each teaches:
    a1 P1 i1 cat 10:00          a2 P1 i2 cat 11:00, overridden to dog
    a3 P1 i1 dog 12:00 (restricted act: i1's latest act, so i1 counts at restricted)
    a4 P2 i3 other 09:00, overridden to cat; a5 P2 i3 cat 09:00 (same time: the higher id wins)
    a6 P3 i2 cat 08:00 (public act by a restricted person: counted at restricted)
    """
    summaries = ActSummaries(BASE, node, level)
    summaries.add(act("a1", "P1", "i1", "cat", "2024-01-01T10:00:00"), "cat", False)
    summaries.add(act("a2", "P1", "i2", "cat", "2024-01-01T11:00:00"), "dog", True)
    summaries.add(act("a3", "P1", "i1", "dog", "2024-01-01T12:00:00", RESTRICTED), "dog", False)
    summaries.add(act("a4", "P2", "i3", "other", "2024-01-01T09:00:00"), "cat", True)
    summaries.add(act("a5", "P2", "i3", "cat", "2024-01-01T09:00:00"), "cat", False)
    summaries.add(act("a6", "P3", "i2", "cat", "2024-01-01T08:00:00"), "cat", False)
    out: list[Quad] = []
    summaries.write(lambda *quad: out.append(quad), ITEM_DATASET)
    return out


def counts(quads: list[Quad], kind: str) -> dict[tuple[int, str], dict[str, int]]:
    """(level, summary path after `summary/{kind}/`) -> {count property: value}."""
    found: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    prefix = f"<{BASE}summary/{kind}/"
    for _source, lvl, s, p, o in quads:
        if s.startswith(prefix) and o.startswith('"'):
            found[(lvl, s[len(prefix) : -1])][p[len(CDO) + 1 : -1]] = int(o.split('"')[1])
    return dict(found)


def test_application_summaries() -> None:
    assert counts(summarise(), "applied") == {
        (PUBLIC, "public/P1/PJ/cat"): {"actCount": 2, "overriddenCount": 1, "ownChoiceCount": 1},
        (RESTRICTED, "restricted/P1/PJ/dog"): {
            "actCount": 1,
            "overriddenCount": 0,
            "ownChoiceCount": 1,
        },
        (PUBLIC, "public/P2/PJ/cat"): {"actCount": 1, "overriddenCount": 0, "ownChoiceCount": 1},
        (PUBLIC, "public/P2/PJ/other"): {
            "actCount": 1,
            "overriddenCount": 1,
            "ownChoiceCount": 0,
        },
        (RESTRICTED, "restricted/P3/PJ/cat"): {
            "actCount": 1,
            "overriddenCount": 0,
            "ownChoiceCount": 1,
        },
    }


def test_override_summaries() -> None:
    assert counts(summarise(), "overrides") == {
        (PUBLIC, "public/P1"): {"actCount": 2, "overriddenCount": 1},
        (RESTRICTED, "restricted/P1"): {"actCount": 1, "overriddenCount": 0},
        (PUBLIC, "public/P2"): {"actCount": 2, "overriddenCount": 1},
        (RESTRICTED, "restricted/P3"): {"actCount": 1, "overriddenCount": 0},
    }


def test_final_label_summaries() -> None:
    # i1: a3 is latest -> dog, restricted; i2: a2 (11:00) beats a6 (08:00) -> dog (override);
    # i3: a4 and a5 tie at 09:00, a5 wins -> cat.
    assert counts(summarise(), "final") == {
        (PUBLIC, "public/DS/cat"): {"itemCount": 1},
        (PUBLIC, "public/DS/dog"): {"itemCount": 1},
        (RESTRICTED, "restricted/DS/dog"): {"itemCount": 1},
    }


def test_a_reader_sums_what_they_can_see() -> None:
    applied = counts(summarise(), "applied")
    public_acts = sum(c["actCount"] for (lvl, _), c in applied.items() if lvl <= PUBLIC)
    every_act = sum(c["actCount"] for c in applied.values())
    assert (public_acts, every_act) == (4, 6)


def test_summary_nodes_are_typed_linked_and_valid_n_quads() -> None:
    quads = summarise()
    assert {source for source, *_ in quads} == {1}
    lines = "".join(f"{s} {p} {o} <urn:g:{lvl}> .\n" for _src, lvl, s, p, o in quads)
    parsed = list(parse(lines.encode(), format=RdfFormat.N_QUADS))
    applied = NamedNode(BASE + "summary/applied/public/P1/PJ/cat")
    about = {(q.predicate.value, q.object) for q in parsed if q.subject == applied}
    assert about == {
        (RDF_TYPE, NamedNode(CDO + "ApplicationSummary")),
        (CDO + "annotator", NamedNode(BASE + "person/P1")),
        (CDO + "inProject", NamedNode(BASE + "project/PJ")),
        (CDO + "category", NamedNode(BASE + "category/cat")),
        (CDO + "actCount", Literal(2)),
        (CDO + "overriddenCount", Literal(1)),
        (CDO + "ownChoiceCount", Literal(1)),
    }
    final = NamedNode(BASE + "summary/final/public/DS/dog")
    assert {(q.predicate.value, q.object) for q in parsed if q.subject == final} == {
        (RDF_TYPE, NamedNode(CDO + "FinalLabelSummary")),
        (CDO + "inDataset", NamedNode(BASE + "dataset/DS")),
        (CDO + "category", NamedNode(BASE + "category/dog")),
        (CDO + "itemCount", Literal(1)),
    }


def test_no_acts_no_summaries() -> None:
    out: list[Quad] = []
    ActSummaries(BASE, node, level).write(lambda *quad: out.append(quad), {})
    assert out == []
