"""The year files' coverage determination section (issue 12 point 1): triggers, exclusions, riders and declarations
per plan, with sample clause references, validated at load time."""

import copy

import pytest

from sonae.core.errors import InvalidInput
from sonae.programme.cover_terms import DECLARATIONS, EXCLUSIONS, RIDERS, TRIGGERS
from sonae.programme.terms import parse_terms

from .conftest import year_document


@pytest.fixture(params=["2025", "2026"])
def cover(request):
    return parse_terms(year_document(request.param)).cover


def test_every_trigger_exclusion_declaration_and_rider_has_a_sample_clause(cover):
    for terms in (cover.triggers, cover.exclusions, cover.declarations, cover.riders):
        for term in terms.values():
            assert "（サンプル）" in term.clause.ref
            assert term.clause.summary
    assert "（サンプル）" in cover.period_clause.ref
    assert "サンプル" in cover.notice


def test_the_files_describe_every_code_of_the_vocabulary(cover):
    assert set(cover.triggers) == set(TRIGGERS)
    assert set(cover.exclusions) == set(EXCLUSIONS)
    assert set(cover.declarations) == set(DECLARATIONS)
    assert set(cover.riders) == set(RIDERS)


def test_employee_crime_needs_the_rider_which_only_plan_b_carries(cover):
    assert cover.triggers["employee_crime"].rider == "employee_crime"
    assert cover.plans["A"].riders == ()
    assert cover.plans["B"].riders == ("employee_crime",)


def test_contractual_liability_takes_away_only_the_liability_part(cover):
    assert cover.exclusions["contractual_liability_beyond_law"].parts == ("liability",)
    assert cover.exclusions["war_terror"].effect == "excluded"
    assert cover.exclusions["known_before_inception"].effect == "review"


def test_policy_terms_keep_only_the_parts_the_plan_covers():
    terms = parse_terms(year_document("2025"))
    policy = terms.cover.policy_terms("A", terms.plan("A").coverage, version=terms.version)
    assert policy.parts == ("liability", "costs")
    assert policy.riders == ()
    assert policy.version == "2025.3"


def test_a_rider_attached_to_one_policy_adds_to_the_plans_riders():
    terms = parse_terms(year_document("2025"))
    policy = terms.cover.policy_terms("A", terms.plan("A").coverage, riders=["employee_crime"])
    assert policy.riders == ("employee_crime",)


def test_an_unknown_rider_on_a_policy_is_refused():
    terms = parse_terms(year_document("2025"))
    with pytest.raises(InvalidInput):
        terms.cover.policy_terms("A", terms.plan("A").coverage, riders=["space_travel"])


def test_a_year_file_without_the_section_still_loads():
    document = year_document("2025")
    del document["determination"]
    assert parse_terms(document).cover is None


def _broken(edit) -> dict:
    document = copy.deepcopy(year_document("2025"))
    edit(document["determination"])
    return document


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (
            lambda d: d["triggers"].update({"alien_invasion": {"clause": "x", "parts": ["costs"]}}),
            "determination.triggers",
        ),
        (lambda d: d["triggers"].pop("employee_error"), "determination.triggers"),
        (
            lambda d: d["triggers"]["cyber_attack"].update({"parts": ["lunch"]}),
            "determination.triggers.cyber_attack.parts",
        ),
        (
            lambda d: d["triggers"]["cyber_attack"].update({"parts": []}),
            "determination.triggers.cyber_attack.parts",
        ),
        (lambda d: d["triggers"]["cyber_attack"].pop("clause"), "determination.triggers.cyber_attack.clause"),
        (
            lambda d: d["triggers"]["employee_crime"].update({"rider": "nothing"}),
            "determination.triggers.employee_crime.rider",
        ),
        (
            lambda d: d["exclusions"]["war_terror"].update({"effect": "maybe"}),
            "determination.exclusions.war_terror.effect",
        ),
        (
            lambda d: d["exclusions"]["war_terror"].update({"colour": "red"}),
            "determination.exclusions.war_terror",
        ),
        (
            lambda d: d["declarations"]["past_incidents"].update({"effect": "excluded"}),
            "determination.declarations.past_incidents.effect",
        ),
        (lambda d: d["plans"].pop("B"), "determination.plans.B"),
        (lambda d: d["plans"].update({"C": {"triggers": ["cyber_attack"]}}), "determination.plans"),
        (
            lambda d: d["plans"]["A"].update({"triggers": ["cyber_attack", "cyber_attack"]}),
            "determination.plans.A.triggers",
        ),
        (lambda d: d["plans"]["A"].update({"riders": ["unknown"]}), "determination.plans.A.riders"),
        (lambda d: d["part_clauses"].update({"lunch": "x"}), "determination.part_clauses.lunch"),
        (lambda d: d.update({"surprise": 1}), "determination"),
    ],
)
def test_invalid_sections_are_refused_naming_the_field(edit, field):
    with pytest.raises(InvalidInput) as exc:
        parse_terms(_broken(edit))
    assert exc.value.field == field
