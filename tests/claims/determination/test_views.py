"""Pages: the coverage page (insurer decides, provider reads the outcome and the clauses, agency a summary), the
panel on the claim screen, the provisional box on the incident case page — and 403/404 outside the scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sonae.claims.models import CoverageDecision
from sonae.claims.services.coverage import coverage_decide

pytestmark = pytest.mark.django_db


def _url(incident, **query):
    url = reverse("claims:coverage", args=[incident.reference])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_insurer_sees_the_determination_and_the_decision_form(world, incident, client_for):
    page = client_for("insurer").get(_url(incident))
    html = page.content.decode()
    assert page.status_code == 200
    assert "補償の判定" in html and "補償対象の見込み" in html and "暫定判定" in html
    assert "賠償責任補償条項 第1条①" in html  # the clause of the cyber-attack trigger
    assert "戦争・外国の武力行使・暴動・テロ行為に起因する事故ですか" in html
    assert 'name="override"' in html


def test_the_insurer_overrides_with_a_reason_and_returns_to_the_claim(
    world, knew_before_applying, incident, claim_in_review, client_for
):
    claim = claim_in_review(incident)
    response = client_for("insurer").post(
        _url(incident),
        {"override": "covered", "reason": "告知の事実と今回の事故は無関係と確認", "claim": claim.number},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[claim.number])
    decision = CoverageDecision.objects.get()
    assert (decision.override, decision.reason) == ("covered", "告知の事実と今回の事故は無関係と確認")


def test_an_override_without_a_reason_shows_the_error(world, knew_before_applying, incident, client_for):
    response = client_for("insurer").post(_url(incident), {"override": "covered", "reason": ""})
    assert response.status_code == 400
    assert "判定を変更する理由を入力してください" in response.content.decode()
    assert not CoverageDecision.objects.exists()


def test_confirmed_facts_are_posted_as_three_way_answers(world, incident, client_for):
    response = client_for("insurer").post(
        _url(incident), {"fact_wilful_act": "no", "fact_war_terror": "yes", "override": "", "reason": ""}
    )
    assert response.status_code == 302
    assert CoverageDecision.objects.get().facts == {"war_terror": True, "wilful_act": False}


def test_the_return_address_is_only_ever_a_claim_number(world, incident, client_for):
    response = client_for("insurer").post(
        _url(incident), {"override": "", "reason": "", "claim": "https://evil.example/"}
    )
    assert response["Location"] == _url(incident)


def test_the_provider_reads_the_outcome_with_the_clause_and_the_insurers_reason(
    world, knew_before_applying, incident, client_for
):
    coverage_decide(
        actor=world.actor("insurer"),
        incident=incident,
        override="covered",
        reason="告知の事実とは無関係と確認",
    )
    page = client_for("provider").get(_url(incident))
    html = page.content.decode()
    assert page.status_code == 200
    assert "保険会社が判定を変更" in html and "告知の事実とは無関係と確認" in html
    assert "第8条（告知義務）（サンプル）" in html
    assert 'name="override"' not in html


def test_the_provider_cannot_post_a_decision(world, incident, client_for):
    response = client_for("provider").post(_url(incident), {"override": "covered", "reason": "x"})
    assert response.status_code == 403
    assert not CoverageDecision.objects.exists()


def test_the_agency_sees_a_summary_without_reasons_or_form(world, incident, client_for):
    coverage_decide(
        actor=world.actor("insurer"), incident=incident, override="not_covered", reason="社内の調査メモ"
    )
    html = client_for("agency").get(_url(incident)).content.decode()
    assert "補償区分" in html and "理由と約款の条項" not in html
    assert "保険会社の判断: 補償対象外" in html and "社内の調査メモ" not in html
    assert 'name="override"' not in html
    assert client_for("agency").post(_url(incident), {"override": ""}).status_code == 403


@pytest.mark.parametrize("who", ["provider_b", "desk", "hospital", "foundation"])
def test_the_coverage_page_is_404_outside_the_scope(world, incident, client_for, who):
    assert client_for(who).get(_url(incident)).status_code == 404


def test_the_claim_screen_shows_the_determination_before_adjudication(
    world, knew_before_applying, incident, claim_in_review, client_for
):
    claim = claim_in_review(incident)
    html = client_for("insurer").get(reverse("claims:detail", args=[claim.number])).content.decode()
    assert "補償の判定" in html and "要確認" in html
    assert _url(incident, claim=claim.number) in html
    decide = client_for("insurer").get(reverse("claims:decide", args=[claim.number])).content.decode()
    assert "告知事項" in decide


def test_approving_an_unconfirmed_claim_on_the_decision_page_shows_why(
    world, knew_before_applying, incident, claim_in_review, client_for
):
    claim = claim_in_review(incident)
    response = client_for("insurer").post(
        reverse("claims:decide", args=[claim.number]), {"decision": "approved", "reason": ""}
    )
    assert response.status_code == 400
    assert "補償の判定が「要確認」のため、認定できません" in response.content.decode()


def test_the_desk_sees_a_provisional_reading_on_the_case_page(world, incident, client_for):
    html = client_for("desk").get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert "補償の見込み" in html and "暫定判定" in html
    assert "有効な契約あり（P-2025-000001・プランA）" in html
    assert 'data-coverage-outcome="covered"' in html
    assert "断定しない言い方" in html
    assert _url(incident) not in html  # the desk has no coverage page


def test_the_desk_is_told_when_the_caller_has_no_cover(world, report, client_for):
    from ..conftest import jst

    incident = report(discovered_at=jst(2025, 10, 1, 15, 59), received_at=jst(2025, 10, 1, 17, 0))
    html = client_for("desk").get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert "発覚日時に有効な契約はありません" in html
    assert 'data-coverage-outcome="not_covered"' in html
    assert "保険期間の開始（2025年10月1日 16:00）より前" in html


def test_the_provider_case_page_links_to_the_full_determination(world, incident, client_for):
    html = client_for("provider").get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert "補償の見込み" in html and _url(incident) in html
