"""The few top-level clauses the protocol layer reads or rewrites, found with the lexer.

- the query form (SELECT, CONSTRUCT, DESCRIBE, ASK), to negotiate the response type before
  running anything;
- the dataset clause (FROM / FROM NAMED), so access control can intersect it;
- for updates, the protocol's `using-graph-uri` / `using-named-graph-uri`, applied as USING
  clauses in front of every WHERE (SPARQL 1.1 Protocol §2.2.3).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from app.sparql.execution import Dataset
from app.sparql.iri import resolve
from app.sparql.lexer import Token, line_column, pname_parts, tokens

QueryForm = Literal["SELECT", "CONSTRUCT", "DESCRIBE", "ASK"]
_FORMS: frozenset[str] = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
# Could the text have a FROM keyword? Not inside a name such as `cdo:fromProject` or `?from`.
_FROM = re.compile(r"(?<![\w:?$])from", re.IGNORECASE)


class DatasetConflict(ValueError):
    """The update names its own dataset (USING, USING NAMED or WITH) and so does the request."""


@dataclass(frozen=True)
class QueryShape:
    form: QueryForm | None
    # From the text's FROM / FROM NAMED; None when it has neither.
    dataset: Dataset | None


def top_level(text: str) -> Iterator[tuple[Token, int]]:
    """Every token with its nesting depth in braces, brackets and parentheses (0 = top)."""
    depth = 0
    for token in tokens(text):
        if token.kind == "punct" and token.text in "}])":
            depth = max(depth - 1, 0)
        yield token, depth
        if token.kind == "punct" and token.text in "{[(":
            depth += 1


def query_shape(text: str, base_iri: str | None = None) -> QueryShape:
    """The form and dataset clause of a query; a text that does not lex as one gives Nones.

    Only the head is read: the dataset clause comes before the WHERE group (after the template,
    for CONSTRUCT), so lexing stops at the group's opening brace; without the letters FROM
    anywhere, it stops at the form's keyword.
    """
    if _FROM.search(text) is None:
        return QueryShape(_form_only(text), None)
    form: QueryForm | None = None
    prefixes: dict[str, str] = {}
    base = base_iri
    default: list[str] = []
    named: list[str] = []
    seen_from = False
    pending: str | None = None  # the keyword waiting for its IRI: PREFIX, BASE, FROM, NAMED
    prefix_name = ""
    template_seen = False
    previous = ""
    for token, depth in top_level(text):
        if depth:
            continue
        if token.kind == "punct" and token.text == "{":
            if form != "CONSTRUCT" or previous == "WHERE" or template_seen:
                break
            template_seen = True
            continue
        previous = token.upper if token.kind == "word" else ""
        if pending == "PREFIX" and token.kind == "pname":
            prefix_name = pname_parts(token)[0]
            pending = "PREFIX_IRI"
            continue
        if pending is not None and token.kind in ("iri", "pname"):
            iri = _iri(token, base, prefixes)
            if pending == "PREFIX_IRI" and iri is not None:
                prefixes[prefix_name] = iri
            elif pending == "BASE" and iri is not None:
                base = iri
            elif pending in ("FROM", "NAMED") and iri is not None:
                (named if pending == "NAMED" else default).append(iri)
            pending = None
            continue
        if token.kind == "word":
            word = token.upper
            if word in _FORMS and form is None:
                form = word  # type: ignore[assignment]
            elif word in ("PREFIX", "BASE", "FROM"):
                pending = word
                seen_from = seen_from or word == "FROM"
            elif word == "FROMNAMED" or (word == "NAMED" and pending == "FROM"):
                pending = "NAMED"
                seen_from = True
            else:
                pending = None
        else:
            pending = None
    dataset = Dataset(tuple(default), tuple(named)) if seen_from else None
    return QueryShape(form, dataset)


def _form_only(text: str) -> QueryForm | None:
    for token, depth in top_level(text):
        if depth == 0 and token.kind == "word" and token.upper in _FORMS:
            return token.upper  # type: ignore[return-value]
        if depth == 0 and token.kind == "punct" and token.text == "{":
            return None
    return None


def add_using(update: str, default: Sequence[str], named: Sequence[str]) -> str:
    """`update` with `USING <g>` / `USING NAMED <g>` before each of its WHERE clauses.

    `DELETE WHERE { P }` has no room for USING, so it becomes the equivalent
    `DELETE { P } USING ... WHERE { P }`. Raises DatasetConflict when the update already names a
    dataset with USING or WITH: the protocol forbids both at once.
    """
    if not default and not named:
        return update
    clause = " ".join([*(f"USING <{g}>" for g in default), *(f"USING NAMED <{g}>" for g in named)])
    edits: list[tuple[int, int, str]] = []
    previous: Token | None = None
    walk = top_level(update)
    for token, depth in walk:
        if depth == 0 and token.is_word("USING", "WITH"):
            line, column = line_column(update, token.start)
            raise DatasetConflict(
                f"the update has its own {token.upper} clause (line {line}, column {column}); "
                "it cannot be combined with using-graph-uri or using-named-graph-uri"
            )
        if depth == 0 and token.is_word("WHERE"):
            if previous is not None and previous.is_word("DELETE"):
                group_start, group_end = _group_after(walk)
                if group_start is not None:
                    group = update[group_start:group_end]
                    edits.append(
                        (previous.start, group_end, f"DELETE {group} {clause} WHERE {group}")
                    )
            else:
                edits.append((token.start, token.start, clause + " "))
        if depth == 0:
            previous = token
    for start, end, replacement in reversed(edits):
        update = update[:start] + replacement + update[end:]
    return update


def _group_after(walk: Iterator[tuple[Token, int]]) -> tuple[int | None, int]:
    """Start and end offsets of the `{ ... }` group that comes next in `walk`."""
    start: int | None = None
    for token, depth in walk:
        if start is None:
            if token.text != "{" or token.kind != "punct":
                return None, 0
            start = token.start
        elif depth == 0 and token.kind == "punct" and token.text == "}":
            return start, token.end
    return None, 0


def _iri(token: Token, base: str | None, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return resolve(base, token.text[1:-1])
    prefix, local = pname_parts(token)
    namespace = prefixes.get(prefix)
    return None if namespace is None else namespace + local
