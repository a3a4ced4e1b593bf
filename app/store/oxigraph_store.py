"""The embedded Oxigraph store: the default `GraphStore`, persistent on disk or in memory."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, Variable, parse, serialize

from app.store.base import QueryResult, StoreError, StoreLocked, StoreNotFound, Term


class OxigraphStore:
    """A pyoxigraph `Store` behind the `GraphStore` interface.

    `path=None` gives an in-memory store (tests); a path gives a RocksDB store, created when
    missing. RocksDB lets one process open a store for writing: a second one gets `StoreLocked`.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._read_only = False
        self._write_lock = threading.RLock()
        self._store: Store | None = _open(path, read_only=False)

    @classmethod
    def open_read_only(cls, path: Path) -> OxigraphStore:
        """Open an existing store for reading, even while another process holds it for writing.

        The view is the state at opening time; later writes by the other process are not seen.
        """
        store = cls.__new__(cls)
        store._path = path
        store._read_only = True
        store._write_lock = threading.RLock()
        store._store = _open(path, read_only=True)
        return store

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def write_lock(self) -> threading.RLock:
        return self._write_lock

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[Variable, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """See `GraphStore.query`; `prefixes` are declared without touching the text, so parser
        positions still point into what the user wrote."""
        return self._live().query(
            sparql,
            base_iri=base_iri,
            prefixes=dict(prefixes) if prefixes is not None else None,
            default_graph=None if default_graphs is None else [*_nodes(default_graphs)],
            named_graphs=None if named_graphs is None else [NamedNode(g) for g in named_graphs],
            substitutions=dict(substitutions) if substitutions is not None else None,
        )

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        self._writable().update(sparql, base_iri=base_iri)

    def load_graph(self, graph: str, data: bytes | IO[bytes], fmt: RdfFormat) -> None:
        self._writable().bulk_load(input=data, format=fmt, to_graph=NamedNode(graph))

    def bulk_load_quads(
        self, data: IO[bytes], progress: Callable[[int], None] | None = None
    ) -> None:
        # One bulk_load over a multi-million-line file lets the loader's buffers grow past a
        # gigabyte; feeding it line-aligned slices keeps the peak bounded at a small speed cost.
        # N-Quads is line-based, so any slice that ends on a newline is a valid document.
        store = self._writable()
        loaded = 0
        for chunk in _line_aligned_chunks(data, BULK_CHUNK_BYTES):
            store.bulk_load(input=chunk, format=RdfFormat.N_QUADS)
            loaded += len(chunk)
            if progress is not None:
                progress(loaded)

    def add_quads(self, quads: Iterable[Quad]) -> None:
        self._writable().extend(quads)

    def replace_graph(self, graph: str, data: bytes, fmt: RdfFormat) -> None:
        # One SPARQL update is one transaction, so readers see the old or the new graph only.
        parsed = (quad.triple for quad in parse(data, format=fmt))
        triples = serialize(parsed, format=RdfFormat.N_TRIPLES)
        text = triples.decode("utf-8") if triples else ""
        self.update(
            f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{text}}} }}"
        )

    def drop_graph(self, graph: str) -> None:
        self._writable().remove_graph(NamedNode(graph))

    def graph_names(self) -> list[str]:
        return [g.value for g in self._live().named_graphs() if isinstance(g, NamedNode)]

    def dump(self, out: IO[bytes], fmt: RdfFormat, *, graph: str | None = None) -> None:
        self._live().dump(out, fmt, from_graph=NamedNode(graph) if graph is not None else None)

    def size_bytes(self) -> int:
        if self._path is None:
            return 0
        total = 0
        for folder, _dirs, files in os.walk(self._path):
            for name in files:
                try:
                    total += os.stat(os.path.join(folder, name)).st_size
                except FileNotFoundError:
                    continue  # RocksDB removed it (compaction) while we were counting
        return total

    def close(self) -> None:
        if self._store is not None and self._path is not None and not self._read_only:
            self._store.flush()
        # pyoxigraph has no explicit close: the lock goes with the last reference.
        self._store = None

    def _live(self) -> Store:
        if self._store is None:
            raise StoreError(f"the store at {self._describe()} is closed")
        return self._store

    def _writable(self) -> Store:
        if self._read_only:
            raise StoreError(f"the store at {self._describe()} is open read-only")
        return self._live()

    def _describe(self) -> str:
        return str(self._path) if self._path is not None else "(memory)"


def _nodes(iris: Sequence[str]) -> Iterator[NamedNode | DefaultGraph]:
    # An empty name stands for the store's default graph (see app.sparql.execution).
    return (NamedNode(iri) if iri else DefaultGraph() for iri in iris)


def _open(path: Path | None, *, read_only: bool) -> Store:
    if path is None:
        if read_only:
            raise StoreError("an in-memory store cannot be opened read-only")
        return Store()
    if read_only and not (path / "CURRENT").is_file():
        raise StoreNotFound(f"no store at {path} (create one with: cdkg load PATH --store {path})")
    if path.exists() and not path.is_dir():
        raise StoreError(f"cannot open store at {path}: it is a file, not a store folder")
    try:
        if read_only:
            return Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return Store(str(path))
    except OSError as exc:
        message = str(exc)
        if "LOCK" in message or "lock hold" in message:
            raise StoreLocked(
                f"the store at {path} is in use by another process (a running `cdkg serve` "
                "or `cdkg load`); stop it first, or use a read-only command"
            ) from exc
        raise StoreError(f"cannot open store at {path}: {message}") from exc


def open_store(location: Path, *, read_only: bool = False) -> OxigraphStore:
    """Open the store a setting names: a folder, or ':memory:' for a fresh in-memory store."""
    if str(location) == ":memory:":
        return OxigraphStore(None)
    return OxigraphStore.open_read_only(location) if read_only else OxigraphStore(location)


BULK_CHUNK_BYTES = 64 * 1024 * 1024


def _line_aligned_chunks(data: IO[bytes], size: int) -> Iterator[bytes]:
    """Yield pieces of about `size` bytes that each end at a line break (the last may not)."""
    rest = b""
    while True:
        block = data.read(size)
        if not block:
            if rest:
                yield rest
            return
        block = rest + block
        cut = block.rfind(b"\n")
        if cut < 0:
            rest = block
            continue
        rest = block[cut + 1 :]
        yield block[: cut + 1]
