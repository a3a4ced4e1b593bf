"""Syntax errors read by people: position, what stands there, named problems, a short list of
what was expected, and the line with a caret. Inputs are the engine's own messages."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from app.sparql.syntax import MAX_TOKENS, explain_syntax_error


def engine_message(query: str) -> str:
    try:
        Store().query(query)
    except SyntaxError as exc:
        return str(exc)
    raise AssertionError(f"{query!r} parsed")


def test_an_unknown_prefix_is_named_at_the_term_after_it() -> None:
    query = "SELECT ?s WHERE { ?s foo:bar ?o }"
    explained = explain_syntax_error(query, engine_message(query))
    first, excerpt, caret = explained.split("\n")
    # Column 29 is the "?" of ?o: the parser notices the undeclared prefix once the name ends.
    assert first.startswith("line 1, column 29, at '?o': Prefix not found; expected one of ")
    # Classes of one character read as that character, an escaped backslash included.
    assert first.endswith('expected one of "%", a name character, ".", ":", a letter, "\\\\", "_"')
    assert excerpt == "  " + query
    assert caret == "  " + " " * 28 + "^"


def test_a_keyword_misread_is_shown_whole() -> None:
    query = "INSERT DATA { <a> <b> <c> }"
    explained = explain_syntax_error(query, engine_message(query))
    # The query parser stops inside DATA (column 10), expecting a query form.
    assert explained.split("\n")[0] == "line 1, column 10, at 'DATA': expected CONSTRUCT"


def test_the_end_of_the_query_on_a_later_line() -> None:
    query = 'SELECT ?s WHERE {\n ?s ?p "unterminated }'
    explained = explain_syntax_error(query, engine_message(query))
    first, excerpt, caret = explained.split("\n")
    assert first.startswith("line 2, column 23, at the end of the query: expected one of ")
    assert excerpt == '   ?s ?p "unterminated }'
    assert caret == "  " + " " * 22 + "^"


def test_unicode_ranges_become_words_and_the_list_is_cut() -> None:
    query = "SELECT ?s WHERE { ?s a "
    message = engine_message(query)
    assert "\\u{00C0}" in message
    first = explain_syntax_error(query, message).split("\n")[0]
    assert "\\u{" not in first
    assert first.startswith('line 1, column 24, at the end of the query: expected one of "$", ')
    listed = first.split("expected one of ", 1)[1]
    assert listed.count('", "') + 1 == MAX_TOKENS
    assert listed.endswith(" more)")


def test_characters_are_counted_not_bytes() -> None:
    query = 'SELECT ?s WHERE { ?s "éé" ?o ?x }'
    explained = explain_syntax_error(query, engine_message(query))
    assert explained.split("\n")[0] == "line 1, column 27, at '?o': expected OPTIONAL"


def test_a_long_line_is_shown_around_the_column() -> None:
    query = "SELECT * WHERE { " + "?a ?b ?c . " * 20 + "FILTER(?a = ) }"
    explained = explain_syntax_error(query, engine_message(query))
    first, excerpt, caret = explained.split("\n")
    # The engine places this error just past the last character, so the caret follows it.
    assert first.startswith(f"line 1, column {len(query) + 1}, at the end of the query")
    assert excerpt.startswith("  ...") and excerpt.endswith("FILTER(?a = ) }")
    assert len(excerpt) <= 2 + 3 + 60
    assert caret.index("^") == len(excerpt)


@pytest.mark.parametrize(
    "message",
    ["the query is too long", "error at: nowhere", ""],
)
def test_messages_without_a_position_are_kept(message: str) -> None:
    assert explain_syntax_error("SELECT", message) == message
