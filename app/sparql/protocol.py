"""The SPARQL 1.1 Protocol: from an HTTP request to a query or update job.

Plain functions over the request's parts (method, Content-Type, body, query-string pairs), so
the routes stay thin and the W3C harness can drive the very same steps in-process:

1. `operation_from_get` / `operation_from_post` read which operation the request asks for,
   rejecting what §2.1 and §2.2 of the Protocol forbid (two queries, a query and an update, an
   update by GET, a body without its media type, a charset other than UTF-8...).
2. `plan_query` screens the text (no SERVICE, no LOAD), negotiates the response type for the
   query's form, and fixes the dataset: the protocol's graph parameters win over FROM and
   FROM NAMED, and either is narrowed by the caller's access (`restrict`).
3. `plan_update` screens the text and applies `using-graph-uri` / `using-named-graph-uri`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl

from app.errors import ApiError
from app.sparql.clauses import DatasetConflict, add_using, query_shape
from app.sparql.execution import Dataset, QueryJob, ResultKind, UpdateJob
from app.sparql.iri import is_absolute_iri
from app.sparql.negotiation import (
    UnsupportedMediaType,
    negotiate,
    split_content_type,
)
from app.sparql.screening import screen

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_MAX_FIELDS = 1000
_KIND_OF_FORM: dict[str, ResultKind] = {
    "SELECT": "solutions",
    "ASK": "boolean",
    "CONSTRUCT": "graph",
    "DESCRIBE": "graph",
}

Restrict = Callable[[Dataset | None], Dataset]


class ProtocolError(ApiError):
    """The request does not follow the SPARQL 1.1 Protocol; the message says how."""

    status = 400
    title = "Bad SPARQL protocol request"
    slug = "sparql-protocol"


@dataclass(frozen=True)
class QueryOperation:
    query: str
    # From default-graph-uri / named-graph-uri; None when the request names no graph.
    dataset: Dataset | None = None


@dataclass(frozen=True)
class UpdateOperation:
    update: str
    using: tuple[str, ...] = ()
    using_named: tuple[str, ...] = ()


@dataclass(frozen=True)
class DescribeService:
    """A GET with neither `query` nor `update`: the service description."""


def operation_from_get(params: Sequence[tuple[str, str]]) -> QueryOperation | DescribeService:
    """The operation a GET asks for (§2.1.1); updates are never accepted by GET."""
    if _values(params, "update"):
        raise ProtocolError("an update must be sent by POST, never by GET (SPARQL Protocol §2.2)")
    queries = _values(params, "query")
    if not queries:
        return DescribeService()
    return QueryOperation(_single("query", queries), _protocol_dataset(params))


def operation_from_post(
    content_type: str | None, body: bytes, params: Sequence[tuple[str, str]]
) -> QueryOperation | UpdateOperation:
    """The operation a POST asks for (§2.1.2, §2.1.3, §2.2.1, §2.2.2).

    `params` are the URL's query-string pairs; a form body adds its own.
    """
    media_type, charset = split_content_type(content_type)
    if not media_type:
        raise UnsupportedMediaType(
            f"a POST to the SPARQL endpoint needs a Content-Type: {FORM}, {SPARQL_QUERY} "
            f"or {SPARQL_UPDATE}"
        )
    if charset is not None and charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset={charset} is not supported: send UTF-8")
    if media_type == FORM:
        return _from_form([*params, *_form_pairs(body)])
    if media_type not in (SPARQL_QUERY, SPARQL_UPDATE):
        raise UnsupportedMediaType(
            f"cannot read a {media_type} body; send {FORM}, {SPARQL_QUERY} or {SPARQL_UPDATE}"
        )
    text = _utf8(body, "the request body")
    if _values(params, "query") or _values(params, "update"):
        raise ProtocolError(
            f"with a {media_type} body, the URL must not carry its own query= or update="
        )
    if media_type == SPARQL_QUERY:
        return QueryOperation(text, _protocol_dataset(params))
    return _update(text, params)


def plan_query(
    operation: QueryOperation,
    *,
    restrict: Restrict | None,
    accept: str | None,
    formats: Sequence[str] = (),
    base_iri: str | None = None,
    row_limit: int | None = None,
) -> QueryJob:
    """The job to run for `operation`.

    The response type is negotiated for the query's form (a text whose form cannot be read
    keeps the defaults: the engine then reports its syntax error). `restrict` narrows the
    requested dataset to what the caller may read; None means the caller may read the whole
    store (owners), and the text's own FROM clauses then apply as the engine reads them.
    """
    screen(operation.query)
    shape = query_shape(operation.query, base_iri)
    kind = _KIND_OF_FORM[shape.form] if shape.form is not None else None
    media = negotiate(kind, accept, formats) if kind is not None else None
    if restrict is None:
        dataset = operation.dataset if operation.dataset is not None else Dataset()
    else:
        requested = operation.dataset if operation.dataset is not None else shape.dataset
        dataset = restrict(requested)
    job = QueryJob(operation.query, dataset, base_iri, row_limit=row_limit)
    if media is None:
        return job
    if kind == "solutions":
        return replace(job, solutions_media_type=media.media_type)
    if kind == "boolean":
        return replace(job, boolean_media_type=media.media_type)
    return replace(job, graph_media_type=media.media_type)


def plan_update(operation: UpdateOperation, *, base_iri: str | None = None) -> UpdateJob:
    screen(operation.update)
    try:
        text = add_using(operation.update, operation.using, operation.using_named)
    except DatasetConflict as exc:
        raise ProtocolError(str(exc)) from None
    return UpdateJob(update=text, base_iri=base_iri)


def _from_form(pairs: list[tuple[str, str]]) -> QueryOperation | UpdateOperation:
    queries = _values(pairs, "query")
    updates = _values(pairs, "update")
    if queries and updates:
        raise ProtocolError("a request carries either query= or update=, not both")
    if queries:
        return QueryOperation(_single("query", queries), _protocol_dataset(pairs))
    if updates:
        return _update(_single("update", updates), pairs)
    raise ProtocolError("the form has neither a query= nor an update= field")


def _update(text: str, params: Sequence[tuple[str, str]]) -> UpdateOperation:
    for name in ("default-graph-uri", "named-graph-uri"):
        if _values(params, name):
            raise ProtocolError(
                f"{name} applies to queries; an update takes using-graph-uri and "
                "using-named-graph-uri"
            )
    return UpdateOperation(
        text,
        _graph_params(params, "using-graph-uri"),
        _graph_params(params, "using-named-graph-uri"),
    )


def _protocol_dataset(params: Sequence[tuple[str, str]]) -> Dataset | None:
    for name in ("using-graph-uri", "using-named-graph-uri"):
        if _values(params, name):
            raise ProtocolError(
                f"{name} applies to updates; a query takes default-graph-uri and named-graph-uri"
            )
    default = _graph_params(params, "default-graph-uri")
    named = _graph_params(params, "named-graph-uri")
    if not default and not named:
        return None
    # Naming any graph fixes the whole dataset: the part left out is empty (Protocol §2.1.4).
    return Dataset(default_graphs=default, named_graphs=named)


def _graph_params(params: Sequence[tuple[str, str]], name: str) -> tuple[str, ...]:
    graphs = _values(params, name)
    for graph in graphs:
        if not is_absolute_iri(graph):
            raise ProtocolError(f"{name}={graph!r} is not an absolute IRI")
    return tuple(dict.fromkeys(graphs))


def _values(pairs: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


def _single(name: str, values: list[str]) -> str:
    if len(values) > 1:
        raise ProtocolError(f"the request carries {len(values)} {name}= values; send exactly one")
    return values[0]


def _form_pairs(body: bytes) -> list[tuple[str, str]]:
    text = _utf8(body, "the form body")
    try:
        return parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=False,
            errors="strict",
            max_num_fields=_MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise ProtocolError("the form body has a %-escape that is not UTF-8") from None
    except ValueError as exc:
        raise ProtocolError(f"the form body cannot be read: {exc}") from None


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"{what} is not valid UTF-8 (byte {exc.start}); SPARQL text must be UTF-8"
        ) from None
