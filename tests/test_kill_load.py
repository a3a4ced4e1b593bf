"""A real `cdkg load` killed with SIGKILL at several moments leaves every reader's view intact.

The study is generated here: a few records in YAML and tens of thousands of classification acts
in CSV (docs/model.md), big enough that a load takes seconds, most of them in the bulk write.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from app.store import CATALOGUE_GRAPH, AccessLevel
from app.store.catalogue import visible_graphs
from app.store.oxigraph_store import OxigraphStore

ACTS = 8_000
CDKG = str(Path(sys.executable).with_name("cdkg"))
# Fractions of a full load's duration after which the load is killed.
KILL_POINTS = (0.1, 0.35, 0.6, 0.8, 0.95)


def write_study(folder: Path, title: str) -> None:
    folder.mkdir(parents=True)
    (folder / "study.yaml").write_text(
        f"""study:
  id: big
  title: {title}
  base: "https://example.org/big/"
  license: "https://creativecommons.org/licenses/by/4.0/"
  default_access: public
organizations:
  - {{id: V1, name: Vendor, types: [annotation_company]}}
  - {{id: C1, name: Client, types: [client]}}
persons:
  - {{id: A1}}
  - {{id: A2}}
memberships:
  - {{id: M1, person: A1, organization: V1, role: annotator, from: 2020-01-01}}
  - {{id: M2, person: A2, organization: V1, role: annotator, from: 2020-01-01}}
taxonomies:
  - id: T1
    label: Things
    developed_by: C1
    categories:
      - {{id: c1, label: one}}
      - {{id: c2, label: two}}
    versions:
      - {{id: T1-v1, label: Things 1, released: 2024-01-01, categories: [c1, c2]}}
projects:
  - id: PJ1
    title: Project
    client: C1
    vendor: V1
    start: 2024-01-01
    end: 2024-12-31
    taxonomy_versions: [T1-v1]
    staff: [A1, A2]
datasets:
  - {{id: DS1, title: Dataset, project: PJ1, producer: V1}}
""",
        encoding="utf-8",
    )
    items = "".join(f"i{i},DS1,image/jpeg\n" for i in range(ACTS))
    (folder / "data_items.csv").write_text("id,dataset,media_type\n" + items, encoding="utf-8")
    acts = "".join(
        f"X{i},A{1 + i % 2},i{i},c{1 + i % 2},T1-v1,PJ1,"
        f"2024-03-{1 + i % 28:02d}T10:{i % 60:02d}:00\n"
        for i in range(ACTS)
    )
    (folder / "acts.csv").write_text(
        "id,annotator,item,category,version,project,time\n" + acts, encoding="utf-8"
    )


@dataclass(frozen=True)
class View:
    """What readers can see: the catalogue's statements and a digest of the catalogued data."""

    catalogue: frozenset[str]
    data_digest: str
    data_graphs: frozenset[str]
    all_graphs: frozenset[str]

    def without_load_times(self) -> tuple[frozenset[str], str]:
        kept = (
            line
            for line in self.catalogue
            if "catalogue#loadedAt>" not in line and "catalogue#generation>" not in line
        )
        return frozenset(kept), self.data_digest


def view(path: Path) -> View:
    store = OxigraphStore.open_read_only(path)
    try:
        graphs = visible_graphs(store, AccessLevel.CONFIDENTIAL)
        dumped = io.BytesIO()
        store.dump(dumped, RdfFormat.N_QUADS)
        names = store.graph_names()
    finally:
        store.close()
    wanted = {f"<{g}>".encode() for g in graphs}
    catalogue = f"<{CATALOGUE_GRAPH}>".encode()
    data, listed = [], []
    for line in dumped.getvalue().splitlines():
        graph = line.rsplit(b" ", 2)[-2]
        if graph in wanted:
            data.append(line)
        elif graph == catalogue and b"catalogue#PendingGraph>" not in line:
            # Pending-graph marks are the loader's garbage-collection bookkeeping: no reader
            # consults them, and an interrupted load rightly leaves some behind.
            listed.append(line.decode())
    return View(
        frozenset(listed),
        hashlib.sha256(b"\n".join(sorted(data))).hexdigest(),
        frozenset(graphs),
        frozenset(names),
    )


def load(study: Path, store: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CDKG_STORE": str(store)}
    return subprocess.Popen(
        [CDKG, "load", "--quiet", str(study)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def finish(process: subprocess.Popen[bytes]) -> None:
    assert process.wait() == 0, "a normal load failed"


@pytest.mark.slow
def test_sigkill_during_load_leaves_the_previous_state(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_study(first, "Generated study, first version")
    write_study(second, "Generated study, second version")
    store = tmp_path / "store"

    started = time.monotonic()
    finish(load(first, store))
    full_load_s = time.monotonic() - started
    before = view(store)
    assert len(before.data_graphs) == 3

    clean = tmp_path / "clean"
    finish(load(second, clean))
    after = view(clean)
    assert after.data_graphs.isdisjoint(before.data_graphs)

    killed = 0
    for fraction in KILL_POINTS:
        process = load(second, store)
        time.sleep(full_load_s * fraction)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += process.wait() == -signal.SIGKILL
        else:
            process.wait()
        seen = view(store)
        if seen.data_graphs == before.data_graphs:
            assert seen.catalogue == before.catalogue, f"catalogue changed (kill at {fraction})"
            assert seen.data_digest == before.data_digest, f"data changed (kill at {fraction})"
        else:
            # Killed after the catalogue switched: then it is exactly the second load.
            assert seen.without_load_times() == after.without_load_times(), f"kill at {fraction}"
            break
    assert killed > 0, "every load finished before it could be killed"

    finish(load(second, store))
    final = view(store)
    assert final.without_load_times() == after.without_load_times()
    assert final.all_graphs == final.data_graphs | {CATALOGUE_GRAPH}, "orphan graphs left"
