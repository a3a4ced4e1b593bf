"""N-Quads terms written as text, and the two places mapped quads go.

The bulk path never builds RDF term objects: the mapping formats each quad as one line, which is
what lets a load keep pace with the store's own bulk loader. Only IRIs the loader has checked
(ids by pattern, the base and licence by pyoxigraph) are written, so IRIs need no escaping;
literals are escaped as the N-Quads grammar requires (STRING_LITERAL_QUOTE: `"` `\\` LF CR).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Protocol

from loaders.vocab import XSD_DATE, XSD_DATETIME

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_DATE = f"^^<{XSD_DATE}>"
_DATETIME = f"^^<{XSD_DATETIME}>"
# The file is written in chunks of a few thousand lines (under a megabyte): with chunks ten times
# larger, each joined and encoded chunk was a fresh memory map that the C library handed back to
# the system after the write, and faulting those pages in again cost more system time (about a
# second for three million quads) than all the formatting.
_FLUSH_LINES = 4_000


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


class QuadSink(Protocol):
    """Where mapped quads go: one at a time, or all those of one subject at once.

    `node` takes the subject's predicate-object pairs (`<p> o`, N-Quads terms joined by a space)
    at `level`, except those whose position is a key of `raised`, which are at that level.
    """

    def emit(self, source: int, level: int, s: str, p: str, o: str) -> None: ...

    def node(
        self, source: int, level: int, s: str, pairs: list[str], raised: dict[int, int]
    ) -> None: ...


class DecisionQuads:
    """The decision layer, kept in memory (it is small) for SHACL and the qc queries.

    Shortcuts stated by several records (two memberships, one organisation) give the same quad
    twice; keeping them as dict keys drops the repeats while keeping the order. A quad is kept as
    (subject, `<p> o`, source, level): a predicate is an IRI, so the first space splits the pair.
    """

    def __init__(self, graphs: GraphNames) -> None:
        self.graphs = graphs
        self.quads: dict[tuple[str, str, int, int], None] = {}

    def emit(self, source: int, level: int, s: str, p: str, o: str) -> None:
        self.quads[(s, f"{p} {o}", source, level)] = None

    def node(
        self, source: int, level: int, s: str, pairs: list[str], raised: dict[int, int]
    ) -> None:
        for n, pair in enumerate(pairs):
            self.quads[(s, pair, source, raised.get(n, level))] = None

    def subjects(self) -> list[str]:
        return list(dict.fromkeys(s for s, _pair, _source, _level in self.quads))

    def objects(self) -> Iterator[str]:
        for _s, pair, _source, _level in self.quads:
            yield pair.split(" ", 1)[1]

    def lines(self) -> Iterator[str]:
        suffix = self.graphs.suffix
        for s, pair, source, level in self.quads:
            yield f"{s} {pair}{suffix[source][level]}"

    def count(self, counts: list[list[int]]) -> None:
        for _s, _pair, source, level in self.quads:
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
        self.pending = 0  # lines in the buffer

    def emit(self, source: int, level: int, s: str, p: str, o: str) -> None:
        self.buffer.append(f"{s} {p} {o}{self.suffix[source][level]}")
        self.counts[source][level] += 1
        self.pending += 1
        if self.pending >= _FLUSH_LINES:
            self.flush()

    def node(
        self, source: int, level: int, s: str, pairs: list[str], raised: dict[int, int]
    ) -> None:
        if not pairs:
            return
        suffix = self.suffix[source]
        if raised:
            counts = self.counts[source]
            for n, pair in enumerate(pairs):
                at = raised.get(n, level)
                self.buffer.append(f"{s} {pair}{suffix[at]}")
                counts[at] += 1
        else:
            # The usual case: every pair at the node's own level, so one join writes the lines.
            end = suffix[level]
            self.buffer.append(f"{s} {f'{end}{s} '.join(pairs)}{end}")
            self.counts[source][level] += len(pairs)
        self.pending += len(pairs)
        if self.pending >= _FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buffer))
        self.buffer.clear()
        self.pending = 0
