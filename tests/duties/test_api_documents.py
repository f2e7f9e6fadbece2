"""Duties API, the rest of the 法的対応 tab: re-assessing from the incident's record, the diff of two versions,
drafts (prefilled, exported with edits as PDF or DOCX) and the explanation — scoped and checked as the pages."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document

from sonae.core.models import AuditEvent
from tests.duties.conftest import LOST_BAG
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db
INVALID = "入力内容に誤りがあります。項目を確認してください。"
DENIED = {"code": "permission_denied", "message": "この操作を行う権限がありません。"}


@pytest.fixture
def token_for(world):
    from sonae.core.models import ApiToken
    from sonae.core.services import TOKEN_PREFIX, hash_token

    def make(name: str, role: str = "staff") -> str:
        secret = f"{TOKEN_PREFIX}duties-docs-{name}-{role}-secret"
        if not ApiToken.objects.filter(token_hash=hash_token(secret)).exists():
            ApiToken.objects.create(
                organisation=getattr(world, name).organisation,
                name=f"{name} token",
                prefix=secret[6:14],
                token_hash=hash_token(secret),
                role=role,
            )
        return secret

    return make


@pytest.fixture
def api(client, token_for):
    def call(method: str, path: str, who: str = "provider", body=None, role: str = "staff"):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(who, role)}"}
        if method == "get":
            return client.get(f"/api/v1{path}", **headers)
        return client.post(
            f"/api/v1{path}", data=json.dumps(body or {}), content_type="application/json", **headers
        )

    return call


def _path(incident, tail=""):
    return f"/incidents/{incident.reference}/duties{tail}"


# --- refresh and diff --------------------------------------------------------------------------------------------


def test_refresh_takes_the_incidents_new_facts_into_a_new_version(world, incident, assess_case, api):
    from sonae.incidents.services import incident_update_facts

    assess_case(incident)
    incident_update_facts(actor=world.actor("provider"), incident=incident, persons_estimate=45)
    response = api("post", _path(incident, "/refresh"), who="desk")
    assert response.status_code == 200, response.content
    latest = response.json()["latest"]
    assert latest["version"] == 2 and latest["facts"]["persons"] == 45
    again = api("post", _path(incident, "/refresh"))
    assert again.json()["latest"]["version"] == 2


def test_refresh_of_a_case_never_assessed_is_not_found(incident, api):
    response = api("post", _path(incident, "/refresh"))
    assert response.status_code == 404 and response.json()["message"] == "この案件はまだ判定されていません。"


@pytest.mark.parametrize(("who", "role"), [("agency", "staff"), ("provider", "viewer")])
def test_readers_may_not_refresh(incident, assess_case, api, who, role):
    assess_case(incident)
    response = api("post", _path(incident, "/refresh"), who=who, role=role)
    assert response.status_code == 403 and response.json() == DENIED


def test_the_diff_names_what_changed(incident, assess_case, api):
    assess_case(incident)
    assess_case(incident, {**LOST_BAG, "persons": 1200})
    response = api("get", _path(incident, "/diff"), role="viewer")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["a"], body["b"]) == (1, 2)
    (persons,) = [r for r in body["facts"] if r["field"] == "persons"]
    assert (persons["before"], persons["after"]) == ("30人", "1,200人")
    assert body["result"]
    swapped = api("get", _path(incident, "/diff?a=2&b=1")).json()
    assert (swapped["a"], swapped["b"]) == (1, 2)


def test_the_diff_checks_its_versions_and_its_reader(incident, assess_case, api):
    assess_case(incident)
    single = api("get", _path(incident, "/diff"))
    assert single.status_code == 404 and single.json()["code"] == "not_found"
    assert api("get", _path(incident, "/diff?a=1&b=9")).status_code == 404
    bad = api("get", _path(incident, "/diff?a=zero"))
    assert bad.status_code == 422 and bad.json()["message"] == INVALID
    assess_case(incident, {**LOST_BAG, "persons": 31})
    assert api("get", _path(incident, "/diff"), who="insurer").json() == DENIED
    for who in ("provider_b", "hospital"):
        assert api("get", _path(incident, "/diff"), who=who).status_code == 404, who


# --- drafts ------------------------------------------------------------------------------------------------------


def test_drafts_are_listed_prefilled_and_exported_with_edits(incident, assess_case, api):
    assess_case(incident)
    kinds = api("get", _path(incident, "/drafts")).json()
    assert {"kind": "entrusting_party_notice", "label": "委託元への通知"} in kinds
    draft = api("get", _path(incident, "/drafts/entrusting_party_notice"))
    assert draft.status_code == 200, draft.content
    body = draft.json()
    assert "みなと総合病院" in body["recipient"] and body["sections"]
    section = body["sections"][0]["key"]
    exported = api(
        "post",
        _path(incident, "/drafts/entrusting_party_notice/export"),
        body={"format": "docx", "title": "ご報告（第一報）", "sections": {section: "差し替えた本文です。"}},
    )
    assert exported.status_code == 200, exported.content
    text = "\n".join(p.text for p in Document(io.BytesIO(exported.content)).paragraphs)
    assert "ご報告（第一報）" in text and "差し替えた本文です。" in text
    assert AuditEvent.objects.filter(action="duties.draft_exported").count() == 1
    pdf = api("post", _path(incident, "/drafts/entrusting_party_notice/export"), who="desk")
    assert pdf.status_code == 200 and "みなと総合病院 御中" in pdf_text(pdf.content)


def test_a_draft_the_case_does_not_need_or_an_unknown_kind(incident, assess_case, api):
    assess_case(incident)
    response = api("get", _path(incident, "/drafts/my_number_final"))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    unknown = api("get", _path(incident, "/drafts/poem"))
    assert unknown.status_code == 422 and unknown.json()["message"] == INVALID
    bad_format = api(
        "post", _path(incident, "/drafts/entrusting_party_notice/export"), body={"format": "odt"}
    )
    assert bad_format.status_code == 422 and bad_format.json()["errors"][0]["field"] == "format"
    too_long = api(
        "post", _path(incident, "/drafts/entrusting_party_notice/export"), body={"fields": {"x": "あ" * 501}}
    )
    assert too_long.status_code == 400 and too_long.json()["field"] == "fields.x"


@pytest.mark.parametrize(
    ("who", "role", "status"),
    [("agency", "staff", 403), ("provider", "viewer", 403), ("provider_b", "staff", 404)],
)
def test_drafts_for_workers_only(incident, assess_case, api, who, role, status):
    assess_case(incident)
    for method, tail in (
        ("get", "/drafts"),
        ("get", "/drafts/entrusting_party_notice"),
        ("post", "/drafts/entrusting_party_notice/export"),
    ):
        response = api(method, _path(incident, tail), who=who, role=role)
        assert response.status_code == status, (tail, response.content)
    assert not AuditEvent.objects.filter(action="duties.draft_exported").exists()


def test_a_browser_session_needs_a_recent_sign_in_for_drafts(incident, assess_case, client_for, settings):
    assess_case(incident)
    settings.SONAE_REQUIRE_RECENT_AUTH = True  # force_login records no sign-in time
    response = client_for("provider").get(f"/api/v1{_path(incident, '/drafts/entrusting_party_notice')}")
    assert response.status_code == 403 and response.json()["code"] == "reauthentication_required"


# --- the explanation ---------------------------------------------------------------------------------------------


def test_every_signed_in_organisation_reads_the_explanation(world, api):
    for who in ("provider", "hospital", "foundation"):
        response = api("get", "/duties/explain", who=who, role="viewer")
        assert response.status_code == 200, who
    body = response.json()
    assert body["duties"][0]["anchor"] == "duty-ppc-preliminary"
    assert {r["anchor"] for r in body["readings"]} >= {"r1", "r17"}
