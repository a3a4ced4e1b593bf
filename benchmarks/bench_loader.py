"""Loader throughput: `cdkg load` (prepare + publish) against pyoxigraph's own `bulk_load`.

Both run in a fresh subprocess each, into a fresh persistent store, so that their peak resident
memory is their own (`os.wait4` reports it per child). The children time only the work itself
(not interpreter start-up) and print one JSON line:

    python -m benchmarks.bench_loader load STUDY_DIR STORE KEEP_NQUADS
    python -m benchmarks.bench_loader bulk NTRIPLES STORE
    python -m benchmarks.bench_loader bulkq NQUADS STORE
    python -m benchmarks.bench_loader bulkq-sliced NQUADS STORE

`load` is what `cdkg load` does (read, check, map, SHACL, qc, publish with the catalogue) and
afterwards moves the N-Quads it published to KEEP_NQUADS, outside the timed part, so the
comparison runs on exactly the same triples. `bulk` is the issue's reference (the same triples
as N-Triples into the default graph); `bulkq` loads the published quads into their named graphs
in one call, `bulkq-sliced` through the loader's own store call, in the slices that keep it
under the memory bound: the most any loader can reach on this engine.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import QuerySolutions, RdfFormat

KIB = 1024
MIB = 1024 * 1024
REPO = Path(__file__).resolve().parent.parent


class BenchError(RuntimeError):
    """A benchmark step failed; the message says which step and why."""


@dataclass
class ChildRun:
    returncode: int
    wall_s: float
    peak_rss_bytes: int
    stdout: str
    stderr: str

    def report(self, step: str) -> dict[str, Any]:
        """The child's JSON line; raises BenchError with its stderr when it failed."""
        if self.returncode != 0:
            raise BenchError(f"{step} failed (exit {self.returncode}):\n{self.stderr[-3000:]}")
        lines = [line for line in self.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise BenchError(f"{step} printed no result:\n{self.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(lines[-1])
        return result


def run_measured(args: list[str], timeout: float, work: Path) -> ChildRun:
    """Run `args` to completion; its wall time and its own peak RSS (ru_maxrss of the child)."""
    out, err = work / "child.out", work / "child.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=stdout, stderr=stderr, cwd=REPO)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(
        process.returncode,
        wall,
        usage.ru_maxrss * KIB,  # Linux reports KiB
        out.read_text(encoding="utf-8", errors="replace"),
        err.read_text(encoding="utf-8", errors="replace"),
    )


def run(study_dir: Path, work: Path, timeout: float = 1800.0) -> tuple[dict[str, Any], Path]:
    """Measure both loads; returns the figures and the published N-Quads file (kept in `work`)."""
    nquads, ntriples = work / "published.nq", work / "published.nt"
    load = run_measured(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_loader",
            "load",
            str(study_dir),
            str(work / "cdkg-store"),
            str(nquads),
        ],
        timeout,
        work,
    )
    loaded = load.report("cdkg load")
    input_triples = export_ntriples(nquads, ntriples)
    bulk = run_measured(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_loader",
            "bulk",
            str(ntriples),
            str(work / "bulk-store"),
        ],
        timeout,
        work,
    )
    bulked = bulk.report("bulk_load")
    ntriples.unlink()
    shutil.rmtree(work / "bulk-store", ignore_errors=True)
    cdkg = _figures(loaded["triples"], loaded["seconds"], load)
    cdkg["graphs"] = loaded["graphs"]
    native = _figures(input_triples, bulked["seconds"], bulk)
    native["store_triples"] = bulked["store_triples"]
    figures: dict[str, Any] = {"cdkg_load": cdkg, "bulk_load": native}
    figures["ratio"] = _per(cdkg, native)
    # Two engine-side references for what the loader must write, the same quads into the same
    # named graphs (six indexes per quad instead of the default graph's three): in one call, and
    # in the line-aligned slices the loader feeds it to stay under its memory bound. The second
    # is the ceiling of any loader on this engine: it does nothing but the store's own work.
    for key, mode in (("bulk_load_nquads", "bulkq"), ("bulk_load_nquads_sliced", "bulkq-sliced")):
        child = run_measured(
            [sys.executable, "-m", "benchmarks.bench_loader", mode, str(nquads), str(work / key)],
            timeout,
            work,
        )
        reported = child.report(f"bulk_load N-Quads ({mode})")
        shutil.rmtree(work / key, ignore_errors=True)
        figures[key] = _figures(loaded["triples"], reported["seconds"], child)
        figures[key]["store_triples"] = reported["store_triples"]
    figures["ratio_nquads"] = _per(cdkg, figures["bulk_load_nquads"])
    figures["ceiling_ratio"] = _per(figures["bulk_load_nquads_sliced"], native)
    return figures, nquads


