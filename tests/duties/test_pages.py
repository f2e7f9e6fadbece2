"""The 法的対応 tab, done-marks, versions and their diff, and the explain page; who may see what."""

from __future__ import annotations

import re

import pytest

from tests.duties.conftest import LOST_BAG, jst

pytestmark = pytest.mark.django_db


def _url(incident, name="case", *args) -> str:
    from django.urls import reverse

    return reverse(f"duties:{name}", args=[incident.reference, *args])


def _text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    import html

    body = response.content.decode()
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _form_data(**overrides) -> dict:
    data = {
        "discovered_at": "2026-03-10T18:00",
        "role": "contractor",
        "entrusting_party_name": "",
        "data_items": ["name", "ward", "diet_order"],
        "persons": "30",
        "cause": "loss",
        "exfiltration_evidence": "unknown",
        "data_scope": "held",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_case_page_shows_the_japanese_checklist(incident, assess_case, client_for):
    assess_case(incident)
    response = client_for("provider").get(_url(incident))
    assert response.status_code == 200
    text = _text(response)
    for line in (
        "いま必要な対応 まず、みなと総合病院（委託元）へ2026年3月14日までに通知してください。",
        "委託元への通知：2026年3月14日までに",
        "個人情報保護委員会への速報：目安 2026年3月14日（土）",
        "確報：2026年4月8日（水）まで（発覚日を1日目として30日。翌日起算の場合 4月9日）",
        "本人への通知：速やかに",
        "報告対象の事態に当たります：要配慮個人情報（規則7条1号）",
        "【Sonae解釈R10】",
    ):
        assert line in text
    # The rule behind each line links to its explanation.
    assert 'href="/duties/explain/#r3"' in response.content.decode()
    assert 'href="/duties/explain/#rule-9"' in response.content.decode()


def test_the_case_tabs_lead_to_the_duties_tab(incident, client_for):
    response = client_for("provider").get(f"/incidents/{incident.reference}/")
    assert f'href="{_url(incident)}"' in response.content.decode()
    assert "法的対応" in _text(response)


def test_before_any_assessment_the_form_is_prefilled_from_the_incident(incident, client_for):
    response = client_for("provider").get(_url(incident))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["persons"] == 30
    assert form.initial["cause"] == "loss"
    assert form.initial["role"] == "contractor"
    assert "まだ判定していません" in _text(response)


def test_submitting_the_facts_form_makes_a_version_and_redirects(world, incident, client_for):
    client = client_for("provider")
    response = client.post(
        _url(incident), _form_data(entrusting_hospital=str(world.hospital.organisation.pk))
    )
    assert response.status_code == 302
    latest = incident.duty_assessments.get()
    assert latest.facts["data_items"] == ["name", "ward", "diet_order"]
    assert latest.entrusting_hospital == world.hospital.organisation
    assert "法的対応を判定しました（第1版）" in _text(client.get(_url(incident)))
    client.post(_url(incident), _form_data(entrusting_hospital=str(world.hospital.organisation.pk)))
    assert incident.duty_assessments.count() == 1  # nothing changed, no new version


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"data_items": None}, "漏えい等のおそれがある項目を1つ以上選んでください。"),
        ({"persons": "-3"}, "本人の数は0以上の整数で入力してください。"),
        (
            {"entrusting_party_notified_at": "2026-03-09T10:00"},
            "委託元へ通知した日時）が discovered_at（発覚日時）より前",
        ),
    ],
)
def test_invalid_facts_show_japanese_errors(incident, client_for, overrides, message):
    response = client_for("provider").post(_url(incident), _form_data(**overrides))
    assert response.status_code == 400
    assert message in _text(response)
    assert not incident.duty_assessments.exists()


def test_a_done_mark_is_recorded_from_the_page(world, incident, assess_case, client_for):
    assess_case(incident)
    client = client_for("provider")
    response = client.post(
        _url(incident, "mark_done", "ppc_preliminary"),
        {"ppc_preliminary-done_at": "2026-03-11T09:00", "ppc_preliminary-reference_number": "R-123"},
    )
    assert response.status_code == 302
    text = _text(client.get(_url(incident)))
    assert "実施日時：2026年3月11日 9:00 受付番号等：R-123" in text


def test_a_done_mark_in_the_future_is_refused_on_the_page(incident, assess_case, client_for):
    assess_case(incident)
    response = client_for("provider").post(
        _url(incident, "mark_done", "ppc_preliminary"), {"ppc_preliminary-done_at": "2026-03-20T09:00"}
    )
    assert response.status_code == 400
    assert "実施した日時に未来の日時は指定できません。" in _text(response)


