"""The site-wide documents: the VoID/DCAT description and the dumps, built once per
generation of the store (both scan every visible graph) and kept by `LinkedData`."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from app.linkeddata.dumps import Dumps, build_dumps
from app.linkeddata.formats import rdf_bytes
from app.linkeddata.iris import Study
from app.linkeddata.state import LinkedData, Reader
from app.linkeddata.void import Links, StudyStats, describe_datasets, study_stats
from app.store.base import AccessLevel
from app.store.catalogue import SourceInfo, sources, visible_graphs


def public_dumps(state: LinkedData, reader: Reader) -> Dumps:
    """The dumps of the public graphs, whoever the reader is."""
    store = reader.store
    return state.cached(
        ("dumps",),
        reader.generation,
        lambda: build_dumps(store, visible_graphs(store, AccessLevel.PUBLIC)),
    )


def void_document(state: LinkedData, reader: Reader, links: Links, token: str) -> bytes:
    """The VoID/DCAT description for the reader's level, in the format `token` names."""
    catalogued = sources(reader.store)
    studies = [(study, _stats(state, reader, study, catalogued)) for study in reader.iris.studies]
    triples = describe_datasets(
        reader.store,
        reader.graphs,
        studies,
        catalogued,
        public_dumps(state, reader),
        links,
        anonymous=reader.level is AccessLevel.PUBLIC,
    )
    return rdf_bytes(triples, token)


def _stats(
    state: LinkedData, reader: Reader, study: Study, catalogued: Sequence[SourceInfo]
) -> StudyStats:
    build = partial(study_stats, reader.store, study, catalogued, reader.graphs)
    return state.cached(("void", reader.level, study.iri), reader.generation, build)
