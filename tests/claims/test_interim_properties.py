"""Properties of interim claims (pure: the contract's function with Sonae's already_paid and deductible rules):
however the costs of a policy period are split into claims, what is paid never exceeds a part's limit or an item's
sublimit, and one incident bears its deductible once."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sonae.claims.coverage import calculate, parse_claim_input
from sonae.claims.inputs import terms_for_claim, usage_from

TERMS = {
    "costs": {
        "limit": 3_000_000,
        "deductible": 100_000,
        "items": {
            "investigation": {"sublimit": 2_000_000, "pay_ratio": 1.0},
            "call_center": {"sublimit": 1_000_000, "pay_ratio": 0.9},
            "apology_letter": {},
        },
    },
    "liability": {"limit": 5_000_000, "deductible": 0, "items": {"damages": {}}},
}
ITEMS = {"investigation": "costs", "call_center": "costs", "apology_letter": "costs", "damages": "liability"}

expense = st.tuples(st.sampled_from(sorted(ITEMS)), st.integers(min_value=1, max_value=2_500_000))
claim = st.tuples(st.integers(min_value=0, max_value=2), st.lists(expense, min_size=1, max_size=4))


def _run(claims):
    """Decide every claim in order as Sonae does; returns the usages and the incidents of each claim."""
    usages = []
    for incident, expenses in claims:
        paid_parts, paid_items, deductible_used = {}, {}, {}
        for (other_incident, _), usage in zip(claims, usages, strict=False):
            for part, amount in usage["parts"].items():
                paid_parts[part] = paid_parts.get(part, 0) + amount
            for item, amount in usage["items"].items():
                paid_items[item] = paid_items.get(item, 0) + amount
            if other_incident == incident:
                for part, amount in usage["deductible"].items():
                    deductible_used[part] = deductible_used.get(part, 0) + amount
        document = {
            "terms": terms_for_claim(TERMS, deductible_used),
            "already_paid": {**paid_parts, "items": paid_items},
            "expenses": [
                {"id": f"E{i}", "part": ITEMS[item], "item": item, "amount": amount}
                for i, (item, amount) in enumerate(expenses)
            ],
        }
        parsed = parse_claim_input(document)
        output = calculate(parsed.terms, parsed.already_paid, parsed.expenses).to_dict()
        usages.append(usage_from(document, output))
    return usages


@settings(max_examples=200, deadline=None)
@given(st.lists(claim, min_size=1, max_size=6))
def test_interim_claims_never_pay_beyond_limits_and_sublimits(claims):
    usages = _run(claims)
    for part, terms in TERMS.items():
        assert sum(u["parts"].get(part, 0) for u in usages) <= terms["limit"]
        for item, conditions in terms["items"].items():
            if "sublimit" in conditions:
                assert sum(u["items"].get(item, 0) for u in usages) <= conditions["sublimit"]


@settings(max_examples=200, deadline=None)
@given(st.lists(claim, min_size=1, max_size=6))
def test_each_incident_bears_the_deductible_at_most_once(claims):
    usages = _run(claims)
    for incident in {i for i, _ in claims}:
        borne = sum(
            u["deductible"].get("costs", 0) for (i, _), u in zip(claims, usages, strict=True) if i == incident
        )
        assert borne <= TERMS["costs"]["deductible"]


def test_one_claim_or_two_interim_claims_pay_the_same_below_the_limits():
    whole = _run([(0, [("investigation", 800_000), ("call_center", 500_000)])])
    split = _run([(0, [("investigation", 800_000)]), (0, [("call_center", 500_000)])])
    assert sum(u["parts"]["costs"] for u in whole) == sum(u["parts"]["costs"] for u in split) == 1_150_000
