"""Refuse SPARQL that would make the server send a request elsewhere: SERVICE and LOAD.

The screen works on tokens, not a parse, so it costs microseconds (docs/sparql.md has the
figures). It must be sound against the engine's own parser, which matches keywords without a
word boundary: pyoxigraph reads `SERVICESILENT <x> {}`, `trueSERVICE <x> {}`, `1SERVICE <x> {}`
and, with `PREFIX : <x>`, `service:y {}` as SERVICE calls, and `load:y` as a LOAD. So every
stretch of text that is not inside a string, an IRI, a variable, a blank node label or the local
part of a prefixed name (whose extent the grammar fixes exactly, see `lexer.py`) is searched
for the letters SERVICE or LOAD, whatever surrounds them. The price is that a prefix named, say,
`download:` is refused too; the message says so.
"""

from __future__ import annotations

import re

from app.sparql.execution import QueryRefused
from app.sparql.lexer import line_column, tokens

_MAYBE = re.compile("service|load", re.IGNORECASE)
# Tokens that can carry a keyword's letters; the others (strings, IRIs, variables, blank node
# labels: their whole extent is fixed by the grammar) and punctuation cannot.
_LETTERED = frozenset({"word", "number", "pname"})
_WHY = {
    "SERVICE": "federated queries are refused: cdkg never sends requests to other services",
    "LOAD": "LOAD is refused: cdkg never fetches documents from the web",
}


def screen(text: str) -> None:
    """Raise QueryRefused if `text` could make the engine reach out; else return quietly."""
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
