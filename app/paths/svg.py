"""A picture of a subgraph as SVG: labelled nodes in columns by distance from the first node
(networkx's multipartite layout), labelled arrows for edges. Plain SVG 1.1, no script."""

from __future__ import annotations

from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from app.paths.model import Edge, Subgraph

COLUMN_WIDTH = 240
ROW_HEIGHT = 64
MARGIN = 90
NODE_WIDTH = 150
NODE_HEIGHT = 30
MAX_LABEL = 22
COLOURS: dict[str, str] = {
    "person": "#fde2c8",
    "org": "#f9c9c9",
    "unit": "#f9dede",
    "document": "#d7e8fb",
    "rule": "#cfe3f0",
    "taxonomy": "#dcf2d5",
    "version": "#cdeccd",
    "category": "#b9e4b9",
    "imposition": "#fff2b3",
    "proposal": "#eadcf7",
    "excluded-category": "#e0c8f4",
    "objection": "#f4d0e8",
    "change": "#e8f0c0",
    "project": "#e6e6e6",
    "dataset": "#d9d9d9",
}


def render_svg(subgraph: Subgraph, title: str) -> str:
    positions = _layout(subgraph)
    xs = [x for x, _y in positions.values()] or [0.0]
    ys = [y for _x, y in positions.values()] or [0.0]
    width = int(max(xs) + MARGIN * 2 + NODE_WIDTH)
    height = int(max(ys) + MARGIN * 2 + NODE_HEIGHT)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" '
        'font-size="12">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    out += _edges(subgraph, positions)
    out += _nodes(subgraph, positions)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _layout(subgraph: Subgraph) -> dict[str, tuple[float, float]]:
    """Columns by undirected distance from the first node (networkx's multipartite layout
    places them); within a column, nodes sit near the mean row of their neighbours in earlier
    columns, which keeps most edges short and uncrossed."""
    if not subgraph.nodes:
        return {}
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(subgraph.nodes)
    graph.add_edges_from((e.source, e.target) for e in subgraph.edges.values())
    first = next(iter(subgraph.nodes))
    distance: dict[str, int] = nx.single_source_shortest_path_length(graph, first)
    last = max(distance.values()) + 1
    for iri in graph.nodes:
        graph.nodes[iri]["layer"] = distance.get(iri, last)
    raw = nx.multipartite_layout(graph, subset_key="layer", align="vertical", scale=1.0)
    columns: defaultdict[float, list[str]] = defaultdict(list)
    for iri in subgraph.nodes:
        columns[round(float(raw[iri][0]), 6)].append(iri)
    rows: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for index, (_x, column) in enumerate(sorted(columns.items())):
        for order, iri in enumerate(column):
            placed = [rows[n] for n in graph.neighbors(iri) if n in rows]
            rows[iri] = sum(placed) / len(placed) if placed else float(order)
        for row, iri in enumerate(sorted(column, key=lambda iri: rows[iri])):
            rows[iri] = float(row)
            positions[iri] = (MARGIN + index * COLUMN_WIDTH, MARGIN + row * ROW_HEIGHT)
    return positions


def _edges(subgraph: Subgraph, positions: dict[str, tuple[float, float]]) -> list[str]:
    grouped: defaultdict[tuple[str, str], list[Edge]] = defaultdict(list)
    for edge in subgraph.edges.values():
        grouped[(edge.source, edge.target)].append(edge)
    out: list[str] = []
    for (source, target), edges in grouped.items():
        if positions[source] == positions[target]:
            continue
        label = "; ".join(_edge_label(e) for e in edges)
        evidence = sorted({i.rsplit("/", 1)[-1] for e in edges for i in e.evidence})
        tip = label + (f" (evidence: {', '.join(evidence)})" if evidence else "")
        shape, (lx, ly), anchor = _route(positions[source], positions[target])
        out.append(
            f'<g class="edge"><title>{escape(tip)}</title>{shape}'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="10" '
            f'fill="#333">{escape(_short(label, 40))}</text></g>'
        )
    return out


def _route(
    source: tuple[float, float], target: tuple[float, float]
) -> tuple[str, tuple[float, float], str]:
    """The edge's SVG shape, where its label goes and how the label is anchored. Edges within
    one column bend out to the right of it instead of running through the boxes between."""
    style = 'fill="none" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"'
    if source[0] == target[0]:
        x = source[0] + NODE_WIDTH
        y1, y2 = source[1] + NODE_HEIGHT / 2, target[1] + NODE_HEIGHT / 2
        bend = x + 24 + abs(y2 - y1) / 6
        path = f'<path d="M {x:.1f} {y1:.1f} C {bend:.1f} {y1:.1f} {bend:.1f} {y2:.1f} '
        path += f'{x:.1f} {y2:.1f}" {style}/>'
        return path, (bend - 4, (y1 + y2) / 2 + 3), "start"
    (x1, y1), (x2, y2) = _anchor(source), _anchor(target)
    x1, y1, x2, y2 = _clip(x1, y1, x2, y2)
    line = f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style}/>'
    return line, ((x1 + x2) / 2, (y1 + y2) / 2 - 4), "middle"


def _nodes(subgraph: Subgraph, positions: dict[str, tuple[float, float]]) -> list[str]:
    out: list[str] = []
    for iri, node in subgraph.nodes.items():
        x, y = positions[iri]
        colour = COLOURS.get(node.kind, "#eeeeee")
        out.append(
            f'<g class="node {escape(node.kind)}"><title>{escape(node.ref)}: '
            f"{escape(node.label)} &lt;{escape(iri)}&gt;</title>"
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="6" '
            f'fill={quoteattr(colour)} stroke="#333"/>'
            f'<text x="{x + NODE_WIDTH / 2:.1f}" y="{y + 13:.1f}" text-anchor="middle">'
            f"{escape(_short(node.label, MAX_LABEL))}</text>"
            f'<text x="{x + NODE_WIDTH / 2:.1f}" y="{y + 25:.1f}" text-anchor="middle" '
            f'font-size="9" fill="#555">{escape(_short(node.kind, MAX_LABEL))}</text></g>'
        )
    return out


def _edge_label(edge: Edge) -> str:
    return f"{edge.label} ({edge.weight})" if edge.weight is not None else edge.label


def _anchor(position: tuple[float, float]) -> tuple[float, float]:
    return position[0] + NODE_WIDTH / 2, position[1] + NODE_HEIGHT / 2


def _clip(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float, float, float]:
    """Shorten a centre-to-centre line so it starts and ends at the boxes' borders."""
    dx, dy = x2 - x1, y2 - y1
    scale_x = (NODE_WIDTH / 2) / abs(dx) if dx else float("inf")
    scale_y = (NODE_HEIGHT / 2) / abs(dy) if dy else float("inf")
    t = min(scale_x, scale_y, 0.5)
    return x1 + dx * t, y1 + dy * t, x2 - dx * t, y2 - dy * t


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
