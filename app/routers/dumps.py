"""`/dumps/...`: the public data as deterministic gzipped N-Quads and Turtle, with SHA-256
checksums and a manifest naming the version. Public graphs only, whoever asks."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from app.deps import StoreDep
from app.errors import NotFound
from app.linkeddata.catalog import public_dumps
from app.linkeddata.dumps import GZIP
from app.linkeddata.state import LinkedData, get_linked_data
from app.linkeddata.validators import conditional_response, data_version
from app.store.base import AccessLevel

router = APIRouter(tags=["linked data"])

LinkedDataDep = Annotated[LinkedData, Depends(get_linked_data)]
MANIFEST = "index.json"
VERSION_HEADER = "CDKG-Dump-Version"


@router.head("/dumps/{name}", include_in_schema=False)
@router.get(
    "/dumps/{name}",
    summary="A dump of the public data, its checksum, or the manifest",
    description=(
        "`public.nq.gz` (N-Quads, graph per source file) and `public.ttl.gz` (Turtle, graphs "
        "merged): sorted and gzipped without time stamp, so identical data gives identical "
        "bytes. `<file>.sha256` is its `sha256sum` line; `index.json` lists sizes, checksums "
        "and the version (a digest of the content)."
    ),
    response_class=Response,
    responses={
        200: {"content": {GZIP: {}, "text/plain": {}, "application/json": {}}},
        404: {"description": "No such file"},
    },
)
def dump(name: str, request: Request, store: StoreDep, ld: LinkedDataDep) -> Response:
    reader = ld.reader(store, AccessLevel.PUBLIC)
    dumps = public_dumps(ld, reader)
    headers = {VERSION_HEADER: dumps.version}
    headers.update(data_version(ld, reader).headers(AccessLevel.PUBLIC, name))
    if name == MANIFEST:
        return conditional_response(request, dumps.manifest(), "application/json", headers)
    plain = name.removesuffix(".sha256")
    found = dumps.get(plain)
    if found is None:
        raise NotFound(f"no dump {name!r}; see /dumps/{MANIFEST}")
    if name.endswith(".sha256"):
        return conditional_response(
            request, found.checksum_line, "text/plain; charset=utf-8", headers
        )
    headers["Content-Disposition"] = f'attachment; filename="{found.name}"'
    headers["Repr-Digest"] = f"sha-256=:{_base64(found.sha256)}:"
    return conditional_response(request, found.data, GZIP, headers)


def _base64(hex_digest: str) -> str:
    return base64.b64encode(bytes.fromhex(hex_digest)).decode()
