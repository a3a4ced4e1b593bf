"""A datasheet: statements about how a dataset's labels came to be, grouped under the Croissant
RAI properties they document, each with the records it is about and the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

# Croissant RAI 1.0 dataset properties (http://mlcommons.org/croissant/RAI/), in the order a
# datasheet presents them, with the heading each gets in Markdown.
SECTIONS: dict[str, str] = {
    "dataAnnotationProtocol": "Annotation protocol",
    "dataAnnotationPlatform": "Annotation platform",
    "dataLimitations": "Limitations",
    "dataAnnotationAnalysis": "Annotation analysis",
    "annotationsPerItem": "Annotations per item",
    "annotatorDemographics": "Annotators",
    "personalSensitiveInformation": "Sensitive attributes",
}


@dataclass(frozen=True)
class Statement:
    text: str
    about: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()


@dataclass
class Datasheet:
    iri: str
    id: str
    title: str
    level: str
    description: str | None = None
    delivered: str | None = None
    project: tuple[str, str] | None = None
    producers: list[tuple[str, str]] = field(default_factory=list)
    clients: list[tuple[str, str]] = field(default_factory=list)
    sections: dict[str, list[Statement]] = field(
        default_factory=lambda: {key: [] for key in SECTIONS}
    )

    def add(self, section: str, statement: Statement) -> None:
        self.sections[section].append(statement)
