"""N-Quads terms written as text, and the two places mapped quads go.

The bulk path never builds RDF term objects: the mapping formats each quad as one line, which is
what lets a load keep pace with the store's own bulk loader. Only IRIs the loader has checked
(ids by pattern, the base and licence by pyoxigraph) are written, so IRIs need no escaping;
literals are escaped as the N-Quads grammar requires (STRING_LITERAL_QUOTE: `"` `\\` LF CR).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from loaders.vocab import XSD_DATE, XSD_DATETIME

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_DATE = f"^^<{XSD_DATE}>"
_DATETIME = f"^^<{XSD_DATETIME}>"


def iri(value: str) -> str:
    return f"<{value}>"


def literal(text: str) -> str:
    if "\\" in text or '"' in text or "\n" in text or "\r" in text:
        text = text.translate(_ESCAPES)
    return f'"{text}"'


def date_literal(day: str) -> str:
    return f'"{day}"{_DATE}'


def datetime_literal(moment: str) -> str:
    return f'"{moment}"{_DATETIME}'


class GraphNames:
    """`suffix[source][level]` ends a line in that source's graph for that level."""

    def __init__(self, graphs: list[list[str]]) -> None:
        self.iris = graphs
        self.suffix = [[f" <{g}> .\n" for g in levels] for levels in graphs]


class DecisionQuads:
    """The decision layer, kept in memory (it is small) for SHACL and the qc queries.

    Shortcuts stated by several records (two memberships, one organisation) give the same quad
    twice; keeping them as dict keys drops the repeats while keeping the order.
    """

    def __init__(self, graphs: GraphNames) -> None:
        self.graphs = graphs
        self.quads: dict[tuple[str, str, str, int, int], None] = {}

    def emit(self, source: int, level: int, s: str, p: str, o: str) -> None:
        self.quads[(s, p, o, source, level)] = None

    def lines(self) -> Iterator[str]:
        suffix = self.graphs.suffix
        for s, p, o, source, level in self.quads:
            yield f"{s} {p} {o}{suffix[source][level]}"

    def ntriples(self) -> str:
        return "".join(dict.fromkeys(f"{s} {p} {o} .\n" for s, p, o, _, _ in self.quads))

    def count(self, counts: list[list[int]]) -> None:
        for _s, _p, _o, source, level in self.quads:
            counts[source][level] += 1


class QuadFile:
    """The big tables' quads, written straight to the N-Quads file in large chunks.

    Every quad here has a classification act, override, flag, data item or evidence node as its
    subject, each minted once, so no quad can repeat and none needs remembering.
    """

    def __init__(self, out: IO[str], graphs: GraphNames, counts: list[list[int]]) -> None:
        self.out = out
        self.suffix = graphs.suffix
        self.counts = counts
        self.buffer: list[str] = []

    def emit(self, source: int, level: int, s: str, p: str, o: str) -> None:
        self.buffer.append(f"{s} {p} {o}{self.suffix[source][level]}")
        self.counts[source][level] += 1
        if len(self.buffer) >= 50_000:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()
