"""Linked-data publishing: every minted IRI dereferences (HTML for people, RDF for machines),
index pages, the ontology's documentation, VoID and DCAT, deterministic dumps, and the static
site `cdkg publish` writes. docs/linked-data.md describes the whole.

`LinkedData` (app/linkeddata/state.py) holds what an app keeps between requests; the routers
`app.routers.resources`, `ontology`, `void` and `dumps` serve it; `publish_site` writes it out.
"""

from app.linkeddata.dumps import Dumps, build_dumps
from app.linkeddata.iris import IriMap, Study, read_iri_map
from app.linkeddata.site import SiteError, SiteReport, publish_site
from app.linkeddata.state import LinkedData, Reader, get_linked_data

__all__ = [
    "Dumps",
    "IriMap",
    "LinkedData",
    "Reader",
    "SiteError",
    "SiteReport",
    "Study",
    "build_dumps",
    "get_linked_data",
    "publish_site",
    "read_iri_map",
]
