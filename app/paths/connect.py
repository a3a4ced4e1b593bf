"""How two nodes are connected: simple paths up to a length bound, shortest first.

The search ignores edge direction (a client and an annotator are connected through an
imposition that points at both) and reports it per edge. It first measures every node's
distance to the target (one breadth-first search cut at the bound), then walks from the source
only into nodes that can still reach the target in the steps left, so the work is proportional
to the paths returned, not to every walk of that length.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from app.paths.model import Node, Subgraph
from app.paths.projection import Projection

MAX_LENGTH = 6
MAX_PATHS = 100


@dataclass(frozen=True)
class Connection:
    source: Node
    target: Node
    max_length: int
    limit: int
    paths: tuple[tuple[str, ...], ...]
    truncated: bool
    subgraph: Subgraph

    def to_json(self, projection: Projection) -> dict[str, Any]:
        return {
            "from": self.source.to_json(),
            "to": self.target.to_json(),
            "max_length": self.max_length,
            "limit": self.limit,
            "truncated": self.truncated,
            "paths": [_path_json(projection, p) for p in self.paths],
            **self.subgraph.to_json(),
        }


def connect(
    projection: Projection, source: Node, target: Node, max_length: int, limit: int
) -> Connection:
    paths, truncated = simple_paths(projection, source.iri, target.iri, max_length, limit)
    subgraph = Subgraph()
    subgraph.add_node(source)
    subgraph.add_node(target)
    for path in paths:
        for a, b in itertools.pairwise(path):
            for edge, _direction in projection.edges_between(a, b):
                subgraph.add_edge(edge, projection.node(edge.source), projection.node(edge.target))
    return Connection(source, target, max_length, limit, tuple(paths), truncated, subgraph)


def simple_paths(
    projection: Projection, source: str, target: str, max_length: int, limit: int
) -> tuple[list[tuple[str, ...]], bool]:
    """Simple paths from source to target of at most `max_length` edges, shortest first and
    then in IRI order; at most `limit` of them, with whether more exist."""
    if source == target:
        return [(source,)], False
    undirected = projection.memo("undirected", lambda: nx.from_dict_of_lists(projection.adjacent))
    distance: dict[str, int] = nx.single_source_shortest_path_length(
        undirected, target, cutoff=max_length
    )
    if source not in distance:
        return [], False
    found: list[tuple[str, ...]] = []
    for length in range(distance[source], max_length + 1):
        for path in _walks(projection.adjacent, distance, source, target, length):
            if len(found) == limit:
                return found, True
            found.append(path)
    return found, False


def _walks(
    adjacent: dict[str, tuple[str, ...]],
    distance: dict[str, int],
    source: str,
    target: str,
    length: int,
) -> Iterator[tuple[str, ...]]:
    """Simple paths of exactly `length` edges, depth first, pruned by distance to target."""
    path = [source]
    on_path = {source}

    def extend(node: str, left: int) -> Iterator[tuple[str, ...]]:
        if node == target:
            if left == 0:
                yield tuple(path)
            return
        for step in adjacent.get(node, ()):
            reach = distance.get(step)
            if reach is None or reach > left - 1 or step in on_path:
                continue
            path.append(step)
            on_path.add(step)
            yield from extend(step, left - 1)
            path.pop()
            on_path.discard(step)

    yield from extend(source, length)


def _path_json(projection: Projection, path: tuple[str, ...]) -> dict[str, Any]:
    steps = []
    for a, b in itertools.pairwise(path):
        edges = projection.edges_between(a, b)
        steps.append(
            {
                "from": a,
                "to": b,
                "edges": [edge.to_json(direction) for edge, direction in edges],
            }
        )
    return {
        "length": len(path) - 1,
        "nodes": list(path),
        "labels": [projection.node(iri).label for iri in path],
        "steps": steps,
    }
