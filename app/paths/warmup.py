"""Building the path projections in the background when the server starts.

On a disk store of a large study, the first projection of a level takes a few seconds (its
three SELECTs read the decision layer cold), and without this the first path, analytics or
datasheet request of each level would wait for it. One thread builds the levels in turn, most
common readers first, through the same cache the routes use (`app.paths.cache`), so a request
that arrives meanwhile waits for the build already under way instead of starting another.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from app.paths.cache import get_projection
from app.store.base import AccessLevel, GraphStore, StoreError

logger = logging.getLogger(__name__)

# Anonymous readers first, owners last: the order in which readers usually arrive.
LEVELS = (AccessLevel.PUBLIC, AccessLevel.RESTRICTED, AccessLevel.CONFIDENTIAL)


class ProjectionWarmup:
    """A daemon thread that builds every level's projection once; `stop()` waits for it."""

    def __init__(self, store: GraphStore, ontology_file: Path) -> None:
        self._store = store
        self._ontology_file = ontology_file
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="projection-warmup", daemon=True)

    def start(self) -> ProjectionWarmup:
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """Whether every level was built (or the thread gave up) within `timeout` seconds."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        """Build no further level and wait for the one under way (the store closes next)."""
        self._stopping.set()
        self._thread.join()

    def _run(self) -> None:
        for level in LEVELS:
            if self._stopping.is_set():
                return
            try:
                get_projection(self._store, level, self._ontology_file)
            except (StoreError, OSError, RuntimeError, ValueError) as exc:
                # Nothing is lost: the first request of that level builds the projection itself
                # and reports whatever went wrong to its caller.
                logger.warning("building the %s path projection ahead failed: %s", level.slug, exc)
                return