def _per(mine: dict[str, Any], reference: dict[str, Any]) -> float | None:
    rate: float = reference["triples_per_s"]
    return mine["triples_per_s"] / rate if rate else None


def _figures(triples: int, seconds: float, child: ChildRun) -> dict[str, Any]:
    return {
        "triples": triples,
        "seconds": seconds,
        "process_wall_s": child.wall_s,
        "triples_per_s": triples / seconds if seconds > 0 else 0.0,
        "peak_rss_mb": child.peak_rss_bytes / MIB,
    }


def export_ntriples(nquads: Path, ntriples: Path) -> int:
    """The quads of `nquads` as N-Triples, graph names dropped; returns how many were written.

    The loader writes one quad a line with an IRI graph name last, so cutting that name off is
    exact, and many times faster than a parse and serialise round trip through Python objects.
    """
    count = 0
    with nquads.open(encoding="utf-8") as lines, ntriples.open("w", encoding="utf-8") as out:
        for number, line in enumerate(lines, 1):
            triple, _graph = _split(line, nquads, number)
            out.write(triple + " .\n")
            count += 1
    return count


def select_graphs(nquads: Path, graphs: set[str], out: Path) -> int:
    """The quads of `nquads` whose graph is one of `graphs`, into `out`; returns their count."""
    count = 0
    with nquads.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as chosen:
        for number, line in enumerate(lines, 1):
            if _split(line, nquads, number)[1] in graphs:
                chosen.write(line)
                count += 1
    return count


def _split(line: str, path: Path, number: int) -> tuple[str, str]:
    """(subject predicate object, graph IRI) of one N-Quads line as the loader writes it."""
    triple, found, graph = line.rpartition(" <")
    if not found or not graph.endswith("> .\n"):
        raise BenchError(f"{path}:{number}: not a quad with a named graph: {line[:200]!r}")
    return triple, graph[: -len("> .\n")]


def _child_load(study_dir: Path, store_path: Path, keep: Path) -> dict[str, Any]:
    from app.store.oxigraph_store import open_store
    from loaders.pipeline import prepare, publish

    started = time.perf_counter()
    store = open_store(store_path)
    prepared = prepare([study_dir])
    try:
        publish(prepared, store)
        store.close()
        seconds = time.perf_counter() - started
        shutil.move(prepared.nquads_path, keep)
    finally:
        prepared.close()
    graphs = {g.iri: g.level.slug for source in prepared.sources for g in source.graphs}
    return {"seconds": seconds, "triples": prepared.triples, "graphs": graphs}


def _child_bulk(data: Path, store_path: Path, fmt: RdfFormat) -> dict[str, Any]:
    """pyoxigraph's own `bulk_load` of the whole file in one call."""
    from pyoxigraph import Store

    started = time.perf_counter()
    store = Store(str(store_path))
    store.bulk_load(path=data, format=fmt)
    store.flush()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "store_triples": len(store)}


def _child_bulk_quads_sliced(nquads: Path, store_path: Path) -> dict[str, Any]:
    """The loader's own store call (`OxigraphStore.bulk_load_quads`), without the loader."""
    from app.store.oxigraph_store import open_store

    started = time.perf_counter()
    store = open_store(store_path)
    with nquads.open("rb") as data:
        store.bulk_load_quads(data)
    store.close()
    seconds = time.perf_counter() - started
    counted = open_store(store_path).query("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(counted, QuerySolutions)
    return {"seconds": seconds, "store_triples": int(next(counted)[0].value)}


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "load":
        result = _child_load(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    elif len(argv) == 3 and argv[0] == "bulk":
        result = _child_bulk(Path(argv[1]), Path(argv[2]), RdfFormat.N_TRIPLES)
    elif len(argv) == 3 and argv[0] == "bulkq":
        result = _child_bulk(Path(argv[1]), Path(argv[2]), RdfFormat.N_QUADS)
    elif len(argv) == 3 and argv[0] == "bulkq-sliced":
        result = _child_bulk_quads_sliced(Path(argv[1]), Path(argv[2]))
    else:
        print(
            "usage: python -m benchmarks.bench_loader load STUDY STORE KEEP_NQ | "
            "bulk NTRIPLES STORE | bulkq|bulkq-sliced NQUADS STORE",
            file=sys.stderr,
        )
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
