"""The HTTP exchanges of the W3C Protocol and Graph Store Protocol tests, read from the manifests
(the W3C HTTP vocabulary: ht:Request, ht:Response, cnt:ContentAsText) and replayed.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass

from rdflib import BNode, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from .manifests import MF, Entry, action

HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = "http://www.w3.org/2011/http-statusCodes#"

_STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}


@dataclass(frozen=True)
class Body:
    chars: str
    encoding: str

    def encoded(self) -> bytes:
        return self.chars.encode(self.encoding)


@dataclass(frozen=True)
class Expected:
    statuses: tuple[str, ...]
    format: str | None
    boolean: bool | None
    location_variable: str | None
    content_type: str | None
    body: Body | None

    def accepts(self, status: int) -> bool:
        return any(_status_matches(name, status) for name in self.statuses)


@dataclass(frozen=True)
class Exchange:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: Body | None
    expected: Expected


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def exchanges(entry: Entry) -> list[Exchange]:
    graph = entry.graph
    connection = action(entry)
    requests = graph.value(connection, HT.requests)
    assert requests is not None, f"{entry.iri}: no ht:requests"
    found = []
    for request in Collection(graph, requests):
        response = graph.value(request, HT.resp)
        assert response is not None, f"{entry.iri}: a request without ht:resp"
        found.append(
            Exchange(
                method=str(graph.value(request, HT.methodName)),
                path=str(graph.value(request, HT.absolutePath)),
                headers=_headers(entry, request),
                body=_body(entry, graph.value(request, HT.body)),
                expected=_expected(entry, response),
            )
        )
    return found


def send(
    port: int, method: str, path: str, headers: list[tuple[str, str]], body: bytes | None
) -> Answer:
    """One request exactly as given: the path is not re-encoded, the Host header is ours."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        connection.close()


def _status_matches(name: str, status: int) -> bool:
    if name.startswith("StatusCode") and name.endswith("xx"):
        return status // 100 == int(name[len("StatusCode")])
    return _STATUS_NAMES[name] == status


def _headers(entry: Entry, node: Node) -> tuple[tuple[str, str], ...]:
    graph = entry.graph
    listed = graph.value(node, HT.headers)
    if listed is None:
        return ()
    return tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in Collection(graph, listed)
    )


def _body(entry: Entry, node: Node | None) -> Body | None:
    if node is None:
        return None
    chars = entry.graph.value(node, CNT.chars)
    encoding = entry.graph.value(node, CNT.characterEncoding)
    return Body(str(chars), str(encoding or "UTF-8"))


def _expected(entry: Entry, response: Node) -> Expected:
    graph = entry.graph
    assert isinstance(response, BNode)
    statuses = tuple(str(s).removeprefix(HTS) for s in graph.objects(response, MF.expectedStatus))
    fmt = graph.value(response, MF.expectedFormat)
    boolean = graph.value(response, MF.expectedBoolean)
    location = graph.value(response, MF.expectedLocation)
    content_type = dict(_headers(entry, response)).get("content-type")
    return Expected(
        statuses=statuses,
        format=None if fmt is None else str(fmt),
        boolean=None if boolean is None else bool(boolean.toPython()),  # type: ignore[attr-defined]
        location_variable=None if location is None else str(location),
        content_type=content_type,
        body=_body(entry, graph.value(response, HT.body)),
    )
