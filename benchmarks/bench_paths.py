"""Paths, projection and analytics timings on a generated study (issue 4's targets).

    python -m benchmarks.bench_paths STUDY_DIR

`run(study_dir)` loads the study into an in-memory store behind the real app, then times, after
warm-up, the projection build of the owner's level, `/paths/connect` with `max_length=4` from a
client to an annotator its taxonomy reached, `/paths/chain/{id}` of the longest relay chain,
`/analytics/authority`, `/explain/{category}` and the canned queries that count acts; medians in
milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.analytics.authority import compute_authority
from app.main import create_app
from app.paths.chain import relay_chain
from app.paths.projection import Projection, build_projection
from app.paths.vocabulary import APPLIED, CDO, ontology_labels
from app.security.access import Viewer, get_viewer
from app.settings import Settings
from app.store.base import AccessLevel
from loaders.pipeline import prepare, publish

WARMUP = 3
RUNS = 25
BUILD_RUNS = 5
TARGETS_MS = {
    "projection": 2000.0,
    "connect": 50.0,
    "chain": 50.0,
    "analytics": 200.0,
    "canned": 200.0,
}
# The canned queries that count classification acts (issue 4, questions 9 and 12): they read the
# load-time summaries, so their cost follows the decision layer, not the number of acts.
COUNTING_QUERIES = ("residual-share", "proposers-overridden")


def run(study_dir: Path, runs: int = RUNS) -> list[dict[str, Any]]:
    settings = Settings(store=Path(":memory:"))
    app = create_app(settings)
    app.dependency_overrides[get_viewer] = lambda: Viewer("owner")
    rows: list[dict[str, Any]] = []
    with TestClient(app) as client:
        store = app.state.store
        started = time.perf_counter()
        with prepare([study_dir]) as prepared:
            publish(prepared, store)
        load_s = time.perf_counter() - started
        labels = ontology_labels(settings.ontology_dir / "cdo.ttl")
        build = _median_ms(
            lambda: build_projection(store, AccessLevel.CONFIDENTIAL, labels), 1, BUILD_RUNS
        )
        projection = build_projection(store, AccessLevel.CONFIDENTIAL, labels)
        rows.append(_row("projection build (owner level)", "projection", build, projection))
        rows[-1]["load_s"] = round(load_s, 1)
        first = _median_ms(lambda: compute_authority(projection), 0, 1)
        rows.append(
            _row("authority figures, first computation after a write", None, first, projection)
        )
        source, target, imposition, category = _subjects(projection)
        for name, key, url in (
            (
                f"/paths/connect {source} -> {target}, max_length=4",
                "connect",
                f"/paths/connect?from={source}&to={target}&max_length=4",
            ),
            (f"/paths/chain/{imposition}", "chain", f"/paths/chain/{imposition}"),
            ("/analytics/authority", "analytics", "/analytics/authority"),
            (f"/explain/{category}", None, f"/explain/{category}"),
        ):
            median = _median_ms(partial(_get, client, url), WARMUP, runs)
            rows.append(_row(name, key, median, projection))
        for query in COUNTING_QUERIES:
            url = f"/queries/{query}"
            median = _median_ms(partial(_get, client, url), WARMUP, runs)
            rows.append(_row(url, "canned", median, projection))
    return rows


def _get(client: TestClient, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:200]}")


def _subjects(p: Projection) -> tuple[str, str, str, str]:
    """A client, an annotator its longest relay chain reached, that chain's root imposition,
    and the category that annotator applied most often."""
    roots = [n for n in p.nodes("imposition") if not p.targets(n.iri, CDO + "relays")]
    best = max(roots, key=lambda n: (len(relay_chain(p, n).steps), n.id))
    chain = relay_chain(p, best)
    imposer = p.targets(best.iri, CDO + "imposedBy")[0]
    clients = [o for o in p.targets(imposer.iri, "http://www.w3.org/ns/org#memberOf")]
    source = clients[0] if clients else imposer
    reached = chain.reached[-1].agent if chain.reached else imposer
    applied = p.out_edges(reached.iri, APPLIED)
    top = max(applied, key=lambda e: e.weight or 0).target if applied else None
    category = p.node(top) if top else p.nodes("category")[0]
    return source.ref, reached.ref, best.ref, category.ref


def _median_ms(action: Callable[[], object], warmup: int, runs: int) -> float:
    for _ in range(warmup):
        action()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _row(name: str, key: str | None, median: float, p: Projection) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": name,
        "median_ms": round(median, 2),
        "nodes": p.graph.number_of_nodes(),
        "edges": p.graph.number_of_edges(),
    }
    if key is not None:
        row["target"] = f"median < {TARGETS_MS[key]:.0f} ms"
        row["met"] = median < TARGETS_MS[key]
    return row


if __name__ == "__main__":
    for result in run(Path(sys.argv[1])):
        print(result)
