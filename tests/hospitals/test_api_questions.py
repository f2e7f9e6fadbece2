"""API of the conversation on a notified case: questions and answers from both sides (signed-in staff write,
tokens and viewers read), the joint-report flag, paging and exports; other hospitals, providers and kinds."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from sonae.core.models import AuditEvent
from sonae.hospitals.models import CaseMessage, JointReport


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _json(client, method, path, body, **extra):
    return getattr(client, method)(path, body, content_type="application/json", **extra)


QUESTION = {"subject": "検査結果の範囲", "body": "漏えいしたおそれのある期間を教えてください。"}


def _ask_as_hospital(client_for, notice, body=QUESTION):
    return _json(client_for("hospital"), "post", f"/api/v1/hospitals/notices/{notice.pk}/questions", body)


def test_a_hospitals_question_and_the_providers_answer_are_seen_by_both(world, notified_case, client_for):
    notice = notified_case()
    asked = _ask_as_hospital(client_for, notice)
    assert asked.status_code == 201, asked.content
    thread = asked.json()
    assert (thread["side"], thread["hospital_code"], thread["answers"]) == ("hospital", "minato", [])
    ref = notice.incident.reference
    answered = _json(
        client_for("provider"),
        "post",
        f"/api/v1/hospitals/cases/{ref}/questions/{thread['id']}/answers",
        {"body": "10月1日から5日までの検査分です。"},
    )
    assert answered.status_code == 201, answered.content
    assert [a["side"] for a in answered.json()["answers"]] == ["provider"]
    seen = client_for("hospital_viewer").get(f"/api/v1/hospitals/notices/{notice.pk}/questions").json()
    assert seen["count"] == 1 and seen["items"][0]["answers"][0]["body"] == "10月1日から5日までの検査分です。"
    assert AuditEvent.objects.filter(action="hospitals.answer_posted").count() == 1


def test_the_provider_asks_a_notified_hospital_and_answers_its_questions(world, notified_case, client_for):
    notice = notified_case()
    ref = notice.incident.reference
    provider = client_for("provider")
    asked = _json(
        provider, "post", f"/api/v1/hospitals/cases/{ref}/questions", {**QUESTION, "hospital_code": "minato"}
    )
    assert asked.status_code == 201 and asked.json()["side"] == "provider"
    reply = _json(
        client_for("hospital"),
        "post",
        f"/api/v1/hospitals/notices/{notice.pk}/questions/{asked.json()['id']}/answers",
        {"body": "承知しました。"},
    )
    assert reply.status_code == 201 and reply.json()["answers"][0]["side"] == "hospital"
    listed = provider.get(f"/api/v1/hospitals/cases/{ref}/questions", {"hospital_code": "minato"}).json()
    assert [t["id"] for t in listed["items"]] == [asked.json()["id"]]


def test_a_hospital_that_was_not_notified_cannot_be_asked(world, notified_case, client_for):
    notice = notified_case()
    response = _json(
        client_for("provider"),
        "post",
        f"/api/v1/hospitals/cases/{notice.incident.reference}/questions",
        {**QUESTION, "hospital_code": "kawase"},
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not CaseMessage.objects.exists()


def test_a_token_reads_but_cannot_write(world, notified_case, client, token_for, client_for):
    notice = notified_case()
    _ask_as_hospital(client_for, notice)
    token = _bearer(token_for("hospital", "admin"))
    assert client.get(f"/api/v1/hospitals/notices/{notice.pk}/questions", **token).json()["count"] == 1
    response = _json(client, "post", f"/api/v1/hospitals/notices/{notice.pk}/questions", QUESTION, **token)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert CaseMessage.objects.count() == 1


@pytest.mark.parametrize("who", ["hospital_viewer", "provider_viewer"])
def test_viewers_read_but_do_not_post(world, notified_case, client_for, who):
    notice = notified_case()
    thread = _ask_as_hospital(client_for, notice).json()
    ref = notice.incident.reference
    if who == "hospital_viewer":
        base = f"/api/v1/hospitals/notices/{notice.pk}/questions"
        ask = QUESTION
    else:
        base = f"/api/v1/hospitals/cases/{ref}/questions"
        ask = {**QUESTION, "hospital_code": "minato"}
    client = client_for(who)
    assert client.get(base).status_code == 200
    assert _json(client, "post", base, ask).status_code == 403
    assert _json(client, "post", f"{base}/{thread['id']}/answers", {"body": "x"}).status_code == 403
    assert CaseMessage.objects.count() == 1


def test_another_hospital_and_another_provider_get_404(world, notified_case, client_for):
    notice = notified_case()
    thread = _ask_as_hospital(client_for, notice).json()
    other = notified_case(hospital="hospital_b")
    kawase = client_for("hospital_b")
    assert kawase.get(f"/api/v1/hospitals/notices/{notice.pk}/questions").status_code == 404
    # Its own notice does not open another hospital's thread.
    response = _json(
        kawase,
        "post",
        f"/api/v1/hospitals/notices/{other.pk}/questions/{thread['id']}/answers",
        {"body": "x"},
    )
    assert response.status_code == 404
    aoba = client_for("provider_b")
    ref = notice.incident.reference
    assert aoba.get(f"/api/v1/hospitals/cases/{ref}/questions").status_code == 404
    response = _json(
        aoba, "post", f"/api/v1/hospitals/cases/{ref}/questions/{thread['id']}/answers", {"body": "x"}
    )
    assert response.status_code == 404
    assert CaseMessage.objects.count() == 1


def test_other_kinds_get_403(world, notified_case, client_for):
    notice = notified_case()
    desk = client_for("desk")
    assert desk.get(f"/api/v1/hospitals/notices/{notice.pk}/questions").status_code == 403
    assert desk.get(f"/api/v1/hospitals/cases/{notice.incident.reference}/questions").status_code == 403
    assert (
        client_for("hospital")
        .get(f"/api/v1/hospitals/cases/{notice.incident.reference}/questions")
        .status_code
        == 403
    )


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"subject": " ", "body": "本文"}, 400, "subject"),
        ({"subject": "件名", "body": "  "}, 400, "body"),
        ({"subject": "件名", "body": "あ" * 5001}, 422, None),
        ({"subject": "件名"}, 422, None),
    ],
)
def test_bad_input_is_the_error_envelope(world, notified_case, client_for, body, status, field):
    notice = notified_case()
    response = _ask_as_hospital(client_for, notice, body)
    assert response.status_code == status and response.json()["code"] == "invalid_input"
    assert response.json().get("field") == field and response.json()["message"]
    assert not CaseMessage.objects.exists()


def test_threads_are_paged_and_updated_since_follows_the_last_answer(world, notified_case, client_for, _now):
    notice = notified_case()
    first = _ask_as_hospital(client_for, notice).json()
    _ask_as_hospital(client_for, notice)
    _ask_as_hospital(client_for, notice)
    _now.shift(timedelta(days=1))
    ref = notice.incident.reference
    _json(
        client_for("provider"),
        "post",
        f"/api/v1/hospitals/cases/{ref}/questions/{first['id']}/answers",
        {"body": "回答"},
    )
    hospital = client_for("hospital")
    path = f"/api/v1/hospitals/notices/{notice.pk}/questions"
    page = hospital.get(path, {"limit": 2}).json()
    assert (page["count"], page["next_offset"], page["items"][0]["id"]) == (3, 2, first["id"])
    since = hospital.get(path, {"updated_since": "2026-10-07T00:00:00+09:00"}).json()
    assert [t["id"] for t in since["items"]] == [first["id"]]


def test_the_export_is_a_personal_data_export(world, notified_case, client_for, client, token_for, settings):
    notice = notified_case()
    _ask_as_hospital(client_for, notice)
    path = f"/api/v1/hospitals/cases/{notice.incident.reference}/questions"
    response = client.get(path, {"format": "csv"}, **_bearer(token_for("provider")))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][3] == "検査結果の範囲" and len(rows) == 2
    event = AuditEvent.objects.get(action="personal_data.exported")
    assert event.data["list"] == "委託元とのやりとり" and event.data["rows"] == 1
    settings.SONAE_REQUIRE_RECENT_AUTH = True
    refused = client_for("provider").get(path, {"format": "xlsx"})
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"


def test_the_joint_flag_set_by_the_hospital_is_seen_and_withdrawn_by_the_provider(
    world, notified_case, client_for, client, token_for
):
    notice = notified_case()
    ref = notice.incident.reference
    hospital = client_for("hospital")
    response = _json(
        hospital, "put", f"/api/v1/hospitals/notices/{notice.pk}/joint-report", {"enabled": True}
    )
    assert response.status_code == 200 and response.json()["enabled"] is True
    token = _bearer(token_for("provider"))
    listed = client.get(f"/api/v1/hospitals/cases/{ref}/joint-reports", **token).json()
    assert listed["items"] == [
        {
            "hospital_code": "minato",
            "hospital_name": "みなと総合病院",
            "enabled": True,
            "updated_at": listed["items"][0]["updated_at"],
            "updated_by_organisation": "みなと総合病院",
        }
    ]
    withdrawn = _json(
        client, "put", f"/api/v1/hospitals/cases/{ref}/joint-reports/minato", {"enabled": False}, **token
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["enabled"] is False
    assert JointReport.objects.get().enabled is False
    assert notice.incident.timeline.filter(text__contains="連名報告を取りやめました").exists()


def test_the_joint_flag_needs_staff_and_a_notified_hospital(
    world, notified_case, client_for, client, token_for
):
    notice = notified_case()
    ref = notice.incident.reference
    viewer = _json(
        client_for("hospital_viewer"),
        "put",
        f"/api/v1/hospitals/notices/{notice.pk}/joint-report",
        {"enabled": True},
    )
    assert viewer.status_code == 403
    token = _bearer(token_for("provider"))
    unknown = _json(
        client, "put", f"/api/v1/hospitals/cases/{ref}/joint-reports/kawase", {"enabled": True}, **token
    )
    assert unknown.status_code == 404
    foreign = _json(
        client,
        "put",
        f"/api/v1/hospitals/cases/{ref}/joint-reports/minato",
        {"enabled": True},
        **_bearer(token_for("provider_b")),
    )
    assert foreign.status_code == 404
    bad = _json(
        client, "put", f"/api/v1/hospitals/cases/{ref}/joint-reports/minato", {"enabled": "perhaps"}, **token
    )
    assert bad.status_code == 422
    assert not JointReport.objects.filter(enabled=True).exists()
