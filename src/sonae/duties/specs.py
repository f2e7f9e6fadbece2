"""From the engine's result (the contract's output dict) to the case's duties: which, by when, on which rules.

Pure (no Django). ``duty_specs`` says, for every duty kind, whether the result requires it, its date and the rules
it rests on (the part of the engine's ``basis`` that concerns it, plus the article that sets the duty itself); the
services keep one ``DutyItem`` per kind in step with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sonae.duties.rules.results import sorted_basis

# Kinds (values of models.DutyKind; repeated here so this module stays free of Django).
PPC_PRELIMINARY = "ppc_preliminary"
PPC_FINAL = "ppc_final"
ENTRUSTING_PARTY_NOTICE = "entrusting_party_notice"
INDIVIDUAL_NOTICE = "individual_notice"
MY_NUMBER_PRELIMINARY = "my_number_preliminary"
MY_NUMBER_FINAL = "my_number_final"
MY_NUMBER_INDIVIDUAL_NOTICE = "my_number_individual_notice"
EP_PRELIMINARY = "entrusting_party_preliminary"
EP_FINAL = "entrusting_party_final"
EP_INDIVIDUAL_NOTICE = "entrusting_party_individual_notice"

TARGET, DEADLINE, PROMPTLY = "target", "deadline", "promptly"

# Explain-page anchor of each duty.
DUTY_ANCHORS = {
    PPC_PRELIMINARY: "duty-ppc-preliminary",
    PPC_FINAL: "duty-ppc-final",
    ENTRUSTING_PARTY_NOTICE: "duty-entrusting-party-notice",
    INDIVIDUAL_NOTICE: "duty-individual-notice",
    MY_NUMBER_PRELIMINARY: "duty-my-number",
    MY_NUMBER_FINAL: "duty-my-number",
    MY_NUMBER_INDIVIDUAL_NOTICE: "duty-my-number",
    EP_PRELIMINARY: "duty-entrusting-party",
    EP_FINAL: "duty-entrusting-party",
    EP_INDIVIDUAL_NOTICE: "duty-entrusting-party",
}

# The rules of the engine's basis that belong to each duty (the rest explains the situation itself).
_RELEVANT = {
    PPC_PRELIMINARY: {"APPI art. 26(1)", *(f"Sonae reading R{n}" for n in (3, 4, 5, 6, 8))},
    PPC_FINAL: {"APPI art. 26(1)", "Enforcement Rules art. 8(2)"}
    | {f"Sonae reading R{n}" for n in (1, 2, 4, 5, 6, 8)},
    ENTRUSTING_PARTY_NOTICE: {
        "APPI art. 26(1)",
        "Enforcement Rules art. 9",
        "Sonae reading R5",
        "Sonae reading R6",
    },
    INDIVIDUAL_NOTICE: {"APPI art. 26(2)", "Sonae reading R6"},
    MY_NUMBER_PRELIMINARY: {
        "My Number Act art. 29-4(1)",
        "My Number Rule art. 3",
        "Sonae reading R3",
        "Sonae reading R16",
    },
    MY_NUMBER_FINAL: {"My Number Act art. 29-4(1)", "My Number Rule art. 3"}
    | {f"Sonae reading R{n}" for n in (1, 2, 16)},
}
# Citations a duty always rests on, even when the engine's list names them only for the regime as a whole.
_OWN = {
    PPC_PRELIMINARY: ("Enforcement Rules art. 8(1)",),
    INDIVIDUAL_NOTICE: ("APPI art. 26(2)", "Enforcement Rules art. 10"),
    MY_NUMBER_INDIVIDUAL_NOTICE: ("My Number Act art. 29-4(2)", "My Number Rule art. 5"),
    EP_PRELIMINARY: ("Enforcement Rules art. 8(1)", "Sonae reading R3", "Sonae reading R7"),
    EP_FINAL: ("Enforcement Rules art. 8(2)", "Sonae reading R1", "Sonae reading R2", "Sonae reading R7"),
    EP_INDIVIDUAL_NOTICE: ("APPI art. 26(2)", "Enforcement Rules art. 10", "Sonae reading R7"),
}
CATEGORY_BASIS = {
    "sensitive": "Enforcement Rules art. 7(i)",
    "financial": "Enforcement Rules art. 7(ii)",
    "unauthorized_purpose": "Enforcement Rules art. 7(iii)",
    "over_1000": "Enforcement Rules art. 7(iv)",
}
SITUATION_READINGS = {f"Sonae reading R{n}" for n in (9, 10, 12, 13, 14, 17)}


def basis_order(items) -> tuple[str, ...]:
    """Distinct citations in the engine's order (statute, rules, guidance, readings)."""
    return sorted_basis(items)


