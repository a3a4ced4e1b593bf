"""What an anonymous reader must never see, collected from the store as the leak test does.

Shared by the crawl of the server's pages and of the static site: every minted IRI and every
plain run of text that exists only in restricted or confidential graphs. The test here proves
the detector recognises known hidden records of the demo study, so a clean crawl means
something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Literal, NamedNode, QuerySolutions

from app.store.base import AccessLevel
from app.store.catalogue import sources
from app.store.oxigraph_store import OxigraphStore
from loaders.pipeline import prepare, publish

REPO = Path(__file__).resolve().parent.parent
DEMO_BASE = "https://w3id.org/cdkg/demo/"
# Characters every format writes as they are (no escaping in HTML, JSON, Turtle, ...).
_PLAIN_RUN = re.compile(r"[A-Za-z0-9 ,.;:()/-]{8,}")
_MIN_PROBE = 8


@dataclass(frozen=True)
class Secrets:
    iris: frozenset[str]
    probes: frozenset[str]

    def found_in(self, text: str) -> list[str]:
        hits = [p for p in self.probes if p in text]
        if self.iris:
            alternatives = "|".join(re.escape(i) for i in sorted(self.iris, key=len, reverse=True))
            # Not followed by more IRI characters: ".../E1" is not ".../E12".
            pattern = re.compile(f"(?:{alternatives})(?![A-Za-z0-9._~%/#-])")
            hits += [m.group(0) for m in pattern.finditer(text)]
        return hits


def hidden_strings(store: OxigraphStore, base: str) -> Secrets:
    """Minted IRIs under `base` and text probes found only in non-public graphs."""
    shown: set[str] = set()
    hidden: set[str] = set()
    for source in sources(store):
        for graph in source.graphs:
            rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph.iri}> {{ ?s ?p ?o }} }}")
            assert isinstance(rows, QuerySolutions)
            bucket = shown if graph.level is AccessLevel.PUBLIC else hidden
            for row in rows:
                for term in row:
                    if isinstance(term, NamedNode | Literal):
                        bucket.add(("iri:" if isinstance(term, NamedNode) else "") + term.value)
    public_text = "\n".join(sorted(s.removeprefix("iri:") for s in shown))
    iris = frozenset(s.removeprefix("iri:") for s in hidden - shown if s.startswith("iri:" + base))
    probes = set()
    for literal in (s for s in hidden - shown if not s.startswith("iri:")):
        runs = _PLAIN_RUN.findall(literal)
        probe = max(runs, key=len).strip() if runs else ""
        # A probe that public text also contains would be a false alarm, not a leak.
        if len(probe) >= _MIN_PROBE and probe not in public_text:
            probes.add(probe)
    return Secrets(iris, frozenset(probes))


def demo_store(path: Path) -> OxigraphStore:
    """The demo study loaded into a new store at `path` (open for writing)."""
    store = OxigraphStore(path)
    with prepare([REPO / "examples"]) as prepared:
        publish(prepared, store)
    return store


def test_the_detector_recognises_hidden_demo_records(tmp_path: Path) -> None:
    store = demo_store(tmp_path / "store")
    try:
        secrets = hidden_strings(store, DEMO_BASE)
    finally:
        store.close()
    assert len(secrets.probes) >= 10 and len(secrets.iris) >= 10
    # E03 is restricted evidence; E18 is confidential (its speaker withdrew consent).
    assert secrets.found_in(
        "I run the training. I don't get to argue with the class list, I explain it."
    )
    assert secrets.found_in(
        "I objected to gender unknown being used for people whose gender is perfectly clear "
        "to them."
    )
    assert secrets.found_in(f"<{DEMO_BASE}evidence/E18>")
    assert not secrets.found_in(f"<{DEMO_BASE}evidence/E1>")
    # Public text is not a secret: E01 is public.
    assert not secrets.found_in("We send the guideline and the class list.")
