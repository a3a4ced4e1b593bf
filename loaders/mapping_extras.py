"""What the mapping writes beyond one triple per field, kind by kind (docs/model.md).

Shortcuts restate what a qualified node says (a membership, an imposition, an override) as one
plain triple; they carry the level of that node too, so a confidential membership does not
reappear as a public `org:memberOf`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from loaders.nquads import date_literal, iri, literal
from loaders.records import Record
from loaders.spec import AGENT
from loaders.terms import (
    DC_DATE,
    DPV_DATA_SUBJECT,
    ORG_MEMBER_OF,
    ORG_REPORTS_TO,
    SKOS_IN_SCHEME,
    SKOS_PREF_LABEL,
    SKOS_TOP_CONCEPT_OF,
    TYPE,
    cdo,
)
from loaders.vocab import VALUE_SETS

if TYPE_CHECKING:
    from loaders.mapping import Mapper

Extra = Callable[["Mapper", Record, str], None]

_ROLES = {value: iri(target) for value, target in VALUE_SETS["role"].values.items()}
_CONSENT = {value: iri(target) for value, target in VALUE_SETS["consent_status"].values.items()}
_DECISION = {value: iri(t) for value, t in VALUE_SETS["decision_level"].values.items()}
_FINAL_CATEGORY = cdo("finalCategory")  # written once per act: formatted once here
_OVERRIDDEN_BY = cdo("overriddenBy")


def _parent_link(m: Mapper, rec: Record, s: str, predicate: str) -> str:
    """`s predicate parent`; returns the parent's node."""
    parent = rec.parent
    assert parent is not None
    node = m.node(parent.kind.key, parent.id)
    m.emit(rec.source, max(rec.level, parent.level), s, predicate, node)
    return node


def _code(m: Mapper, rec: Record, s: str) -> None:
    _parent_link(m, rec, s, SKOS_IN_SCHEME)


def _consent(m: Mapper, rec: Record, s: str) -> None:
    person = _parent_link(m, rec, s, DPV_DATA_SUBJECT)
    m.emit(rec.source, rec.level, person, cdo("hasConsent"), s)


def _person(m: Mapper, rec: Record, s: str) -> None:
    status, withdrawn_on = m.index.consent.get(rec.id, (None, None))
    if status is not None:
        m.emit(rec.source, rec.level, s, cdo("consentStatus"), _CONSENT[status])
    if withdrawn_on is not None:
        m.emit(rec.source, rec.level, s, cdo("consentWithdrawnOn"), date_literal(withdrawn_on))


def _membership(m: Mapper, rec: Record, s: str) -> None:
    person_id = str(rec.values["person"])
    person = m.node("persons", person_id)
    base = max(rec.level, m.level("persons", person_id))
    links = [(ORG_MEMBER_OF, "organizations", "organization"), (ORG_MEMBER_OF, "units", "unit")]
    links.append((ORG_REPORTS_TO, "persons", "reports_to"))
    for predicate, kind, name in links:
        target = rec.text(name)
        if target is not None:
            level = max(base, m.level(kind, target))
            m.emit(rec.source, level, person, predicate, m.node(kind, target))
    m.emit(rec.source, base, person, cdo("hadRole"), _ROLES[str(rec.values["role"])])


def _category(m: Mapper, rec: Record, s: str) -> None:
    taxonomy = _parent_link(m, rec, s, SKOS_IN_SCHEME)
    if rec.values.get("residual") is True:
        m.emit(rec.source, rec.level, s, TYPE, cdo("ResidualCategory"))
    if "broader" not in rec.values:
        parent = rec.parent
        assert parent is not None
        m.emit(rec.source, max(rec.level, parent.level), s, SKOS_TOP_CONCEPT_OF, taxonomy)


def _version(m: Mapper, rec: Record, s: str) -> None:
    taxonomy = _parent_link(m, rec, s, cdo("versionOf"))
    parent = rec.parent
    assert parent is not None
    m.emit(rec.source, max(rec.level, parent.level), taxonomy, cdo("hasVersion"), s)
    for category in rec.listed("categories"):
        node = m.node("categories", category)
        level = max(rec.level, m.level("categories", category))
        m.emit(rec.source, level, node, SKOS_IN_SCHEME, s)
        m.emit(rec.source, level, s, cdo("includesCategory"), node)