def _basis_for(kind: str, regime_basis: list[str], extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    relevant = _RELEVANT.get(kind, set())
    return basis_order([b for b in regime_basis if b in relevant] + list(_OWN.get(kind, ())) + list(extra))


def iso_day(value: str | None) -> date | None:
    """A date from the result's ISO text (None stays None)."""
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class DutySpec:
    """What the result says about one kind of duty."""

    kind: str
    required: bool
    due_date: date | None
    due_type: str
    basis: tuple[str, ...]

    @property
    def informational(self) -> bool:
        return self.kind in (EP_PRELIMINARY, EP_FINAL, EP_INDIVIDUAL_NOTICE)


def duty_specs(result: dict) -> list[DutySpec]:
    """Every duty kind with whether ``result`` requires it, its date and its basis (in checklist order)."""
    appi, mn = result["appi"], result["my_number"]
    own = appi["ppc_report_required"]
    sixty = "unauthorized_purpose" in appi["categories"]
    final_extra = ("Enforcement Rules art. 7(iii)",) if sixty else ()
    ep = appi.get("entrusting_party")
    specs = [
        DutySpec(
            PPC_PRELIMINARY,
            own,
            iso_day(appi["preliminary_report_target"]),
            TARGET,
            _basis_for(PPC_PRELIMINARY, appi["basis"]),
        ),
        DutySpec(
            PPC_FINAL,
            own,
            iso_day(appi["final_report_due"]),
            DEADLINE,
            _basis_for(PPC_FINAL, appi["basis"], final_extra),
        ),
        DutySpec(
            ENTRUSTING_PARTY_NOTICE,
            appi["entrusting_party_notice_required"],
            iso_day(appi["entrusting_party_notice_target"]),
            TARGET,
            _basis_for(ENTRUSTING_PARTY_NOTICE, appi["basis"]),
        ),
        DutySpec(
            INDIVIDUAL_NOTICE,
            appi["individual_notice_required"],
            None,
            PROMPTLY,
            _basis_for(INDIVIDUAL_NOTICE, appi["basis"]),
        ),
        DutySpec(
            MY_NUMBER_PRELIMINARY,
            mn["report_required"],
            iso_day(mn["preliminary_report_target"]),
            TARGET,
            _basis_for(MY_NUMBER_PRELIMINARY, mn["basis"]),
        ),
        DutySpec(
            MY_NUMBER_FINAL,
            mn["report_required"],
            iso_day(mn["final_report_due"]),
            DEADLINE,
            _basis_for(MY_NUMBER_FINAL, mn["basis"]),
        ),
        DutySpec(
            MY_NUMBER_INDIVIDUAL_NOTICE,
            mn["individual_notice_required"],
            None,
            PROMPTLY,
            _basis_for(MY_NUMBER_INDIVIDUAL_NOTICE, mn["basis"]),
        ),
        DutySpec(
            EP_PRELIMINARY,
            ep is not None,
            iso_day(ep["preliminary_report_target"]) if ep else None,
            TARGET,
            _basis_for(EP_PRELIMINARY, appi["basis"]),
        ),
        DutySpec(
            EP_FINAL,
            ep is not None,
            iso_day(ep["final_report_due"]) if ep else None,
            DEADLINE,
            _basis_for(EP_FINAL, appi["basis"], final_extra),
        ),
        DutySpec(
            EP_INDIVIDUAL_NOTICE,
            bool(ep and ep["individual_notice_required"]),
            None,
            PROMPTLY,
            _basis_for(EP_INDIVIDUAL_NOTICE, appi["basis"]),
        ),
    ]
    return specs