def test_versions_and_their_diff_in_japanese_labels(incident, assess_case, client_for):
    assess_case(incident, {**LOST_BAG, "persons": 35})
    assess_case(incident, {**LOST_BAG, "persons": 1200})
    client = client_for("provider")
    page = _text(client.get(_url(incident)))
    assert "第1版" in page and "第2版" in page
    response = client.get(_url(incident, "diff"), {"a": 1, "b": 2})
    assert response.status_code == 200
    text = _text(response)
    assert "本人の数（推計の場合は上限） 35人 1,200人" in text
    assert (
        "該当する事態（規則7条） 要配慮個人情報（規則7条1号） 本人の数が1,000人超（規則7条4号）、要配慮個人情報（規則7条1号）"
        in text
    )
    version = _text(client.get(_url(incident, "version", 1)))
    assert "第1版の判定（以前の版）" in version and "35人" in version


@pytest.mark.parametrize("who", ["provider_b", "hospital", "foundation"])
def test_other_organisations_get_404(incident, assess_case, client_for, who):
    assess_case(incident)
    client = client_for(who)
    for url in (
        _url(incident),
        _url(incident, "diff"),
        _url(incident, "version", 1),
        _url(incident, "draft", "entrusting_party_notice"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(_url(incident), _form_data()).status_code == 404
    assert (
        client.post(
            _url(incident, "mark_done", "ppc_preliminary"), {"ppc_preliminary-done_at": "2026-03-11T09:00"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["agency", "insurer"])
def test_agency_and_insurer_read_the_checklist_only(incident, assess_case, client_for, who):
    assess_case(incident)
    client = client_for(who)
    response = client.get(_url(incident))
    assert response.status_code == 200
    assert "委託元への通知：2026年3月14日までに" in _text(response)
    assert response.context.get("form") is None
    assert "実施を記録する" not in _text(response)
    assert client.get(_url(incident, "diff")).status_code == 403
    assert client.get(_url(incident, "draft", "ppc_preliminary")).status_code == 403
    assert client.post(_url(incident), _form_data()).status_code == 403
    assert (
        client.post(
            _url(incident, "mark_done", "ppc_preliminary"), {"ppc_preliminary-done_at": "2026-03-11T09:00"}
        ).status_code
        == 403
    )


def test_a_provider_viewer_sees_facts_but_cannot_change_them(incident, assess_case, client_for):
    assess_case(incident)
    client = client_for("provider_viewer")
    response = client.get(_url(incident))
    assert response.status_code == 200
    assert response.context.get("form") is None
    assert "判定に使った事実（第1版）" in _text(response)
    assert client.post(_url(incident), _form_data(persons="31")).status_code == 403


def test_the_desk_works_on_any_case(incident, client_for):
    response = client_for("desk").post(_url(incident), _form_data())
    assert response.status_code == 302
    assert incident.duty_assessments.get().created_by_label.endswith("（サイバー事故対応デスク）")


def test_the_explain_page_explains_every_reading_and_every_cited_rule(incident, assess_case, client_for):
    from sonae.duties.explain import all_anchors

    response = client_for("hospital").get("/duties/explain/")
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(1, 18):
        assert f'id="r{n}"' in html
    for anchor in (
        "duty-ppc-preliminary",
        "duty-ppc-final",
        "duty-entrusting-party-notice",
        "duty-individual-notice",
    ):
        assert f'id="{anchor}"' in html
    # Every anchor a checklist links to exists on the page.
    assess_case(incident)
    linked = set(
        re.findall(r'/duties/explain/#([\w-]+)"', client_for("provider").get(_url(incident)).content.decode())
    )
    assert linked and linked <= all_anchors()


def test_the_explain_page_needs_a_sign_in(client):
    response = client.get("/duties/explain/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_duty_done_under_an_earlier_version_stays_on_the_page(world, incident, assess_case, client_for):
    from sonae.duties.models import DutyItem
    from sonae.duties.services import duty_mark_done

    assess_case(incident)
    duty_mark_done(
        actor=world.actor("provider"),
        item=DutyItem.objects.get(incident=incident, kind="ppc_preliminary"),
        done_at=jst(2026, 3, 11, 9, 0),
        reference="PPC-77",
    )
    assess_case(incident, {**LOST_BAG, "entrusting_party_notified_at": "2026-03-11T09:30:00+09:00"})
    text = _text(client_for("provider").get(_url(incident)))
    assert "個人情報保護委員会への報告：不要（委託元への通知により、委託元が報告します）" in text
    assert "個人情報保護委員会への速報：2026年3月11日 9:00に実施（受付番号等：PPC-77）" in text


def test_the_page_says_when_the_incident_changed_since_the_assessment(
    world, incident, assess_case, client_for
):
    from sonae.incidents.services import incident_update_facts

    assess_case(incident)
    incident_update_facts(actor=world.actor("provider"), incident=incident, persons_estimate=45)
    client = client_for("provider")
    text = _text(client.get(_url(incident)))
    assert "判定のあとで、案件の記録が更新されています。 本人の数（推計の場合は上限）：30人 → 45人" in text
    assert client.post(_url(incident, "refresh")).status_code == 302
    assert incident.duty_assessments.order_by("-version").first().facts["persons"] == 45
    assert "判定のあとで、案件の記録が更新されています。" not in _text(client.get(_url(incident)))
    assert client_for("agency").post(_url(incident, "refresh")).status_code == 403