def _change(m: Mapper, rec: Record, s: str) -> None:
    version = _parent_link(m, rec, s, cdo("toVersion"))
    parent = rec.parent
    assert parent is not None
    m.emit(rec.source, max(rec.level, parent.level), version, cdo("hasChange"), s)
    previous = parent.text("previous")
    if previous is not None:
        level = max(rec.level, m.level("versions", previous))
        m.emit(rec.source, level, s, cdo("fromVersion"), m.node("versions", previous))


def _imposition(m: Mapper, rec: Record, s: str) -> None:
    agent, agent_level = m.ref(AGENT, str(rec.values["imposed_by"]))
    for item in rec.listed("imposes"):
        node, item_level = m.ref(("versions", "categories", "rules"), item)
        level = max(rec.level, agent_level, item_level)
        m.emit(rec.source, level, node, cdo("imposedByAgent"), agent)


def _proposal(m: Mapper, rec: Record, s: str) -> None:
    outcome = rec.values["outcome"]
    accepted = rec.text("accepted_as")
    if outcome == "accepted" and accepted is not None:
        node, level = m.ref(("categories",), accepted)
        m.emit(rec.source, max(rec.level, level), s, cdo("resultedIn"), node)
    if outcome == "excluded":
        _excluded_category(m, rec, s)


def _excluded_category(m: Mapper, rec: Record, proposal: str) -> None:
    """The node `{base}excluded-category/{id}`: outside the scheme, linked to it."""
    x = m.derived("excluded-category", rec.id)
    src, lvl, emit = rec.source, rec.level, m.emit
    label = str(rec.values["label"])
    emit(src, lvl, x, TYPE, cdo("ExcludedCategory"))
    m.common(rec, x, label)
    emit(src, lvl, x, SKOS_PREF_LABEL, literal(label))
    emit(src, lvl, proposal, cdo("resultedIn"), x)
    emit(src, lvl, x, cdo("fromProposal"), proposal)
    links = [
        ("excludedFrom", ("taxonomies",), [str(rec.values["taxonomy"])]),
        ("excludedBy", AGENT, [str(rec.values["decided_by"])]),
        ("fallbackCategory", ("categories",), [str(rec.values["fallback"])]),
        ("evidence", ("evidence",), rec.listed("evidence")),
        ("cites", ("rules", "documents"), rec.listed("cites")),
    ]
    for local, refs, idents in links:
        for ident in idents:
            node, level = m.ref(refs, ident)
            emit(src, max(lvl, level), x, cdo(local), node)
    emit(src, lvl, x, cdo("decisionLevel"), _DECISION[str(rec.values["decision_level"])])
    rationale = rec.text("rationale")
    if rationale is not None:
        emit(src, lvl, x, cdo("rationale"), literal(rationale))
    decided = rec.text("decision_date")
    if decided is not None:
        emit(src, lvl, x, DC_DATE, date_literal(decided))


def _objection(m: Mapper, rec: Record, s: str) -> None:
    target = str(rec.values["concerns"])
    kind = m.index.resolve(("categories", "rules", "acts", "versions"), target)[0]
    if kind == "acts":
        # An objection to an act is an objection to how it was overridden.
        level = max(rec.level, m.index.overrides[target][1])
        m.emit(rec.source, level, s, cdo("concerns"), m.node("overrides", target))
    elif kind is not None:
        level = max(rec.level, m.level(kind, target))
        m.emit(rec.source, level, s, cdo("concerns"), m.node(kind, target))


def _act(m: Mapper, rec: Record, s: str) -> None:
    override = m.index.overrides.get(rec.id)
    if override is None:
        final, level = str(rec.values["category"]), rec.level
    else:
        final, level = override[0], max(rec.level, override[1])
    level = max(level, m.level("categories", final))
    m.emit(rec.source, level, s, _FINAL_CATEGORY, m.node("categories", final))
    if m.summaries is not None:
        m.summaries.add(rec, final, override is not None)


def _override(m: Mapper, rec: Record, s: str) -> None:
    level = max(rec.level, m.level("acts", rec.id))
    m.emit(rec.source, level, m.node("acts", rec.id), _OVERRIDDEN_BY, s)


EXTRAS: dict[str, Extra] = {
    "codes": _code,
    "consent": _consent,
    "persons": _person,
    "memberships": _membership,
    "categories": _category,
    "versions": _version,
    "changes": _change,
    "impositions": _imposition,
    "proposals": _proposal,
    "objections": _objection,
    "acts": _act,
    "overrides": _override,
}
