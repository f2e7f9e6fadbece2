"""API: the hospital's drafts on a notified case (its PPC report and its patient notice), as on the draft pages."""

from __future__ import annotations

import pytest

from sonae.core.models import AuditEvent
from tests.pdftext import pdf_text


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _base(notice) -> str:
    return f"/api/v1/hospitals/notices/{notice.pk}/drafts"


def test_the_hospital_lists_the_draft_kinds(world, notified_case, client, token_for):
    notice = notified_case()
    response = client.get(_base(notice), **_bearer(token_for("hospital", role="viewer")))
    assert response.status_code == 200, response.content
    assert [d["kind"] for d in response.json()] == ["ppc", "patients"]
    assert response.json()[0]["title"] == "個人情報保護委員会への報告（下書き）"


def test_the_ppc_draft_is_prefilled_from_the_contractors_information(
    world, notified_case, link_for, client, token_for
):
    link_for()
    notice = notified_case()

    response = client.get(f"{_base(notice)}/ppc", **_bearer(token_for("hospital", role="viewer")))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "ppc" and body["reference"] == notice.incident.reference
    for expected in (
        "みなと総合病院",
        "株式会社さくら臨床検査",
        "衛生検査所業務",
        "氏名、検査結果",
        "約5,000人",
    ):
        assert expected in body["text"], expected
    assert "速報の目安 2026年10月10日" in body["text"]
    assert "<table" in body["html"] and "<table" not in body["text"]
    assert not AuditEvent.objects.filter(action="hospitals.draft_generated").exists()


def test_the_patient_notice_draft_names_the_hospital_and_the_items(world, notified_case, client, token_for):
    notice = notified_case()
    body = client.get(f"{_base(notice)}/patients", **_bearer(token_for("hospital"))).json()
    assert (
        "患者の皆様へ" in body["text"]
        and "みなと総合病院" in body["text"]
        and "氏名、検査結果" in body["text"]
    )


@pytest.mark.parametrize(
    ("kind", "words"),
    [("ppc", ["報告者", "みなと総合病院"]), ("patients", ["お問い合わせ先", "みなと総合病院"])],
)
def test_draft_pdfs_are_the_pages_and_audited(world, notified_case, client, token_for, kind, words):
    notice = notified_case()

    response = client.get(f"{_base(notice)}/{kind}/pdf", **_bearer(token_for("hospital")))

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert (
        "attachment" in response["Content-Disposition"]
        and notice.incident.reference in response["Content-Disposition"]
    )
    text = pdf_text(response.content)
    assert all(word in text for word in words)
    event = AuditEvent.objects.get(action="hospitals.draft_generated")
    assert event.data == {"incident": notice.incident.reference, "kind": kind}


def test_an_unknown_draft_kind_is_refused(world, notified_case, client, token_for):
    notice = notified_case()
    token = _bearer(token_for("hospital"))
    assert client.get(f"{_base(notice)}/press", **token).status_code in (400, 404, 422)
    assert client.get(f"{_base(notice)}/press/pdf", **token).status_code in (400, 404, 422)


def test_a_hospital_viewer_may_read_a_draft_but_not_download_it(world, notified_case, client_for):
    notice = notified_case()
    client = client_for("hospital_viewer")
    assert client.get(f"{_base(notice)}/ppc").status_code == 200
    response = client.get(f"{_base(notice)}/ppc/pdf")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not AuditEvent.objects.filter(action="hospitals.draft_generated").exists()


@pytest.mark.parametrize("tail", ["", "/ppc", "/ppc/pdf"])
def test_another_hospital_gets_404(world, notified_case, client, token_for, tail):
    notice = notified_case()
    response = client.get(f"{_base(notice)}{tail}", **_bearer(token_for("hospital_b")))
    assert response.status_code == 404


@pytest.mark.parametrize("tail", ["", "/ppc", "/ppc/pdf"])
def test_the_provider_gets_403(world, notified_case, client, token_for, tail):
    notice = notified_case()
    response = client.get(f"{_base(notice)}{tail}", **_bearer(token_for("provider")))
    assert response.status_code == 403
