"""The canned queries of a folder: every `*.rq` file, its header validated, its text checked.

`load_registry` runs when the app is built, so a broken file stops start-up with a
`HeaderError` naming the file and the field. Besides the header it checks what would otherwise
only fail on a request: the query parses, is a SELECT, has an ORDER BY (pages must be stable),
projects every parameter (pyoxigraph binds only projected variables), and its example call binds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store, Triple, Variable

from app.canned.header import RESERVED_NAMES, HeaderError, QueryHeader, parse_header, split_header
from app.canned.params import ParameterError, bind, to_term
from app.sparql.syntax import explain_syntax_error

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_NOT_PROJECTED = re.compile(r"variable \?(\w+) in its SELECT projection")
# A value of each type, used to check that the parameters bind.
_SAMPLES = {
    "iri": "urn:cdkg:check",
    "string": "check",
    "date": "2000-01-01",
    "integer": "0",
    "boolean": "false",
}


@dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path
    header: QueryHeader
    text: str  # the whole file: the engine reads the header as comments

    @property
    def sparql(self) -> str:
        """The query without its header, as shown in the documentation."""
        _, count = split_header(self.text)
        return "\n".join(self.text.splitlines()[count:]).strip() + "\n"

    @property
    def path_template(self) -> str:
        return f"/queries/{self.name}"


class QueryRegistry:
    """The canned queries by name, in name order."""

    def __init__(self, queries: Sequence[CannedQuery]) -> None:
        self._queries = {q.name: q for q in sorted(queries, key=lambda q: q.name)}

    def __iter__(self) -> Iterator[CannedQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def get(self, name: str) -> CannedQuery | None:
        return self._queries.get(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._queries)


def load_registry(folder: Path) -> QueryRegistry:
    """Every `*.rq` file directly in `folder` (subfolders such as `qc/` are not canned queries)."""
    if not folder.is_dir():
        raise HeaderError(folder, "queries_dir", "not a folder of .rq files")
    checker = Store()
    return QueryRegistry([load_query(path, checker) for path in sorted(folder.glob("*.rq"))])


def load_query(path: Path, checker: Store | None = None) -> CannedQuery:
    name = path.stem
    if not _NAME.match(name):
        raise HeaderError(path, "file name", "use lower-case letters, digits and '-' only")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise HeaderError(path, "file", "not UTF-8 text") from None
    except OSError as exc:
        raise HeaderError(path, "file", f"cannot read it ({exc.strerror})") from None
    query = CannedQuery(name, path, parse_header(path, text), text)
    _check_text(query, checker or Store())
    _check_example(query)
    return query


def _check_text(query: CannedQuery, checker: Store) -> None:
    path = query.path
    if not _ORDER_BY.search(query.sparql):
        raise HeaderError(path, "query", "needs an ORDER BY so that pages are stable")
    samples: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(p.name): to_term(p.type, p.default_text or _SAMPLES[p.type])
        for p in query.header.parameters
    }
    try:
        result = checker.query(query.text, substitutions=dict(samples))
    except SyntaxError as exc:
        message = explain_syntax_error(query.text, str(exc))
        raise HeaderError(path, "query", f"does not parse: {message}") from None
    except RuntimeError as exc:
        missing = _NOT_PROJECTED.search(str(exc))
        if missing is None:
            raise HeaderError(path, "query", str(exc)) from None
        index = [p.name for p in query.header.parameters].index(missing.group(1))
        raise HeaderError(
            path,
            f"parameters[{index}].name",
            f"?{missing.group(1)} must be in the SELECT projection to be bound",
        ) from None
    is_select = isinstance(result, QuerySolutions)
    # pyoxigraph result iterators may only be released on the thread that made them: drop this
    # one here rather than let the exception's traceback carry it to another thread's collector.
    del result
    if not is_select:
        raise HeaderError(path, "query", "must be a SELECT query (results are tables)")


def _check_example(query: CannedQuery) -> None:
    example = urlsplit(query.header.example)
    if example.path != query.path_template:
        raise HeaderError(query.path, "example", f"must call {query.path_template}?...")
    given = parse_qs(example.query, keep_blank_values=True)
    try:
        bind(query.header.parameters, given, reserved=RESERVED_NAMES)
    except ParameterError as exc:
        raise HeaderError(query.path, "example", exc.detail) from None
