"""Refuse SPARQL the server must not run: SERVICE and LOAD, which would make it send requests
elsewhere, and text nested deeper than the engine's parser survives.

The screen works on tokens, not a parse, so it costs microseconds (docs/sparql.md has the
figures). It must be sound against the engine's own parser, which matches keywords without a
word boundary: pyoxigraph reads `SERVICESILENT <x> {}`, `trueSERVICE <x> {}`, `1SERVICE <x> {}`
and, with `PREFIX : <x>`, `service:y {}` as SERVICE calls, and `load:y` as a LOAD. So every
stretch of text that is not inside a string, an IRI, a variable, a blank node label or the local
part of a prefixed name (whose extent the grammar fixes exactly, see `lexer.py`) is searched
for the letters SERVICE or LOAD, whatever surrounds them. The price is that a prefix named, say,
`download:` is refused too; the message says so.

pyoxigraph's parser recurses on brackets and on `!`: a few thousand of them overflow its stack
and kill the process (a segmentation fault, not an exception), and nested collections cost it
exponential time. Nesting beyond `MAX_NESTING`, far deeper than any real query, is refused.
"""

from __future__ import annotations

import re

from app.sparql.execution import QueryRefused
from app.sparql.lexer import line_column, tokens

MAX_NESTING = 64
_MAYBE = re.compile("service|load", re.IGNORECASE)
_OPENERS = "([{"
# Tokens that can carry a keyword's letters; the others (strings, IRIs, variables, blank node
# labels: their whole extent is fixed by the grammar) and punctuation cannot.
_LETTERED = frozenset({"word", "number", "pname"})
_WHY = {
    "SERVICE": "federated queries are refused: cdkg never sends requests to other services",
    "LOAD": "LOAD is refused: cdkg never fetches documents from the web",
}


def screen(text: str) -> None:
    """Raise QueryRefused if `text` could make the engine reach out or could crash its parser;
    else return quietly."""
    _check_nesting(text)
    if _MAYBE.search(text) is None:
        return
    run: list[str] = []
    run_start = run_end = 0
    for token in tokens(text):
        if token.kind not in _LETTERED:
            continue
        code = token.text
        if token.kind == "pname":
            code = code[: code.index(":") + 1]
        if run and token.start == run_end:
            run.append(code)
        else:
            _check(text, "".join(run), run_start)
            run = [code]
            run_start = token.start
        # A prefixed name's local part is opaque: nothing after it joins this run.
        run_end = token.start + len(code) if len(code) == len(token.text) else -1
    _check(text, "".join(run), run_start)


def _check(text: str, run: str, start: int) -> None:
    found = _MAYBE.search(run)
    if found is None:
        return
    keyword = found.group().upper()
    line, column = line_column(text, start + found.start())
    seen = run if len(run) <= 40 else run[:40] + "…"
    extra = "" if run.upper() == keyword else f" (in {seen!r}; names containing it are refused)"
    raise QueryRefused(f"{keyword} at line {line}, column {column}{extra}: {_WHY[keyword]}")


def _check_nesting(text: str) -> None:
    if sum(text.count(c) for c in "([{!") <= MAX_NESTING:
        return
    depth = chain = 0
    for token in tokens(text):
        if token.kind != "punct":
            chain = 0
            continue
        if token.text in _OPENERS:
            depth += 1
        elif token.text in ")]}":
            depth = max(depth - 1, 0)
        chain = chain + 1 if token.text == "!" else 0
        if depth + chain > MAX_NESTING:
            line, column = line_column(text, token.start)
            raise QueryRefused(
                f"nesting deeper than {MAX_NESTING} levels of brackets and '!' at line {line}, "
                f"column {column}: the parser is not given texts that could exhaust its stack"
            )
