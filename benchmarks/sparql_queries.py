"""The six SPARQL queries the service benchmark sends, with the same text, to every server.

They cover a point lookup, a join across the decision layer, a GROUP BY over the acts, a
property path, the excluded categories and a REGEX filter over evidence text, all over a study
written by `benchmarks.generate_study`.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIXES = """\
PREFIX cdo: <https://w3id.org/cdkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    text: str
    point: bool = False


def queries(acts: int, base: str = "https://example.org/synthetic/") -> list[Query]:
    """The six benchmark queries over a generated study with `acts` acts."""
    act = f"{base}act/A{acts // 2 + 1:07d}"
    return [
        Query(
            "point",
            "point lookup: one act's properties",
            f"SELECT ?p ?o WHERE {{ <{act}> ?p ?o }}",
            point=True,
        ),
        Query(
            "join",
            "join: which client imposed which label, in which dataset",
            PREFIXES
            + """SELECT ?client ?imposition ?medium ?category ?label ?dataset WHERE {
  ?client a cdo:Client .
  { ?imposition cdo:imposedBy ?client }
  UNION { ?agent org:memberOf ?client . ?imposition cdo:imposedBy ?agent }
  ?imposition cdo:imposes ?version ; cdo:medium ?medium ; cdo:inProject ?project .
  ?version cdo:includesCategory ?category .
  ?category skos:prefLabel ?label .
  ?dataset cdo:fromProject ?project .
}""",
        ),
        Query(
            "aggregate",
            "GROUP BY: acts per taxonomy version",
            PREFIXES + "SELECT ?version (COUNT(?act) AS ?acts) "
            "WHERE { ?act cdo:underVersion ?version } GROUP BY ?version",
        ),
        Query(
            "path",
            "property path: everyone's reporting chain (org:reportsTo+)",
            PREFIXES + "SELECT ?person ?boss WHERE { ?person org:reportsTo+ ?boss }",
        ),
        Query(
            "excluded",
            "excluded categories with decider, level and rationale",
            PREFIXES
            + """SELECT ?excluded ?label ?taxonomy ?decider ?level ?rationale ?fallback WHERE {
  ?excluded a cdo:ExcludedCategory ; skos:prefLabel ?label ; cdo:excludedFrom ?taxonomy ;
    cdo:excludedBy ?decider ; cdo:decisionLevel ?level ; cdo:rationale ?rationale ;
    cdo:fallbackCategory ?fallback .
}""",
        ),
        Query(
            "text",
            "text FILTER: REGEX over evidence text",
            PREFIXES + "SELECT ?evidence ?text WHERE { ?evidence cdo:text ?text "
            'FILTER(REGEX(?text, "note 1", "i")) }',
        ),
    ]
