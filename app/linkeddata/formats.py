"""The formats of linked-data documents, and their RDF serialisation.

HTML for people first (so a browser's `*/*` gets a page), then the RDF formats; all of them
come from the service's one media-type table, and routes choose among them with
`app.negotiation.choose`.
"""

from __future__ import annotations

from pyoxigraph import RdfFormat, Triple, serialize

from app.linkeddata.vocab import PREFIXES
from app.negotiation import HTML, JSON_LD, N_TRIPLES, RDF_XML, TURTLE, MediaFormat, by_token

RDF_FORMATS: tuple[MediaFormat, ...] = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)
DOCUMENT_FORMATS: tuple[MediaFormat, ...] = (HTML, *RDF_FORMATS)


def rdf_bytes(triples: list[Triple], token: str) -> bytes:
    """`triples` in an RDF format of the table, with the usual prefixes where it has them."""
    fmt = RdfFormat.from_media_type(by_token(token, RDF_FORMATS).media_type)
    if fmt is None:
        raise ValueError(f"not an RDF format: {token}")
    used = {p: ns for p, ns in PREFIXES.items() if _uses(triples, ns)}
    # Sorted, so that Turtle groups each subject's statements and equal data reads the same.
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return serialize(ordered, format=fmt, prefixes=used) or b""


def _uses(triples: list[Triple], namespace: str) -> bool:
    for triple in triples:
        for value in (triple.subject, triple.predicate, triple.object):
            if getattr(value, "value", "").startswith(namespace):
                return True
            datatype = getattr(value, "datatype", None)
            if datatype is not None and datatype.value.startswith(namespace):
                return True
    return False
