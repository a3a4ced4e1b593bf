"""The benchmark results as Markdown tables, with the issues' targets marked met or not met.

`results` is the plain dict that `python -m benchmarks` builds and also writes as JSON; this
module only reads it, so a saved `results.json` can be rendered again.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PEERS = ("cdkg", "oxigraph", "rdflib-endpoint")
SHOWN = {"cdkg": "cdkg", "oxigraph": "Oxigraph server", "rdflib-endpoint": "rdflib-endpoint"}
POINT_SLACK_MS = 1.5
SLOW_MS = 10.0
SLOW_RATIO = 1.15
RDFLIB_LATENCY = 3.0
POINT_RPS = 2500.0
JOIN_SHARE = 0.85
RDFLIB_THROUGHPUT = 5.0
STREAM_MB = 100.0
LOADER_RATIO = 0.5
LOADER_PEAK_MB = 1024.0


def write(results: dict[str, Any], out_dir: Path) -> str:
    """Write results.json and results.md into `out_dir`; returns the Markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results["targets"] = targets(results)
    text = markdown(results)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (out_dir / "results.md").write_text(text, encoding="utf-8")
    return text


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target: what it asks, what was measured, and met (True/False/None when it
    could not be measured)."""
    rows: list[dict[str, Any]] = []
    rows += _loader_targets(results.get("loader"))
    sparql = results.get("sparql") or {}
    for query in sparql.get("queries", []):
        rows += _latency_targets(query)
    for load in sparql.get("throughput", []):
        rows += _throughput_targets(load)
    for stream in sparql.get("streaming", []):
        if stream["server"] == "cdkg":
            rise = max(stream["rss_increase_mb"], stream["hwm_increase_mb"])
            rows.append(
                _row(
                    f"streaming {stream['rows']:,} rows as CSV: cdkg peak memory rise "
                    f"< {STREAM_MB:.0f} MB",
                    f"+{rise:.1f} MB",
                    rise < STREAM_MB,
                )
            )
    for path in (results.get("paths") or {}).get("rows", []):
        if "target" in path and "met" in path:
            name = path.get("name", path.get("what", "paths"))
            median = path.get("median_ms")
            measured = path.get("measured", "" if median is None else f"{median:,.1f} ms")
            rows.append(_row(f"{name}: {path['target']}", str(measured), path["met"]))
    return rows


def _row(target: str, measured: str, met: bool | None) -> dict[str, Any]:
    return {"target": target, "measured": measured, "met": met}


def _loader_targets(loader: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not loader or "ratio" not in loader:
        return []
    ratio, peak = loader["ratio"], loader["cdkg_load"]["peak_rss_mb"]
    return [
        _row(
            f"loader >= {LOADER_RATIO}x bulk_load's triples/s", _ratio(ratio), ratio >= LOADER_RATIO
        ),
        _row(f"loader peak RSS < {LOADER_PEAK_MB:.0f} MB", f"{peak:.0f} MB", peak < LOADER_PEAK_MB),
    ]


def _latency_targets(query: dict[str, Any]) -> list[dict[str, Any]]:
    median = query["median_ms"]
    mine, oxi, rdf = (median.get(name) for name in PEERS)
    name = query["name"]
    rows = []
    if query["point"]:
        met = None if mine is None or oxi is None else mine <= oxi + POINT_SLACK_MS
        measured = _vs(mine, oxi, "Oxigraph") + (
            f" (+{mine - oxi:.2f} ms)" if mine is not None and oxi is not None else ""
        )
        rows.append(_row(f"{name}: median <= Oxigraph + {POINT_SLACK_MS} ms", measured, met))
    elif oxi is not None and oxi >= SLOW_MS:
        met = None if mine is None else mine <= SLOW_RATIO * oxi
        measured = _vs(mine, oxi, "Oxigraph") + (f" ({_ratio(mine / oxi)})" if mine else "")
        rows.append(_row(f"{name}: median <= {SLOW_RATIO}x Oxigraph (>= 10 ms)", measured, met))
    timed_out = "timed out" in str(query.get("errors", {}).get("rdflib-endpoint", ""))
    if mine is not None and (rdf is not None or timed_out):
        if rdf is None:
            rows.append(
                _row(f"{name}: >= 3x faster than rdflib-endpoint", "rdflib timed out", True)
            )
        else:
            measured = _vs(mine, rdf, "rdflib") + f" ({_ratio(rdf / mine)} faster)"
            met = rdf >= RDFLIB_LATENCY * mine
            rows.append(_row(f"{name}: >= {RDFLIB_LATENCY:.0f}x faster than rdflib", measured, met))
    return rows


def _throughput_targets(load: dict[str, Any]) -> list[dict[str, Any]]:
    rps = load["rps"]
    mine, oxi, rdf = (rps.get(name) for name in PEERS)
    if mine is None:
        return []
    if load["name"] == "point":
        return [_row(f"point: >= {POINT_RPS:,.0f} req/s", f"{mine:,.0f} req/s", mine >= POINT_RPS)]
    if load["name"] != "join":
        return []
    rows = []
    if oxi:
        share = mine / oxi
        rows.append(
            _row(
                f"join: >= {JOIN_SHARE:.0%} of Oxigraph's req/s",
                f"{mine:,.0f} vs {oxi:,.0f} req/s ({share:.0%})",
                share >= JOIN_SHARE,
            )
        )
    if rdf is not None:
        measured = f"{mine:,.0f} vs {rdf:,.1f} req/s" + (f" ({_ratio(mine / rdf)})" if rdf else "")
        met = mine >= RDFLIB_THROUGHPUT * rdf
        rows.append(_row(f"join: >= {RDFLIB_THROUGHPUT:.0f}x rdflib's req/s", measured, met))
    return rows


def _vs(mine: float | None, other: float | None, who: str) -> str:
    return f"{_ms(mine)} vs {who} {_ms(other)} ms"


def _seconds(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return [*lines, ""]


def markdown(results: dict[str, Any]) -> str:
    config = results["config"]
    lines = [
        "## Benchmarks",
        "",
        f"One run of `python -m benchmarks` on a generated study of {config['acts']:,} "
        f"classification acts, all tools side by side on the same machine ({config['machine']}). "
        "Figures are medians and ratios from a shared machine, not guarantees.",
        "",
    ]
    total = results.get("timings_s", {}).get("total")
    if total is not None:
        lines[-2] += f" The whole run took {total / 60:.1f} min."
    lines += _loader_section(results.get("loader"))
    lines += _sparql_section(results.get("sparql"))
    lines += _paths_section(results.get("paths"))
    lines += ["### Targets", ""]
    verdict = {True: "met", False: "**not met**", None: "not measured"}
    rows = [[t["target"], t["measured"], verdict[t["met"]]] for t in results.get("targets", [])]
    lines += _table(["target", "measured", ""], rows)
    return "\n".join(lines)


def _loader_section(loader: dict[str, Any] | None) -> list[str]:
    lines = ["### Loader (issue 2)", ""]
    if not loader or "error" in loader:
        return [*lines, f"Not measured: {(loader or {}).get('error', 'skipped')}", ""]
    rows = []
    for key, label in (
        ("cdkg_load", "`cdkg load`: read, check, map, SHACL, qc, publish + catalogue"),
        ("bulk_load", "pyoxigraph `Store.bulk_load`, same triples as N-Triples"),
        ("bulk_load_nquads", "pyoxigraph `Store.bulk_load`, same quads into the same named graphs"),
        (
            "bulk_load_nquads_sliced",
            "the same, in the loader's 64 MB slices (its store call alone, under 1 GB)",
        ),
    ):
        if key not in loader:
            continue
        run = loader[key]
        rows.append(
            [
                label,
                f"{run['triples']:,}",
                _seconds(run["seconds"]),
                f"{run['triples_per_s']:,.0f}",
                f"{run['peak_rss_mb']:,.0f}",
            ]
        )
    rows.append(["cdkg load / bulk_load", "", "", _ratio(loader["ratio"]), ""])
    if loader.get("ratio_nquads") is not None:
        rows.append(
            ["cdkg load / bulk_load of the N-Quads", "", "", _ratio(loader["ratio_nquads"]), ""]
        )
    if loader.get("ceiling_ratio") is not None:
        rows.append(
            [
                "ceiling: sliced N-Quads / N-Triples bulk_load",
                "",
                "",
                _ratio(loader["ceiling_ratio"]),
                "",
            ]
        )
    return lines + _table(["", "triples", "seconds", "triples/s", "peak RSS (MB)"], rows)


def _sparql_section(sparql: dict[str, Any] | None) -> list[str]:
    lines = ["### SPARQL service (issue 3)", ""]
    if not sparql or "error" in sparql:
        return [*lines, f"Not measured: {(sparql or {}).get('error', 'skipped')}", ""]
    lines += [
        f"The same {sparql['peer_triples']:,} triples behind each server: cdkg is queried with a "
        f"`{sparql['reader']}` token (public and restricted graphs, their union as default "
        "graph); the peers serve exactly those graphs with the union as default graph.",
        "",
    ]
    lines += _servers_table(sparql["servers"])
    lines += ["Median latency (ms), sequential keep-alive requests after warm-up:", ""]
    rows = []
    for query in sparql["queries"]:
        median, rows_seen = query["median_ms"], query["rows"]
        mine, oxi, rdf = (median.get(n) for n in PEERS)
        cells = [
            _ms(median.get(n)) if n not in query["errors"] else query["errors"][n] for n in PEERS
        ]
        counts = {rows_seen.get(n) for n in PEERS if rows_seen.get(n) is not None}
        shown_rows = ", ".join(f"{c:,}" for c in sorted(counts)) + (" (differ)" * (len(counts) > 1))
        rows.append(
            [
                query["title"],
                shown_rows,
                *cells,
                _ratio(mine / oxi if mine and oxi else None),
                _ratio(rdf / mine if mine and rdf else None),
            ]
        )
    header = ["query", "rows", *(SHOWN[n] for n in PEERS), "cdkg / Oxigraph", "rdflib / cdkg"]
    lines += _table(header, rows)
    lines += _throughput_section(sparql.get("throughput", []))
    lines += _streaming_section(sparql.get("streaming", []))
    return lines


def _servers_table(servers: dict[str, Any]) -> list[str]:
    rows = []
    for name in PEERS:
        state = servers.get(name, {"status": "not run"})
        if state["status"] != "ok":
            rows.append([SHOWN[name], state["status"].splitlines()[0], "", ""])
            continue
        start = f"{state['start_s']:.1f}"
        if name == "oxigraph" and "load_s" in state:
            start += f" (`oxigraph load` {state['load_s']:.1f})"
        rows.append([SHOWN[name], "ok", start, f"{state['rss_after_start_mb']:,.0f}"])
    return _table(["server", "status", "start-up incl. loading (s)", "RSS when ready (MB)"], rows)


def _throughput_section(loads: list[dict[str, Any]]) -> list[str]:
    if not loads:
        return []
    tool = loads[0]["tool"]
    note = "wrk, 2 threads" if tool == "wrk" else f"Python asyncio + httpx; {tool}"
    lines = [f"Throughput (successful requests/s), 8 concurrent clients ({note}):", ""]
    rows = []
    for load in loads:
        rps = load["rps"]
        mine, oxi, rdf = (rps.get(n) for n in PEERS)
        cells = ["-" if rps.get(n) is None else f"{rps[n]:,.0f}" for n in PEERS]
        rows.append(
            [
                load["name"],
                *cells,
                _ratio(mine / oxi if mine is not None and oxi else None),
                _ratio(mine / rdf if mine is not None and rdf else None),
            ]
        )
    header = ["query", *(SHOWN[n] for n in PEERS), "cdkg / Oxigraph", "cdkg / rdflib"]
    return lines + _table(header, rows)


def _streaming_section(streams: list[dict[str, Any]]) -> list[str]:
    if not streams:
        return []
    lines = ["Streaming a large SELECT as CSV (server process tree, including query workers):", ""]
    rows = [
        [
            SHOWN[s["server"]],
            f"{s['rows']:,}",
            f"{s['seconds']:.1f}",
            f"{s['mb']:.0f}",
            f"+{s['rss_increase_mb']:.1f}",
            f"+{s['hwm_increase_mb']:.1f}",
        ]
        for s in streams
    ]
    header = ["server", "rows", "seconds", "MB sent", "peak RSS rise (MB)", "VmHWM rise (MB)"]
    return lines + _table(header, rows)


def _paths_section(paths: dict[str, Any] | None) -> list[str]:
    lines = ["### Paths (issue 4)", ""]
    if not paths or not paths.get("rows"):
        return [*lines, f"Not measured: {(paths or {}).get('status', 'skipped')}", ""]
    header: list[str] = []
    for row in paths["rows"]:
        header += [key for key in row if key not in header]
    rows = [[_cell(row.get(key)) for key in header] for row in paths["rows"]]
    return lines + _table(header, rows)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "met" if value else "**not met**"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def main(argv: list[str]) -> int:
    """Render a saved results.json again: python -m benchmarks.report results.json"""
    if len(argv) != 1:
        print("usage: python -m benchmarks.report RESULTS_JSON", file=sys.stderr)
        return 2
    try:
        results = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"{argv[0]}: cannot read the results: {exc}", file=sys.stderr)
        return 1
    results["targets"] = targets(results)
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
