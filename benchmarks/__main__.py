"""`make bench`: the loader, the SPARQL service and the path questions, measured side by side
with their peers in one run. Prints a Markdown report and writes it, with the raw figures as
JSON, to benchmarks/out/ (or --out).

    python -m benchmarks [--acts N] [--quick] [--out DIR] [--requests N] [--no-wrk]
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from benchmarks import bench_loader, bench_sparql, report
from benchmarks.generate_study import generate

OUT = Path(__file__).resolve().parent / "out"
QUICK_ACTS = 500
FULL_ACTS = 200_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark cdkg against pyoxigraph bulk_load, Oxigraph server and "
        "rdflib-endpoint on a generated study; report medians, ratios and the targets.",
    )
    parser.add_argument("--acts", type=int, help=f"classification acts (default {FULL_ACTS:,})")
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and few requests, no wrk (a smoke run)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help="folder for results.md/.json")
    parser.add_argument("--requests", type=int, help="timed requests per query and server")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated study")
    parser.add_argument("--no-wrk", action="store_true", help="use the Python load generator")
    parser.add_argument("--skip-paths", action="store_true", help="leave out the paths benchmark")
    args = parser.parse_args(argv)
    if args.acts is not None and args.acts < 1:
        parser.error(f"--acts must be at least 1, got {args.acts}")
    if args.requests is not None and args.requests < 1:
        parser.error(f"--requests must be at least 1, got {args.requests}")
    return args


def options(args: argparse.Namespace, acts: int) -> bench_sparql.Options:
    if args.quick:
        opt = bench_sparql.Options(
            acts=acts,
            requests=3,
            warmup=1,
            budget_s=5.0,
            request_timeout_s=60.0,
            start_timeout_s=120.0,
            throughput_s=1.0,
            use_wrk=False,
            stream_rows=20_000,
        )
    else:
        opt = bench_sparql.Options(acts=acts, use_wrk=not args.no_wrk)
    if args.requests is not None:
        opt.requests = args.requests
    return opt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    acts = args.acts or (QUICK_ACTS if args.quick else FULL_ACTS)
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # progress lines show up at once under make, too
        reconfigure(line_buffering=True)
    results: dict[str, Any] = {"config": _config(acts, args), "timings_s": {}}
    timings = results["timings_s"]
    began = time.perf_counter()
    failed = False
    with tempfile.TemporaryDirectory(prefix="cdkg-bench-") as tmp:
        work = Path(tmp)
        study = work / "study"
        print(f"generating a study with {acts:,} acts", flush=True)
        generate(study, acts, args.seed)
        print("loader: cdkg load, then bulk_load of the same triples", flush=True)
        phase = time.perf_counter()
        try:
            loader, nquads = bench_loader.run(study, work)
        except bench_loader.BenchError as exc:
            print(f"loader benchmark failed: {exc}", file=sys.stderr)
            results["loader"] = {"error": str(exc).splitlines()[0]}
            results["sparql"] = {"error": "needs the store the loader benchmark writes"}
            failed = True
        else:
            timings["loader"] = time.perf_counter() - phase
            graphs = loader["cdkg_load"].pop("graphs")
            results["loader"] = loader
            _print_loader(loader)
            print("SPARQL: cdkg serve, oxigraph serve, rdflib-endpoint", flush=True)
            phase = time.perf_counter()
            results["sparql"] = bench_sparql.run(
                nquads, graphs, work / "cdkg-store", work, options(args, acts)
            )
            timings["sparql"] = time.perf_counter() - phase
        phase = time.perf_counter()
        results["paths"] = run_paths(study, args.skip_paths)
        timings["paths"] = time.perf_counter() - phase
    timings["total"] = time.perf_counter() - began
    text = report.write(results, args.out)
    print()
    print(text)
    print(f"written to {args.out / 'results.md'} and {args.out / 'results.json'}")
    return 1 if failed else 0


def _print_loader(loader: dict[str, Any]) -> None:
    for key in ("cdkg_load", "bulk_load", "bulk_load_nquads", "bulk_load_nquads_sliced"):
        run = loader[key]
        print(
            f"  {key:<23} {run['triples']:,} triples in {run['seconds']:.1f} s "
            f"({run['triples_per_s']:,.0f}/s), peak RSS {run['peak_rss_mb']:,.0f} MB",
            flush=True,
        )


def run_paths(study: Path, skip: bool, module: str = "benchmarks.bench_paths") -> dict[str, Any]:
    """The paths benchmark's rows (issue 4), when its module is part of this tree."""
    if skip:
        return {"status": "skipped (--skip-paths)"}
    if importlib.util.find_spec(module) is None:
        return {"status": f"{module} is not present"}
    print("paths: bench_paths.run", flush=True)
    started = time.perf_counter()
    try:
        rows = importlib.import_module(module).run(study)
    except Exception as exc:  # another module's failure is reported, not fatal to the report
        return {"status": f"failed: {type(exc).__name__}: {exc}"}
    return {"status": "ok", "seconds": time.perf_counter() - started, "rows": list(rows)}


def _config(acts: int, args: argparse.Namespace) -> dict[str, Any]:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "acts": acts,
        "quick": args.quick,
        "seed": args.seed,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}, load average {load:.1f} at start"
        if load is not None
        else f"{os.cpu_count()} cores",
        "versions": {
            name: _version(name)
            for name in (
                "pyoxigraph",
                "oxigraph",
                "rdflib",
                "rdflib-endpoint",
                "fastapi",
                "uvicorn",
            )
        },
    }


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
