"""The SPARQL service side by side: `cdkg serve`, `oxigraph serve` and `rdflib-endpoint`.

All three serve the same triples: the quads cdkg published, restricted to the graphs the cdkg
reader used here may see (a researcher token: public and restricted graphs). The peers read the
union of those graphs as their default graph, which is what cdkg gives a reader. Every query is
sent with the same text to the three servers; latency is the median of sequential keep-alive
requests after warm-up, throughput comes from 8 concurrent clients (wrk, or a Python load
generator when wrk is missing), and streaming measures cdkg's memory while it serves a large CSV
result. The queries are in `benchmarks.sparql_queries`, the load generators in
`benchmarks.load_generators`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.bench_loader import MIB, select_graphs
from benchmarks.load_generators import ensure_wrk, python_load, wrk_load
from benchmarks.servers import (
    SPARQL_JSON,
    MemoryWatch,
    Server,
    ServerError,
    create_token,
    memory_kib,
    oxigraph_load,
    start_cdkg,
    start_oxigraph,
    start_rdflib_endpoint,
    tree_rss_kib,
)
from benchmarks.sparql_queries import Query, queries

READER_ROLE = "researcher"
READER_LEVELS = ("public", "restricted")
SERVERS = ("cdkg", "oxigraph", "rdflib-endpoint")


@dataclass
class Options:
    acts: int
    requests: int = 30
    warmup: int = 3
    budget_s: float = 20.0
    request_timeout_s: float = 120.0
    start_timeout_s: float = 1200.0
    throughput_s: float = 10.0
    use_wrk: bool = True
    stream_rows: int = 1_000_000


def run(nquads: Path, graphs: dict[str, str], cdkg_store: Path, work: Path, opt: Options) -> Any:
    """Serve the data three ways and measure; a peer that cannot run is reported, not fatal."""
    results: dict[str, Any] = {"reader": READER_ROLE, "servers": {}, "queries": []}
    visible = {iri for iri, level in graphs.items() if level in READER_LEVELS}
    peer_data = work / "peers.nq"
    results["peer_triples"] = select_graphs(nquads, visible, peer_data)
    servers: dict[str, Server] = {}
    try:
        _start_all(servers, results["servers"], peer_data, cdkg_store, work, opt)
        for query in queries(opt.acts):
            results["queries"].append(_latencies(query, servers, opt))
        by_name = {q.name: q for q in queries(opt.acts)}
        results["throughput"] = _throughputs([by_name["point"], by_name["join"]], servers, opt)
        results["streaming"] = [
            _streaming(servers[name], opt) for name in ("cdkg", "oxigraph") if name in servers
        ]
    finally:
        for server in servers.values():
            server.stop()
    return results


def _start_all(
    servers: dict[str, Server],
    status: dict[str, Any],
    peer_data: Path,
    cdkg_store: Path,
    work: Path,
    opt: Options,
) -> None:
    # rdflib-endpoint parses everything before it listens: start it first, while nothing
    # else is being measured.
    loading: dict[str, float] = {}

    def rdflib() -> Server:
        return start_rdflib_endpoint(peer_data, work, opt.start_timeout_s)

    def oxigraph() -> Server:
        location = work / "oxigraph-store"
        loading["oxigraph"] = oxigraph_load(location, peer_data, work)
        return start_oxigraph(location, work, opt.start_timeout_s)

    def cdkg() -> Server:
        tokens = work / "tokens.json"
        token = create_token(cdkg_store, tokens, READER_ROLE)
        return start_cdkg(cdkg_store, tokens, work, token, opt.start_timeout_s)

    starters: dict[str, Callable[[], Server]] = {
        "rdflib-endpoint": rdflib,
        "oxigraph": oxigraph,
        "cdkg": cdkg,
    }
    for name, start in starters.items():
        began = time.perf_counter()
        try:
            servers[name] = start()
        except ServerError as exc:
            status[name] = {"status": f"not run: {exc}"}
            print(f"  {name}: not run: {exc}", flush=True)
            continue
        ready = time.perf_counter() - began
        rss = tree_rss_kib(servers[name].pid) * 1024 / MIB
        status[name] = {"status": "ok", "start_s": ready, "rss_after_start_mb": rss}
        if name in loading:
            status[name]["load_s"] = loading[name]
        print(f"  {name}: ready in {ready:.1f} s, {rss:.0f} MB resident", flush=True)


def _latencies(query: Query, servers: dict[str, Server], opt: Options) -> dict[str, Any]:
    row: dict[str, Any] = {"name": query.name, "title": query.title, "point": query.point}
    row["median_ms"], row["samples"], row["rows"], row["errors"] = {}, {}, {}, {}
    for name, server in _in_order(servers):
        median, samples, rows, error = _latency(server, query.text, opt)
        row["median_ms"][name], row["samples"][name] = median, samples
        row["rows"][name] = rows
        if error:
            row["errors"][name] = error
        shown = f"{median:.2f} ms" if median is not None else error
        print(f"  {query.name:<10} {name:<16} {shown} ({samples} requests, {rows} rows)")
    return row


def _in_order(servers: dict[str, Server]) -> list[tuple[str, Server]]:
    return [(name, servers[name]) for name in SERVERS if name in servers]


def _latency(
    server: Server, text: str, opt: Options
) -> tuple[float | None, int, int | None, str | None]:
    """(median ms, samples, rows of the answer, error): warm-up, then sequential requests until
    `opt.requests` are done or the time budget is spent (at least three when time allows)."""
    headers = {**server.headers, "Accept": SPARQL_JSON}
    times: list[float] = []
    rows = None
    with httpx.Client(timeout=opt.request_timeout_s) as client:
        began = time.perf_counter()
        for n in range(opt.warmup + opt.requests):
            started = time.perf_counter()
            try:
                answer = client.get(server.endpoint, params={"query": text}, headers=headers)
            except httpx.TimeoutException:
                error = f"timed out after {opt.request_timeout_s:.0f} s"
                return _median(times), len(times), rows, error
            except httpx.HTTPError as exc:
                return _median(times), len(times), rows, f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                return _median(times), len(times), rows, f"HTTP {answer.status_code}"
            if rows is None:
                rows = len(answer.json()["results"]["bindings"])
            if n >= opt.warmup:
                times.append(elapsed * 1000)
            spent = time.perf_counter() - began
            if spent > opt.budget_s and len(times) >= min(3, opt.requests):
                break
    return _median(times), len(times), rows, None


def _median(times: list[float]) -> float | None:
    return statistics.median(times) if times else None


def _throughputs(chosen: list[Query], servers: dict[str, Server], opt: Options) -> Any:
    wrk = ensure_wrk() if opt.use_wrk else None
    if wrk:
        tool = "wrk"
    elif opt.use_wrk:
        tool = "wrk could not be installed, so figures are lower bounds"
    else:
        tool = "wrk not asked for"
    rows = []
    for query in chosen:
        row: dict[str, Any] = {"name": query.name, "tool": tool, "rps": {}, "failed": {}}
        for name, server in _in_order(servers):
            headers = {**server.headers, "Accept": SPARQL_JSON}
            args = (server.endpoint, query.text, headers, opt.throughput_s)
            try:
                load = wrk_load(wrk, *args) if wrk else python_load(*args)
            except ServerError as exc:
                row["rps"][name], row["failed"][name] = None, str(exc)
                print(f"  {query.name:<10} {name:<16} {exc}", flush=True)
                continue
            row["rps"][name], row["failed"][name] = load.rps, load.failed
            print(
                f"  {query.name:<10} {name:<16} {load.rps:,.0f} req/s, {load.failed} failed",
                flush=True,
            )
        rows.append(row)
    return rows


def _streaming(server: Server, opt: Options) -> dict[str, Any]:
    """Stream `opt.stream_rows` rows as CSV from `server` and watch its memory meanwhile."""
    text = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {opt.stream_rows}"
    headers = {**server.headers, "Accept": "text/csv"}
    watch = MemoryWatch(server.pid)
    lines = 0
    received = 0
    with watch, httpx.Client(timeout=opt.request_timeout_s * 5) as client:
        started = time.perf_counter()
        with client.stream("GET", server.endpoint, params={"query": text}, headers=headers) as r:
            status = r.status_code
            for chunk in r.iter_bytes():
                lines += chunk.count(b"\n")
                received += len(chunk)
        seconds = time.perf_counter() - started
    result = {
        "server": server.name,
        "status": status,
        "rows": max(0, lines - 1),
        "seconds": seconds,
        "mb": received / MIB,
        "baseline_mb": watch.baseline_kib / 1024,
        "rss_increase_mb": watch.peak_increase_kib / 1024,
        "hwm_increase_mb": watch.hwm_increase_kib / 1024,
        "rss_after_mb": tree_rss_kib(server.pid) / 1024,
        "server_hwm_mb": memory_kib(server.pid, "VmHWM") / 1024,
    }
    print(
        f"  stream     {server.name:<16} {result['rows']:,} rows in {seconds:.1f} s, "
        f"peak RSS +{result['rss_increase_mb']:.1f} MB",
        flush=True,
    )
    return result
