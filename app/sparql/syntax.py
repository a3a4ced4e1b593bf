"""Readable SPARQL syntax errors, built from the engine's parser message.

pyoxigraph reports `error at LINE:COLUMN: expected one of ...` and lists every token its parser
could have taken there, including whole Unicode ranges of the name grammar, which buries the
point. The position, what stands there, any named problem ("Prefix not found") and a short
list of what was expected say the same in a few lines; the line itself with a caret under the
column shows where. Columns count characters from 1, as the engine's do.
"""

from __future__ import annotations

import re

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_EXPECTED = ("expected one of ", "expected ")
MAX_TOKENS = 12
EXCERPT_WIDTH = 60


def explain_syntax_error(text: str, message: str) -> str:
    """`message` (the engine's) rewritten for people; unchanged when it has no position."""
    found = _POSITION.fullmatch(message.strip())
    if found is None:
        return message
    line, column, rest = int(found[1]), int(found[2]), found[3]
    for prefix in _EXPECTED:
        if rest.startswith(prefix):
            rest = rest[len(prefix) :]
            break
    problems, tokens = _sort_items(_split_items(rest))
    parts = [f"line {line}, column {column}, {_what_is_there(text, line, column)}"]
    parts.extend(problems)
    if tokens:
        shown = tokens[:MAX_TOKENS]
        more = len(tokens) - len(shown)
        listed = ", ".join(shown) + (f" (or {more} more)" if more else "")
        parts.append(("expected " if len(tokens) == 1 else "expected one of ") + listed)
    return (
        ": ".join(parts[:2]) + "".join(f"; {p}" for p in parts[2:]) + _excerpt(text, line, column)
    )


def _what_is_there(text: str, line: int, column: int) -> str:
    source = _line(text, line)
    rest = source[column - 1 :]
    if not rest.strip():
        return "at the end of the " + ("query" if line >= len(text.split("\n")) else "line")
    # The whole word the column falls in: the parser may stop inside a keyword it misread.
    start = column - 1
    while start > 0 and not source[start - 1].isspace() and not rest[:1].isspace():
        start -= 1
    word = source[start:].split()[0]
    return f"at {word[:30]!r}"


def _line(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _excerpt(text: str, line: int, column: int) -> str:
    """The line (a window of it, when long) with a caret under `column`."""
    source = _line(text, line).replace("\t", " ")
    start = max(0, column - 1 - EXCERPT_WIDTH // 2)
    window = source[start : start + EXCERPT_WIDTH]
    lead = "..." if start else ""
    return f"\n  {lead}{window}\n  {' ' * (len(lead) + column - 1 - start)}^"


def _split_items(listing: str) -> list[str]:
    """The comma-separated items of the engine's list; quoted tokens and bracketed character
    classes may hold commas and spaces of their own."""
    items: list[str] = []
    i = 0
    while i < len(listing):
        if listing.startswith(", ", i):
            i += 2
            continue
        if listing[i] == '"':
            end = i + 1
            while end < len(listing) and listing[end] != '"':
                end += 2 if listing[end] == "\\" else 1
            items.append(listing[i : end + 1])
            i = end + 1
        elif listing[i] == "[":
            end = i + 1
            while end < len(listing) and listing[end] != "]":
                end = listing.index("'", end + 1) + 1 if listing[end] == "'" else end + 1
            items.append(listing[i : end + 1])
            i = end + 1
        else:
            end = listing.find(", ", i)
            end = len(listing) if end < 0 else end
            items.append(listing[i:end].strip())
            i = end
    return [item for item in items if item]


def _sort_items(items: list[str]) -> tuple[list[str], list[str]]:
    """(named problems, expected tokens), each in the engine's order without repeats."""
    problems: dict[str, None] = {}
    tokens: dict[str, None] = {}
    for item in items:
        if item.startswith('"'):
            tokens[item] = None
        elif item == "[_]":
            continue  # "any character": the parser's end-of-input check, never a hint
        elif item.startswith("["):
            tokens[_character_class(item)] = None
        elif " " in item:
            problems[item] = None
        else:
            tokens[item] = None
    return list(problems), list(tokens)


def _character_class(item: str) -> str:
    if "'A'" in item and "'z'" in item:
        return "a letter"
    if "\\u{" in item:
        return "a name character"
    if "'0'" in item and "'9'" in item:
        return "a digit"
    # A character in quotes, or an escaped one such as '\\' (kept escaped, as tokens are).
    chars = re.findall(r"'(\\.|[^'\\])'", item)
    return " or ".join(f'"{c}"' for c in dict.fromkeys(chars)) if chars else "a character"
