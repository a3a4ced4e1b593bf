"""Where a link on a page points: the live server and the static site lay out files alike, but
the server negotiates at extension-less paths and the static site needs file names.

Site paths never start with '/'. On the server a link is an absolute path under the app's root
path; in the static site it is relative to the page, so the site works from any folder of any
host (and from the disk).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote

from app.linkeddata.formats import DOCUMENT_FORMATS
from app.linkeddata.iris import ID_ROOT, SUFFIX_OF, IriMap, Study
from app.linkeddata.vocab import CDO
from app.negotiation import by_token

ONTOLOGY_PAGE = "ontology"
STYLESHEET = "ld.css"
DUMP_FILES = ("dumps/public.nq.gz", "dumps/public.ttl.gz")
DUMP_INDEX = "dumps/index.json"
# The RDF formats every resource is offered in, as (format token, label); the static site
# writes the first two of them.
RDF_ALTERNATES: tuple[tuple[str, str], ...] = (
    ("ttl", "Turtle"),
    ("jsonld", "JSON-LD"),
    ("nt", "N-Triples"),
    ("rdfxml", "RDF/XML"),
)
STATIC_FORMATS = ("ttl", "jsonld")


@dataclass(frozen=True)
class Linker:
    """Hrefs for one page. `here` is the page's site path; `static` picks the file layout."""

    iris: IriMap
    here: str
    static: bool = False
    root: str = ""

    def to(self, path: str) -> str:
        """The href of a site path (which may carry a '?query' or '#fragment')."""
        if not self.static:
            return f"{self.root}/{path}"
        target, sep, anchor = path.partition("#")
        start = posixpath.dirname(self.here) or "."
        relative = posixpath.relpath(target or self.here, start)
        return relative + sep + anchor

    def resource_path(self, iri: str, token: str | None = None) -> str | None:
        """The site path of a minted IRI's page (or of one format of it)."""
        path = self.iris.site_path(iri)
        if path is None:
            return None
        path = quote(path, safe="/:@!$&'()*+,;=-._~")
        if token is not None:
            return path + SUFFIX_OF[token]
        return path + ".html" if self.static else path

    def resource(self, iri: str) -> str | None:
        path = self.resource_path(iri)
        return None if path is None else self.to(path)

    def alternates(self, iri: str) -> list[tuple[str, str, str]]:
        """(label, media type, href) for each RDF document of `iri` this layout offers."""
        offered = [a for a in RDF_ALTERNATES if not self.static or a[0] in STATIC_FORMATS]
        found = []
        for token, label in offered:
            path = self.resource_path(iri, token)
            if path is not None:
                found.append((label, by_token(token, DOCUMENT_FORMATS).media_type, self.to(path)))
        return found

    def term(self, iri: str) -> str:
        """Ontology terms link to their entry in the ontology's documentation; others to
        themselves (they are other vocabularies' IRIs, dereferenced by their owners)."""
        if iri.startswith(CDO) and len(iri) > len(CDO):
            return self.ontology(iri[len(CDO) :])
        return self.resource(iri) or iri

    def ontology(self, anchor: str | None = None) -> str:
        page = f"{ONTOLOGY_PAGE}/index.html" if self.static else ONTOLOGY_PAGE
        return self.to(page + (f"#{anchor}" if anchor else ""))

    def kind_index(self, study: Study, slug: str, page: int = 1) -> str:
        if self.static:
            name = f"{slug}.html" if page == 1 else f"{slug}.p{page}.html"
            return self.to(study.folder + name)
        return self.to(study.folder + slug + ("" if page == 1 else f"?page={page}"))

    def home(self) -> str:
        return self.to("index.html" if self.static else f"{ID_ROOT}/")

    def void(self) -> str:
        return self.to("void.ttl" if self.static else "void")

    def dump(self, name: str) -> str:
        return self.to(name)

    def stylesheet(self) -> str:
        return self.to(STYLESHEET)

    def sparql(self) -> str | None:
        return None if self.static else self.to("sparql")
