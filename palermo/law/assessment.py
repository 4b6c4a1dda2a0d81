"""Assessment aid: which elements of the Palermo definition the recorded facts evidence.

Palermo Protocol art 3(a) (seed note §1): trafficking is an **act** (recruitment, transportation,
transfer, harbouring or receipt) by **means** (threat or use of force, coercion, abduction, fraud,
deception, abuse of power or of vulnerability, payments to a person in control) for the
**purpose** of exploitation. Art 3(b): the victim's consent is irrelevant where any means was
used. No border crossing is needed. For a child, art 3(c) needs no means (outside the seed note;
``verified: false`` in the data).

The result is information for the human decision, never a decision: it says which elements have
something recorded against them and which do not, and nothing about whether the person is a victim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from palermo.law.definitions import definition_get
from palermo.law.schema import Source

NOT_A_DECISION = (
    "This shows which elements of the Palermo definition have something recorded against them. "
    "It is information for the decision maker, not a decision: it does not say whether the person is "
    "a victim of trafficking."
)


@dataclass(frozen=True)
class ElementFinding:
    element: str  # act | means | purpose
    status: str  # evidenced | missing | not_required
    recorded: tuple[str, ...]
    explanation: str

    def to_json(self) -> dict[str, Any]:
        return {
            "element": self.element,
            "status": self.status,
            "recorded": list(self.recorded),
            "explanation": self.explanation,
        }


@dataclass
class PalermoAssessment:
    elements: list[ElementFinding]
    notes: list[str] = field(default_factory=list)
    sources: tuple[Source, ...] = ()
    not_a_decision: str = NOT_A_DECISION

    @property
    def missing(self) -> list[str]:
        return [e.element for e in self.elements if e.status == "missing"]

    @property
    def all_elements_evidenced(self) -> bool:
        return not self.missing

    def to_json(self) -> dict[str, Any]:
        return {
            "elements": [e.to_json() for e in self.elements],
            "missing": self.missing,
            "notes": list(self.notes),
            "sources": [s.model_dump(exclude_none=True) for s in self.sources],
            "not_a_decision": self.not_a_decision,
        }


def palermo_element_codes() -> dict[str, dict[str, str]]:
    """The allowed codes for each element, with labels, from the definition data."""
    value = definition_get("palermo_trafficking").current().value
    assert value.elements is not None
    return {name: {e.code: e.label for e in items} for name, items in value.elements.items()}


def assess_palermo_elements(
    *,
    act: Iterable[str] = (),
    means: Iterable[str] = (),
    purpose: Iterable[str] = (),
    victim_is_child: bool | None = None,
    consent_recorded: bool = False,
) -> PalermoAssessment:
    """Which of act / means / purpose the recorded codes evidence; ValueError on unknown codes."""
    codes = palermo_element_codes()
    recorded = {"act": tuple(act), "means": tuple(means), "purpose": tuple(purpose)}
    problems = [
        f"{name}: unknown code {c!r}; use one of {', '.join(codes[name])}"
        for name, given in recorded.items()
        for c in given
        if c not in codes[name]
    ]
    if problems:
        raise ValueError("; ".join(problems))
    definition = definition_get("palermo_trafficking")
    findings = []
    for name in ("act", "means", "purpose"):
        given = recorded[name]
        labels = [codes[name][c] for c in given]
        if given:
            findings.append(ElementFinding(name, "evidenced", given, f"Recorded: {', '.join(labels)}."))
        elif name == "means" and victim_is_child:
            findings.append(
                ElementFinding(
                    name,
                    "not_required",
                    (),
                    "For a child the means element need not be shown (Palermo Protocol art 3(c); unverified here).",
                )
            )
        else:
            hint = ", ".join(codes[name].values())
            findings.append(
                ElementFinding(name, "missing", (), f"Nothing recorded. The definition lists: {hint}.")
            )
    notes = ["The definition does not require movement across international borders (seed note §1)."]
    if consent_recorded:
        if recorded["means"]:
            notes.append(
                "Consent is recorded, but consent to the intended exploitation is irrelevant where any of the "
                "means was used (Palermo Protocol art 3(b); seed note §1)."
            )
        else:
            notes.append(
                "Consent is recorded and no means is recorded: art 3(b) makes consent irrelevant only where a means was used."
            )
    if victim_is_child is None:
        notes.append(
            "Whether the person was a child is not recorded; for a child the means need not be shown."
        )
    sources = tuple(definition.current().sources)
    return PalermoAssessment(elements=findings, notes=notes, sources=sources)
