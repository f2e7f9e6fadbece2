"""GET /api/v1/incidents/{reference}/coverage, scoped: provider own and insurer full, agency summary, desk
provisional, others 404; and the approval gate through the claims API (409 coverage_not_confirmed)."""

from __future__ import annotations

import pytest

from sonae.claims.services.coverage import coverage_decide

pytestmark = pytest.mark.django_db


def _get(client, token, reference):
    return client.get(f"/api/v1/incidents/{reference}/coverage", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_provider_gets_the_full_determination_of_its_own_case(client, world, incident, token_for):
    response = _get(client, token_for("provider"), incident.reference)
    assert response.status_code == 200
    data = response.json()
    assert data["view"] == "full" and data["provisional"] is True
    assert data["outcome"] == "covered" and data["outcome_label"] == "補償対象"
    assert data["policy"]["number"] == "P-2025-000001" and data["policy"]["in_force_at_discovery"] is True
    assert data["trigger"] == "cyber_attack"
    assert [p["outcome"] for p in data["parts"]] == ["covered", "covered", "not_covered"]
    assert {r["code"] for r in data["reasons"]} >= {"discovered_in_period", "trigger_covered"}
    assert all("（サンプル）" in r["clause"] for r in data["reasons"] if r["clause"])


def test_the_insurer_sees_its_decision_with_the_reason(
    client, world, knew_before_applying, incident, token_for
):
    coverage_decide(
        actor=world.actor("insurer"), incident=incident, override="not_covered", reason="告知事実に起因"
    )
    data = _get(client, token_for("insurer"), incident.reference).json()
    assert data["outcome"] == "not_covered" and data["provisional"] is False
    assert data["decision"]["override"] == "not_covered"
    assert data["decision"]["determined_outcome"] == "needs_review"
    assert data["decision"]["reason"] == "告知事実に起因"


def test_the_agency_gets_a_summary_without_reasons(client, world, knew_before_applying, incident, token_for):
    coverage_decide(
        actor=world.actor("insurer"), incident=incident, override="covered", reason="無関係を確認"
    )
    data = _get(client, token_for("agency"), incident.reference).json()
    assert data["view"] == "summary"
    assert data["outcome"] == "covered" and data["parts"]
    assert data["reasons"] == [] and data["decision"]["reason"] == ""


def test_the_desk_gets_a_provisional_reading(client, world, knew_before_applying, incident, token_for):
    data = _get(client, token_for("desk"), incident.reference).json()
    assert data["view"] == "provisional" and data["provisional"] is True
    assert data["headline"] == "補償対象の見込み"
    assert data["parts"] == [] and data["decision"] is None
    assert "declared_known_circumstances" not in {r["code"] for r in data["reasons"]}


@pytest.mark.parametrize("who", ["provider_b", "hospital", "foundation"])
def test_others_get_404(client, world, incident, token_for, who):
    response = _get(client, token_for(who), incident.reference)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unknown_reference_is_404(client, world, token_for):
    assert _get(client, token_for("insurer"), "INC-2025-999999").status_code == 404


def test_approving_through_the_api_without_confirmed_cover_is_409(
    client, world, knew_before_applying, incident, claim_in_review, token_for
):
    claim = claim_in_review(incident)
    response = client.post(
        f"/api/v1/claims/{claim.number}/transition",
        {"to_status": "approved"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('insurer')}",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "coverage_not_confirmed"
    assert "認定できません" in response.json()["message"]
