"""`cdkg publish`: a static linked-data site of the public data, for any static host.

The same pages and documents the server gives an anonymous reader, laid out as files: an HTML
page and Turtle and JSON-LD documents per resource (`id/{study}/{kind}/{id}.html|.ttl|.jsonld`),
a listing per kind, the VoID description, the dumps and the ontology's documentation. Links are
relative, so the site works from any folder. Only public graphs are ever read.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.linkeddata.catalog import public_dumps, void_document
from app.linkeddata.documents import (
    description_of,
    home_html,
    kind_html,
    members,
    page_count,
    resource_html,
    resource_rdf,
)
from app.linkeddata.dumps import Dumps
from app.linkeddata.links import DUMP_INDEX, STATIC_FORMATS, STYLESHEET, Linker
from app.linkeddata.ontology_docs import (
    CONTEXT_FILE,
    ONTOLOGY_FILE,
    SHAPES_FILE,
    ontology_html,
    ontology_rdf,
)
from app.linkeddata.pages import Link
from app.linkeddata.render import stylesheet
from app.linkeddata.state import LinkedData, Reader
from app.linkeddata.void import Links
from app.store.base import AccessLevel, GraphStore

MARKER = ".cdkg-site"
Progress = Callable[[int, int], None]


class SiteError(Exception):
    """The site cannot be written where asked; the message says why."""


@dataclass(frozen=True)
class SiteReport:
    outdir: Path
    resources: int
    files: int
    dumps: Dumps


def publish_site(
    store: GraphStore,
    outdir: Path,
    *,
    base_url: str,
    ontology_dir: Path,
    progress: Progress | None = None,
) -> SiteReport:
    """Write the site into `outdir` (created, or replaced when it holds an earlier site)."""
    _prepare(outdir)
    state = LinkedData(ontology_dir)
    reader = state.reader(store, AccessLevel.PUBLIC)
    writer = _Writer(outdir)
    site = base_url.rstrip("/") + "/"
    writer.write(STYLESHEET, stylesheet())
    home = Linker(reader.iris, "index.html", static=True)
    services = [
        Link("Dataset description (VoID and DCAT, Turtle)", home.void()),
        Link("Dumps: checksums and version", home.to(DUMP_INDEX)),
        Link("Ontology", home.ontology()),
    ]
    writer.write("index.html", home_html(state, reader, home, services))
    resources = _write_studies(state, reader, writer, site, progress)
    links = Links(site, site + "void.ttl", static=True)
    writer.write("void.ttl", void_document(state, reader, links, "ttl"))
    writer.write("void.jsonld", void_document(state, reader, links, "jsonld"))
    writer.write(".well-known/void", void_document(state, reader, links, "ttl"))
    dumps = public_dumps(state, reader)
    for dump in dumps.files:
        writer.write(f"dumps/{dump.name}", dump.data)
        writer.write(f"dumps/{dump.name}.sha256", dump.checksum_line)
    writer.write(DUMP_INDEX, dumps.manifest())
    _write_ontology(writer, ontology_dir)
    writer.write(MARKER, b"Written by cdkg publish; publishing again replaces this folder.\n")
    return SiteReport(outdir, resources, writer.count, dumps)


def _write_studies(
    state: LinkedData, reader: Reader, writer: _Writer, site: str, progress: Progress | None
) -> int:
    everything = [
        (study, iri)
        for study in reader.iris.studies
        for iris in members(state, reader, study).values()
        for iri in iris
    ]
    for done, (study, iri) in enumerate(everything, start=1):
        description = description_of(reader, iri)
        rest = study.rest_of(iri)
        if description is None or rest is None:
            continue
        path = study.folder + rest
        linker = Linker(reader.iris, path + ".html", static=True)
        writer.write(path + ".html", resource_html(state, reader, description, linker))
        for token in STATIC_FORMATS:
            document = linker.resource_path(iri, token) or path
            body = resource_rdf(reader, description, token, site + document)
            writer.write(document, body)
        if progress is not None:
            progress(done, len(everything))
    for study in reader.iris.studies:
        for slug, iris in members(state, reader, study).items():
            for page in range(1, page_count(len(iris)) + 1):
                name = f"{slug}.html" if page == 1 else f"{slug}.p{page}.html"
                linker = Linker(reader.iris, study.folder + name, static=True)
                listing = kind_html(state, reader, study, slug, page, linker)
                if listing is not None:
                    writer.write(study.folder + name, listing)
    return len(everything)


def _write_ontology(writer: _Writer, ontology_dir: Path) -> None:
    writer.write("ontology/index.html", ontology_html(ontology_dir))
    for token, suffix in (
        ("ttl", ".ttl"),
        ("jsonld", ".jsonld"),
        ("nt", ".nt"),
        ("rdfxml", ".rdf"),
    ):
        writer.write(
            f"ontology/{Path(ONTOLOGY_FILE).stem}{suffix}", ontology_rdf(ontology_dir, token)
        )
    for name in (SHAPES_FILE, CONTEXT_FILE):
        writer.write(f"ontology/{name}", (ontology_dir / name).read_bytes())


def _prepare(outdir: Path) -> None:
    if outdir.exists() and not outdir.is_dir():
        raise SiteError(f"{outdir}: exists and is not a folder")
    if outdir.is_dir() and any(outdir.iterdir()):
        if not (outdir / MARKER).is_file():
            raise SiteError(
                f"{outdir}: the folder is not empty and holds no earlier cdkg site; "
                "give an empty or new folder"
            )
        shutil.rmtree(outdir)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SiteError(f"{outdir}: cannot create the folder ({exc.strerror})") from exc


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def write(self, relative: str, data: str | bytes) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.count += 1
