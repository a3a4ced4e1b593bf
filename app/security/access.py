"""Who is asking, and which graphs they may read (DESIGN §6).

Every route that reads data takes a `Viewer` from `get_viewer` and asks `restrict_dataset` for
the dataset to query. The dataset is always given explicitly to the engine, so a query's own
FROM / FROM NAMED clauses, `GRAPH ?g`, or the protocol's graph-URI parameters can only narrow
what the viewer may see, never widen it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request

from app.security.tokens import TokenFileError, TokenStore
from app.sparql.execution import Dataset
from app.store.base import CATALOGUE_GRAPH, AccessLevel, GraphStore
from app.store.catalogue import visible_graphs

ViewerRole = Literal["anonymous", "researcher", "owner"]

_LEVELS: dict[ViewerRole, AccessLevel] = {
    "anonymous": AccessLevel.PUBLIC,
    "researcher": AccessLevel.RESTRICTED,
    "owner": AccessLevel.CONFIDENTIAL,
}
_REALM = 'Bearer realm="cdkg"'


@dataclass(frozen=True)
class Viewer:
    role: ViewerRole = "anonymous"
    token_id: str | None = None

    @property
    def level(self) -> AccessLevel:
        return _LEVELS[self.role]

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


ANONYMOUS = Viewer()


class InvalidCredentials(Exception):
    """The request carries an Authorization header that does not name a valid token."""


def resolve_viewer(authorization: str | None, tokens: TokenStore) -> Viewer:
    """The viewer an Authorization header stands for; no header means anonymous."""
    if authorization is None:
        return ANONYMOUS
    scheme, _, credentials = authorization.strip().partition(" ")
    token = credentials.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidCredentials("the Authorization header must be 'Bearer <token>'")
    record = tokens.lookup(token)
    if record is None:
        raise InvalidCredentials("the bearer token is not valid")
    if record.revoked:
        raise InvalidCredentials("the bearer token has been revoked")
    return Viewer(record.role, record.id)


def token_store(request: Request) -> TokenStore:
    """The app's token store (installed by `app.middleware.install_middleware`)."""
    store: TokenStore = request.app.state.token_store
    return store


async def get_viewer(request: Request) -> Viewer:
    """FastAPI dependency: the caller's viewer. A bad or revoked token is 401, never anonymous.

    `async` so that it runs on the event loop rather than in a worker thread: the token check
    is a hash and a `stat` of the tokens file (re-read only when that file changed)."""
    try:
        return resolve_viewer(request.headers.get("authorization"), token_store(request))
    except InvalidCredentials as exc:
        raise HTTPException(
            status_code=401,
            detail=str(exc),
            headers={
                "WWW-Authenticate": f'{_REALM}, error="invalid_token", error_description="{exc}"'
            },
        ) from None
    except TokenFileError as exc:
        # The operator's file is broken: refuse rather than guess who the caller is.
        raise HTTPException(
            status_code=503, detail=f"tokens cannot be checked right now: {exc}"
        ) from None


async def require_owner(viewer: Annotated[Viewer, Depends(get_viewer)]) -> Viewer:
    """FastAPI dependency for writes: an owner token, else 401 (no token) or 403."""
    return check_owner(viewer)


def check_owner(viewer: Viewer) -> Viewer:
    """`viewer` if it is an owner; else the 401 (no token) or 403 that writes answer."""
    if viewer.is_owner:
        return viewer
    if viewer.role == "anonymous":
        raise HTTPException(
            status_code=401,
            detail="this operation needs an owner token (Authorization: Bearer <token>)",
            headers={"WWW-Authenticate": _REALM},
        )
    raise HTTPException(
        status_code=403, detail=f"this operation needs an owner token; yours is {viewer.role}"
    )


def readable_graphs(viewer: Viewer, store: GraphStore) -> tuple[str, ...]:
    """Every graph `viewer` may name: the catalogued graphs of their level; owners also get
    the catalogue graph itself."""
    graphs = visible_graphs(store, viewer.level)
    return (*graphs, CATALOGUE_GRAPH) if viewer.is_owner else graphs


def restrict_dataset(viewer: Viewer, requested: Dataset | None, store: GraphStore) -> Dataset:
    """The dataset `viewer` may query, given what the request asked for.

    A part the request leaves unset (None) becomes every graph the viewer may read (the default
    graph is their union; the catalogue graph is never part of it). A part the request names is
    intersected with what the viewer may read, keeping the request's order: naming a graph the
    viewer may not read yields an empty graph, not an error that would confirm it exists.
    """
    readable = readable_graphs(viewer, store)
    if requested is None:
        return _everything(readable)
    allowed = set(readable)
    return Dataset(
        default_graphs=_data_graphs(readable)
        if requested.default_graphs is None
        else _keep(requested.default_graphs, allowed),
        named_graphs=readable
        if requested.named_graphs is None
        else _keep(requested.named_graphs, allowed),
    )


@lru_cache(maxsize=16)
def _everything(readable: tuple[str, ...]) -> Dataset:
    # What most requests ask for; the same for every request until the catalogue changes.
    return Dataset(default_graphs=_data_graphs(readable), named_graphs=readable)


def _data_graphs(readable: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(g for g in readable if g != CATALOGUE_GRAPH)


def _keep(graphs: tuple[str, ...], allowed: set[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(g for g in graphs if g in allowed))
