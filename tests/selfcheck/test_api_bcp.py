"""API of the cyber-BCP: the guide, starting the plan, saving its sections and steps, adoption and review, the PDF;
roles, other organisation kinds and bad input (the same services as the page)."""

from __future__ import annotations

import pytest

from sonae.core.models import AuditEvent
from sonae.core.services import api_token_create
from sonae.selfcheck import services
from sonae.selfcheck.models import BcpPlan
from tests.selfcheck.conftest import complete_bcp_rows

pytestmark = pytest.mark.django_db

BCP = "/api/v1/selfcheck/bcp"


@pytest.fixture
def headers(admin_actor):
    """``headers("staff") -> {"Authorization": …}``: an API token of the provider with that role."""

    def make(role: str = "staff") -> dict:
        _, secret = api_token_create(actor=admin_actor, name=f"連携 {role}", role=role)
        return {"Authorization": f"Bearer {secret}"}

    return make


def _put(client, path, body, headers):
    return client.put(path, body, content_type="application/json", headers=headers)


def _complete(client, headers):
    rows = complete_bcp_rows()
    for section, path in (
        ("contacts", "contacts"),
        ("systems", "systems"),
        ("paper_operations", "paper-operations"),
        ("backups", "backups"),
    ):
        response = _put(client, f"{BCP}/{path}", {"rows": rows[section]}, headers)
        assert response.status_code == 200, response.content
    return response.json()


def test_the_guide_explains_the_five_steps_and_the_deadlines(client, headers, settings):
    settings.SONAE_DESK_PHONE = "0120-111-222"
    body = client.get(f"{BCP}/guide", headers=headers()).json()
    assert [s["code"] for s in body["steps"]] == [
        "normal",
        "detection",
        "initial_response",
        "recovery",
        "post_incident",
    ]
    assert body["contact_categories"]["ppc"] == "個人情報保護委員会"
    assert any("速報" in d["title"] for d in body["deadlines"]) and body["desk_phone"] == "0120-111-222"


def test_a_plan_not_started_is_404_and_starting_it_prefills_the_desk(client, headers, settings):
    settings.SONAE_DESK_PHONE = "0120-111-222"
    staff = headers()
    missing = client.get(BCP, headers=staff)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    started = client.post(BCP, headers=staff)
    assert started.status_code == 201
    desk = next(c for c in started.json()["contacts"] if c["category"] == "desk")
    assert desk["phone"] == "0120-111-222"
    assert started.json()["status"] == "draft" and started.json()["missing"]
    again = client.post(BCP, headers=staff)
    assert again.status_code == 200 and BcpPlan.objects.count() == 1


def test_sections_are_saved_and_a_complete_plan_is_adopted_by_an_admin(client, headers):
    staff = headers()
    client.post(BCP, headers=staff)
    body = _complete(client, staff)
    assert body["missing"] == [] and body["systems"][0]["data_items"] == ["name", "test_results"]
    assert body["backups"][0]["offline"] is True
    denied = client.post(f"{BCP}/status", {"to": "adopted"}, content_type="application/json", headers=staff)
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    adopted = client.post(
        f"{BCP}/status", {"to": "adopted"}, content_type="application/json", headers=headers("admin")
    )
    assert adopted.status_code == 200, adopted.content
    body = adopted.json()
    assert body["status"] == "adopted" and body["reviewed_on"] and body["next_review_due"]
    assert body["review_state"] == "ok"
    assert AuditEvent.objects.filter(action="selfcheck.bcp.transition").count() == 1


def test_an_incomplete_plan_cannot_be_adopted(client, headers):
    admin = headers("admin")
    client.post(BCP, headers=admin)
    response = client.post(f"{BCP}/status", {"to": "adopted"}, content_type="application/json", headers=admin)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and response.json()["field"] == "status"
    assert "社内の責任者" in response.json()["message"]


