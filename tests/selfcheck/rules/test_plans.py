from sonae.selfcheck.rules.exposure import estimate_exposure, validate_inputs
from sonae.selfcheck.rules.plans import FLYER_PLANS, PlanLimits, compare_with_plans, plans_from_terms


def test_empty_terms_fall_back_to_the_flyer_plans():
    assert plans_from_terms({}) == FLYER_PLANS
    assert plans_from_terms(None) == FLYER_PLANS
    assert [(p.code, p.liability_limit, p.cost_limit) for p in FLYER_PLANS] == [
        ("A", 100_000_000, 30_000_000),
        ("B", 500_000_000, 100_000_000),
    ]


def test_plans_are_read_from_a_mapping_of_claims_contract_shaped_terms():
    terms = {
        "plans": {
            "A": {"label": "プランA", "liability": {"limit": 100_000_000}, "costs": {"limit": 30_000_000}},
            "B": {
                "label": "プランB",
                "terms": {"liability": {"limit": 500_000_000}, "costs": {"limit": 100_000_000}},
            },
        }
    }
    assert plans_from_terms(terms) == FLYER_PLANS


def test_plans_are_read_from_a_list_with_flat_limits():
    terms = {
        "plans": [
            {"code": "S", "label": "スモール", "liability_limit": 50_000_000, "costs_limit": 10_000_000}
        ]
    }
    assert plans_from_terms(terms) == (PlanLimits("S", "スモール", 50_000_000, 10_000_000),)


def test_a_plan_without_both_limits_is_ignored():
    assert plans_from_terms({"plans": [{"code": "X", "liability": {"limit": 1}}]}) == FLYER_PLANS


def test_cover_is_capped_at_100_percent_and_rounded_down():
    estimate = estimate_exposure(validate_inputs(data_items=["name", "address"], persons=20_000))
    # damages 6,000 × 20,000 = ¥120M: Plan A covers 83.3 % → 83.
    a, b = compare_with_plans(estimate, FLYER_PLANS)
    assert (a.damages_cover_percent, b.damages_cover_percent) == (83, 100)


def test_plans_are_read_from_the_programme_year_file_shape():
    from pathlib import Path

    import yaml

    import sonae.programme

    path = Path(sonae.programme.__file__).parent / "data" / "2025.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    plans = {p.code: p for p in plans_from_terms(document)}
    for code, raw in document["plans"].items():
        assert plans[code].liability_limit == raw["liability_limit"]
        assert plans[code].cost_limit == raw["costs_limit"]
        assert plans[code].label == f"プラン{code}"
