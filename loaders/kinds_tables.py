"""The big tables: classification acts, their overrides, flags, and the evidence behind every
claim. They grow with the study and usually come as CSV beside the YAML."""

from __future__ import annotations

from loaders.spec_types import EVIDENCE, Conditional, FieldType, Kind, declare, plain, ref
from loaders.vocab import CDO, DCTERMS, RDFS

T = FieldType

TABLE_KINDS: tuple[Kind, ...] = (
    declare(
        "acts",
        "act",
        "act",
        CDO + "ClassificationAct",
        ref("annotator", CDO + "annotator", "persons", required=True),
        ref("item", CDO + "item", "data_items", required=True),
        ref("category", CDO + "category", "categories", required=True),
        ref("version", CDO + "underVersion", "versions", required=True),
        ref("project", CDO + "inProject", "projects", required=True),
        plain("time", T.DATETIME, CDO + "time", required=True),
        csv=True,
    ),
    declare(
        "overrides",
        "override",
        "override",
        CDO + "Override",
        ref("act", CDO + "overrides", "acts", required=True),
        ref("reviewer", CDO + "reviewer", "persons", required=True),
        ref("category", CDO + "newCategory", "categories", required=True),
        plain("time", T.DATETIME, CDO + "time", required=True),
        plain("reason", T.TEXT, CDO + "reason"),
        plain(
            "justification",
            T.ENUM,
            CDO + "justificationType",
            required=True,
            values="justification",
        ),
        ref("justified_by", CDO + "justifiedBy", "rules", "documents"),
        EVIDENCE,
        id_field="act",
        csv=True,
        conditionals=(Conditional("justification", ("none",), ("justified_by",), True),),
    ),
    declare(
        "flags",
        "flag",
        "flag",
        CDO + "Flag",
        ref("annotator", CDO + "flaggedBy", "persons", required=True),
        ref("item", CDO + "item", "data_items", required=True),
        ref("proposal", CDO + "flaggedAs", "proposals", required=True),
        plain("time", T.DATETIME, CDO + "time", required=True),
        plain("note", T.TEXT, RDFS + "comment"),
        csv=True,
    ),
    declare(
        "evidence",
        "evidence",
        "evidence",
        CDO + "Evidence",
        plain("type", T.ENUM, None, required=True, values="evidence_type"),
        plain("text", T.TEXT, CDO + "text", required=True),
        ref("speaker", CDO + "speaker", "persons"),
        plain("date", T.DATE, DCTERMS + "date", required=True),
        ref("interview", CDO + "fromInterview", "interviews"),
        ref("document", CDO + "fromDocument", "documents"),
        ref("codes", CDO + "code", "codes", many=True),
        plain("note", T.TEXT, RDFS + "comment"),
        csv=True,
    ),
)
