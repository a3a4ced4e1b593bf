"""Run the consistency queries (`queries/qc/*-violation.rq`) over the decision layer.

Each query returns one row per problem with `?focus` (the offending node) and `?message`; an
empty result means the study passes. Checks that need the big tables' rows are done in code
(`loaders.references`), since those rows are not loaded here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import NamedNode, Quad, QuerySolutions, Store

from loaders.errors import RecordError
from loaders.nodes import NodeLocator


def qc_queries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*-violation.rq"))


def qc_errors(
    quads: Iterable[Quad], queries: list[Path], locator: NodeLocator
) -> list[RecordError]:
    store = Store()
    store.extend(quads)
    errors: list[RecordError] = []
    for path in queries:
        name = path.name.removesuffix(".rq")
        try:
            result = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        except SyntaxError as exc:
            errors.append(RecordError(str(path), f"the qc query is not valid SPARQL: {exc}"))
            continue
        if not isinstance(result, QuerySolutions):
            continue
        variables = [v.value for v in result.variables]
        for row in result:
            focus = row["focus"] if "focus" in variables else row[0]
            message = row["message"] if "message" in variables else None
            text = message.value if message is not None else f"reported by {name}"
            node = focus.value if isinstance(focus, NamedNode) else None
            place = locator.locate(node, None)
            errors.append(
                RecordError(place.file, f"{text} [qc {name}]", place.record, None, place.line)
            )
    return errors
