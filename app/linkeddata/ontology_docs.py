"""The ontology's documentation and its RDF forms, generated from `ontology/cdo.ttl`.

pyLODE writes the page for classes and properties. It does not document named individuals, and
it takes every `skos:ConceptScheme` for the ontology itself (titling the page after the last
one), so it is given the ontology without the value sets' scheme typing, and the value sets
(access levels, media, roles, ...) are appended as a section generated from the same file.
Every term then has an anchor named after its local name (`/ontology#Imposition`), which is
what the resource pages link to.
"""

from __future__ import annotations

import hashlib
import logging
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from pyoxigraph import RdfFormat, parse, serialize
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from app.linkeddata.formats import RDF_FORMATS
from app.linkeddata.render import TEMPLATES
from app.linkeddata.state import LinkedData
from app.linkeddata.vocab import CDO, ONTOLOGY_IRI, PREFIXES
from app.negotiation import by_token

ONTOLOGY_FILE = "cdo.ttl"
SHAPES_FILE = "shapes.ttl"
CONTEXT_FILE = "context.jsonld"


@dataclass(frozen=True)
class Concept:
    anchor: str
    label: str
    notation: str | None
    definition: str | None


@dataclass(frozen=True)
class ValueSet:
    anchor: str
    label: str
    definition: str | None
    concepts: list[Concept]


def ontology_html(ontology_dir: Path) -> str:
    """The HTML documentation of cdo.ttl."""
    # pyLODE builds the page with dominate, which asks asyncio for the current event loop; in
    # a main thread with none, Python creates one that nobody closes (a leaked loop and its
    # socket pair). In another thread the question just fails, and dominate expects that.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ontology-docs") as worker:
        return worker.submit(_ontology_html, ontology_dir).result()


def _ontology_html(ontology_dir: Path) -> str:
    graph = Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle")
    schemes = sorted(
        s
        for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
        if isinstance(s, URIRef) and str(s) != ONTOLOGY_IRI
    )
    for scheme in schemes:
        graph.remove((scheme, RDF.type, SKOS.ConceptScheme))
    publisher = _ontpub()(graph)
    with warnings.catch_warnings():
        # pyLODE reads its stylesheet without closing the file; the handle is released as
        # soon as the call returns, so the warning says nothing about this program.
        warnings.simplefilter("ignore", ResourceWarning)
        html: str = publisher.make_html()
    html = _local_name_anchors(html, publisher.fids)
    section = _value_sets_section(Graph().parse(ontology_dir / ONTOLOGY_FILE, format="turtle"))
    return html.replace("</body>", section + "\n</body>", 1)


def ontology_rdf(ontology_dir: Path, token: str) -> bytes:
    """cdo.ttl as written (Turtle) or converted to another RDF format of the table."""
    source = (ontology_dir / ONTOLOGY_FILE).read_bytes()
    if token == "ttl":
        return source
    fmt = RdfFormat.from_media_type(by_token(token, RDF_FORMATS).media_type)
    if fmt is None:
        raise ValueError(f"not an RDF format: {token}")
    triples = [q.triple for q in parse(source, format=RdfFormat.TURTLE)]
    return serialize(triples, format=fmt, prefixes=PREFIXES) or b""


def _ontpub() -> Any:
    # Importing pylode configures the root logger at DEBUG level when nobody has configured
    # logging yet, which would flood the server's log; put the root logger back as it was.
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        from pylode import OntPub
    finally:
        root.setLevel(level)
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
    return OntPub


def _local_name_anchors(html: str, fids: dict[str, str]) -> str:
    """Give each cdo term an anchor named after its local name, beside pyLODE's own (which it
    derives from the label: "Annotationproject")."""
    for iri, fid in sorted(fids.items()):
        if not iri.startswith(CDO):
            continue
        local = iri[len(CDO) :]
        if local == fid or f'id="{local}"' in html:
            continue
        pattern = re.compile(rf'(<div class="[^"]*" id="{re.escape(fid)}">)')
        html = pattern.sub(rf'<span id="{local}"></span>\1', html, count=1)
    return html


def _value_sets_section(graph: Graph) -> str:
    sets = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        iri = str(scheme)
        if not iri.startswith(CDO):
            continue
        concepts = [
            Concept(
                str(c)[len(CDO) :],
                _text(graph, c, SKOS.prefLabel) or _text(graph, c, RDFS.label) or str(c),
                _text(graph, c, SKOS.notation),
                _text(graph, c, SKOS.definition),
            )
            for c in sorted(graph.subjects(SKOS.inScheme, scheme), key=str)
            if str(c).startswith(CDO)
        ]
        sets.append(
            ValueSet(
                iri[len(CDO) :],
                _text(graph, scheme, SKOS.prefLabel) or _text(graph, scheme, RDFS.label) or iri,
                _text(graph, scheme, SKOS.definition),
                sorted(concepts, key=lambda c: c.label.lower()),
            )
        )
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    return env.get_template("ontology_values.html").render(value_sets=sets)


def _text(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    value = graph.value(subject, predicate)
    return None if value is None else str(value)


def ontology_version(ontology_dir: Path) -> str:
    """A short digest of the ontology's files: the documents' ETag and cache key."""
    digest = hashlib.sha256()
    for name in (ONTOLOGY_FILE, SHAPES_FILE, CONTEXT_FILE):
        path = ontology_dir / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:16]


def cached_ontology_html(state: LinkedData) -> str:
    """The documentation page, generated once per version of the ontology (it takes seconds)."""
    folder = state.ontology_dir
    return state.cached(("ontology-html",), ontology_version(folder), lambda: ontology_html(folder))