def test_review_needs_an_adopted_plan(client, headers):
    admin = headers("admin")
    client.post(BCP, headers=admin)
    early = client.post(f"{BCP}/review", headers=admin)
    assert early.status_code == 409 and early.json()["code"] == "illegal_transition"
    _complete(client, admin)
    client.post(f"{BCP}/status", {"to": "adopted"}, content_type="application/json", headers=admin)
    assert client.post(f"{BCP}/review", headers=admin).status_code == 200
    same = client.post(f"{BCP}/status", {"to": "adopted"}, content_type="application/json", headers=admin)
    assert same.status_code == 409


def test_step_notes_are_saved_and_an_omitted_step_is_empty(client, headers):
    staff = headers()
    client.post(BCP, headers=staff)
    response = _put(client, f"{BCP}/steps", {"detection": "画面を撮影して責任者に電話する。"}, staff)
    assert response.status_code == 200
    notes = response.json()["step_notes"]
    assert notes["detection"] == "画面を撮影して責任者に電話する。" and notes["normal"] == ""


def test_blank_rows_are_dropped_and_drills_keep_their_dates(client, headers):
    staff = headers()
    client.post(BCP, headers=staff)
    rows = [{"held_on": "2026-05-01", "kind": "ランサムウェアの机上訓練"}, {}]
    body = _put(client, f"{BCP}/drills", {"rows": rows}, staff).json()
    assert body["drills"] == [
        {"held_on": "2026-05-01", "kind": "ランサムウェアの机上訓練", "participants": "", "findings": ""}
    ]


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        ("contacts", [{"category": "friends", "name": "x"}]),
        ("systems", [{"name": "x", "data_items": ["blood_type_of_cat"]}]),
        ("backups", [{"target": "x", "last_restore_test": "2026-02-30"}]),
        ("paper-operations", [{"operation": "x" * 201}]),
        ("drills", [{"kind": "x"}] * 51),
    ],
)
def test_bad_rows_are_the_error_envelope_and_save_nothing(client, headers, path, rows):
    staff = headers()
    client.post(BCP, headers=staff)
    before = BcpPlan.objects.get()
    response = _put(client, f"{BCP}/{path}", {"rows": rows}, staff)
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert response.json()["message"]
    after = BcpPlan.objects.get()
    assert (after.updated_at, after.systems, after.drills) == (
        before.updated_at,
        before.systems,
        before.drills,
    )


def test_a_viewer_reads_but_does_not_edit(client, headers, actor):
    services.bcp_start(actor=actor)
    viewer = headers("viewer")
    assert client.get(BCP, headers=viewer).status_code == 200
    assert client.post(BCP, headers=viewer).status_code == 403
    response = _put(client, f"{BCP}/contacts", {"rows": []}, viewer)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_other_kinds_get_403_and_another_providers_plan_is_never_shown(
    client, headers, other_actor, hospital_actor
):
    plan = services.bcp_start(actor=other_actor)
    services.bcp_update_section(
        actor=other_actor, plan=plan, section="contacts", rows=complete_bcp_rows()["contacts"]
    )
    assert client.get(BCP, headers=headers()).status_code == 404  # ours is not started; theirs is not ours
    _, secret = api_token_create(actor=hospital_actor, name="病院")
    hospital = {"Authorization": f"Bearer {secret}"}
    for method, path in (("get", BCP), ("post", BCP), ("get", f"{BCP}/pdf")):
        assert getattr(client, method)(path, headers=hospital).status_code == 403, path


def test_the_pdf_holds_the_contact_chart_and_is_audited(client, headers):
    from tests.pdftext import pdf_text

    staff = headers()
    client.post(BCP, headers=staff)
    _complete(client, staff)
    response = client.get(f"{BCP}/pdf", headers=staff)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "山田" in text and "090-1111-2222" in text
    assert AuditEvent.objects.filter(action="selfcheck.bcp.exported").count() == 1
