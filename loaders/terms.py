"""IRIs the mapping writes, pre-rendered as N-Quads terms (`<...>`)."""

from __future__ import annotations

from loaders.nquads import iri
from loaders.vocab import CDO, DCTERMS, DPV, ORG, RDF_TYPE, RDFS_LABEL, SKOS

TYPE = iri(RDF_TYPE)
IDENTIFIER = iri(DCTERMS + "identifier")
LABEL = iri(RDFS_LABEL)
ACCESS = iri(CDO + "accessLevel")
IN_STUDY = iri(CDO + "inStudy")
LEVEL_IRIS = [iri(CDO + name) for name in ("Public", "Restricted", "Confidential")]

SKOS_IN_SCHEME = iri(SKOS + "inScheme")
SKOS_TOP_CONCEPT_OF = iri(SKOS + "topConceptOf")
SKOS_PREF_LABEL = iri(SKOS + "prefLabel")
DC_DATE = iri(DCTERMS + "date")
ORG_MEMBER_OF = iri(ORG + "memberOf")
ORG_REPORTS_TO = iri(ORG + "reportsTo")
DPV_DATA_SUBJECT = iri(DPV + "hasDataSubject")


def cdo(local: str) -> str:
    return iri(CDO + local)
