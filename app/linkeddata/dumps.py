"""Deterministic dumps of the public data: the same data always gives the same bytes.

N-Quads keep each triple's graph (one per source file and level, docs/model.md); Turtle merges
the public graphs. Lines (N-Quads) and triples (Turtle) are sorted, gzip is written with
mtime 0 and no file name, so two publications of the same data are byte-identical and the
SHA-256 doubles as a check and the version names the content.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, Quad, QuerySolutions, RdfFormat, Triple, serialize

from app.linkeddata.vocab import PREFIXES
from app.store.base import GraphStore

NQ_NAME = "public.nq.gz"
TTL_NAME = "public.ttl.gz"
GZIP = "application/gzip"


@dataclass(frozen=True)
class Dump:
    name: str
    media_type: str  # of the uncompressed content
    data: bytes  # gzipped
    statements: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def checksum_line(self) -> bytes:
        """The `sha256sum` line for the file, so `sha256sum -c` checks a download."""
        return f"{self.sha256}  {self.name}\n".encode()


@dataclass(frozen=True)
class Dumps:
    version: str  # names the content: the first 16 hex of the N-Quads' SHA-256
    files: tuple[Dump, ...]

    def get(self, name: str) -> Dump | None:
        return next((d for d in self.files if d.name == name), None)

    def manifest(self) -> bytes:
        body = {
            "version": self.version,
            "files": [
                {
                    "name": d.name,
                    "media_type": d.media_type,
                    "encoding": "gzip",
                    "bytes": len(d.data),
                    "sha256": d.sha256,
                    "statements": d.statements,
                }
                for d in self.files
            ],
        }
        return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def build_dumps(store: GraphStore, public_graphs: Sequence[str]) -> Dumps:
    """Both dumps of `public_graphs` (callers pass the public level's graphs, nothing else)."""
    quads = _public_quads(store, public_graphs)
    lines = sorted(set(_lines(serialize(quads, format=RdfFormat.N_QUADS) or b"")))
    nquads = b"".join(lines)
    triples = sorted(
        {Triple(q.subject, q.predicate, q.object) for q in quads},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    turtle = serialize(triples, format=RdfFormat.TURTLE, prefixes=_prefixes(triples)) or b""
    version = hashlib.sha256(nquads).hexdigest()[:16]
    return Dumps(
        version,
        (
            Dump(NQ_NAME, "application/n-quads", gzip_bytes(nquads), len(lines)),
            Dump(TTL_NAME, "text/turtle", gzip_bytes(turtle), len(triples)),
        ),
    )


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no name and mtime 0 in the header: the output depends on `data` only."""
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as zipped:
        zipped.write(data)
    return out.getvalue()


def _public_quads(store: GraphStore, graphs: Sequence[str]) -> list[Quad]:
    if not graphs:
        return []
    result = store.query(
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        default_graphs=[],
        named_graphs=list(graphs),
    )
    assert isinstance(result, QuerySolutions)
    quads = []
    for row in result:
        subject, predicate, value, graph = row[0], row[1], row[2], row[3]
        if isinstance(predicate, NamedNode) and isinstance(graph, NamedNode):
            quads.append(Quad(subject, predicate, value, graph))
    return quads


def _lines(data: bytes) -> list[bytes]:
    return [line + b"\n" for line in data.split(b"\n") if line]


def _prefixes(triples: list[Triple]) -> dict[str, str]:
    text = {str(t.predicate) for t in triples} | {str(t.object) for t in triples}
    return {p: ns for p, ns in PREFIXES.items() if any(ns in s for s in text)}
