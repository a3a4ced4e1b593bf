"""A small SPARQL lexer: the token boundaries of the SPARQL 1.1 grammar, nothing more.

Used to screen queries (`screening.py`) and to read the few top-level clauses the protocol
layer needs (`clauses.py`) without paying for a full parse. Character classes follow the
grammar's terminals (SPARQL 1.1 §19.8) so that what this lexer calls a string, an IRI, a
variable or a local name is exactly what the engine's parser calls one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, NamedTuple

TokenKind = Literal["iri", "pname", "var", "bnode", "string", "number", "word", "punct"]

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PN_LOCAL = f"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_LANGTAG = "(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)?"

_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            # Long strings first: ''' would otherwise read as an empty string and a quote.
            r"(?P<string>(?:'''(?:(?:'|'')?(?:[^'\\]|\\.))*(?:'''|\Z)"
            r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*(?:"""|\Z)'
            r"|'(?:[^'\\\r\n]|\\.)*'"
            r'|"(?:[^"\\\r\n]|\\.)*")' + _LANGTAG + ")",
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            f"(?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)",
            f"(?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)",
            f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            r"(?P<number>[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.?(?:[eE][+-]?[0-9]+)?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<punct>.)",
        )
    ),
    re.DOTALL,
)


class Token(NamedTuple):
    # A tuple, not a dataclass: tokens are made by the hundred per query, and a frozen
    # dataclass costs several times as much to build.
    kind: TokenKind
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> Iterator[Token]:
    """The tokens of `text`, skipping whitespace and comments; never fails.

    A character no terminal matches comes out as a one-character `punct` token, so malformed
    text still yields every keyword the parser could see in it.
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        yield Token(kind, match.group(), match.start(), match.end())  # type: ignore[arg-type]


def pname_parts(token: Token) -> tuple[str, str]:
    """(prefix, local name) of a `pname` token, the local name with its `\\` escapes removed."""
    prefix, _, local = token.text.partition(":")
    return prefix, re.sub(r"\\(.)", r"\1", local)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`, as parsers report positions."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
