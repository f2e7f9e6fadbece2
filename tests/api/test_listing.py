"""Every list route answers the same envelope, pages through all rows, filters by ``updated_since`` and exports
CSV and Excel — checked route by route on the demo data set with each kind's API token."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from sonae.core.models import AuditEvent, Membership, Organisation, Role

# (path, organisation code of the token, model, key of the item, model field the key reads)
LISTS = [
    ("/incidents", "cyber-desk", "incidents.Incident", "reference", "reference"),
    ("/enrolment/quotes", "sakura-lab", "enrolment.Quote", "id", "pk"),
    ("/enrolment/applications", "sakura-lab", "enrolment.Application", "id", "pk"),
    ("/enrolment/policies", "hinode-insurance", "enrolment.Policy", "id", "pk"),
    ("/selfcheck/checks", "sakura-lab", "selfcheck.SelfCheck", "id", "pk"),
    ("/expenses", "sakura-lab", "claims.Expense", "id", "pk"),
    ("/approvals", "hinode-insurance", "claims.PriorApproval", "id", "pk"),
    ("/claims", "sakura-lab", "claims.Claim", "number", "number"),
    ("/hospitals/notices", "minato-hospital", "incidents.HospitalNotice", "id", "pk"),
    ("/hospitals/contractors", "minato-hospital", "hospitals.ContractorLink", "id", "pk"),
    ("/hospitals/links", "sakura-lab", "hospitals.ContractorLink", "id", "pk"),
    ("/webhooks/endpoints", "sakura-lab", "webhooks.WebhookEndpoint", "id", "pk"),
    ("/rights/forwarded", "minato-hospital", "rights.RightsRequest", "id", "pk"),
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data set, an admin API token per organisation used here and a webhook endpoint — built once for
    the module in a transaction rolled back at its end (as ``TestCase.setUpTestData`` does)."""
    from sonae.core.actors import Actor
    from sonae.core.demo.loader import load_demo
    from sonae.core.services import api_token_create
    from sonae.webhooks.models import WebhookEndpoint

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block._from_testcase = True
        with block:
            load_demo()
            tokens = {}
            for code in {code for _, code, *_ in LISTS}:
                org = Organisation.objects.get(code=code)
                admin = Membership.objects.filter(organisation=org, role=Role.ADMIN).order_by("pk").first()
                tokens[code] = api_token_create(
                    actor=Actor.from_membership(admin), name="list", role=Role.ADMIN
                )[1]
            for n in range(3):
                WebhookEndpoint.objects.create(
                    organisation=Organisation.objects.get(code="sakura-lab"),
                    name=f"hook {n}",
                    url=f"https://example.jp/hook/{n}",
                    secret="s" * 32,
                )
            yield tokens
            transaction.set_rollback(True)


def _get(client, demo, code, path, **params):
    return client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {demo[code]}")


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "code", "model", "key", "field"), LISTS, ids=[row[0] for row in LISTS])
def test_pages_cover_every_row_once(client, demo, path, code, model, key, field):
    whole = _get(client, demo, code, path, limit=200).json()
    assert set(whole) == {"count", "limit", "offset", "next_offset", "items"}
    assert whole["count"] >= 1, f"the demo has nothing for {path}"
    assert len(whole["items"]) == min(whole["count"], 200)
    seen, offset = [], 0
    while offset is not None:
        page = _get(client, demo, code, path, limit=2, offset=offset).json()
        assert page["count"] == whole["count"] and len(page["items"]) <= 2
        seen += [item[key] for item in page["items"]]
        offset = page["next_offset"]
    assert seen == [item[key] for item in whole["items"]]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "code", "model", "key", "field"), LISTS, ids=[row[0] for row in LISTS])
def test_updated_since_returns_what_changed(client, demo, path, code, model, key, field):
    from django.apps import apps

    items = _get(client, demo, code, path, limit=200).json()["items"]
    target = items[-1][key]
    later = timezone.now() + timedelta(days=30)
    with time_machine.travel(later, tick=False):
        obj = apps.get_model(model).objects.get(**{field: target})
        obj.save()
    since = (later - timedelta(minutes=1)).isoformat()
    changed = _get(client, demo, code, path, updated_since=since).json()
    assert [item[key] for item in changed["items"]] == [target]
    future = (later + timedelta(days=1)).isoformat()
    assert _get(client, demo, code, path, updated_since=future).json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "code", "model", "key", "field"), LISTS, ids=[row[0] for row in LISTS])
def test_csv_and_excel_hold_every_row(client, demo, path, code, model, key, field):
    count = _get(client, demo, code, path).json()["count"]
    response = _get(client, demo, code, path, format="csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == count + 1 and all(len(r) == len(rows[0]) for r in rows)
    workbook = load_workbook(io.BytesIO(_get(client, demo, code, path, format="xlsx").content))
    assert workbook.active.max_row == count + 1
    assert [c.value for c in next(workbook.active.iter_rows())] == rows[0]
    audited = AuditEvent.objects.filter(action__in=["export.list", "personal_data.exported"]).order_by("-id")[
        :2
    ]
    assert [e.data["format"] for e in audited] == ["xlsx", "csv"]


@pytest.mark.django_db
def test_out_of_range_paging_answers_invalid_input(client, demo):
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"format": "pdf"},
        {"updated_since": "yesterday"},
    ):
        response = _get(client, demo, "sakura-lab", "/enrolment/quotes", **params)
        assert response.status_code == 422 and response.json()["code"] == "invalid_input", params


@pytest.mark.django_db
def test_openapi_documents_the_envelope_and_the_files(client, demo):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/expenses"]["get"]
    assert "updated_since" in op["description"] and "CSV" in op["description"]
    params = {p["name"] for p in op["parameters"]}
    assert {"limit", "offset", "updated_since", "format", "incident"} <= params
    content = op["responses"]["200"]["content"]
    assert set(content) >= {"application/json", "text/csv"}
    page = schema["components"]["schemas"]["ExpenseOutPage"]
    assert set(page["properties"]) == {"count", "limit", "offset", "next_offset", "items"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00:00+23:59", "0001-01-01T00:00:00", "9999-12-31T23:59:59-23:59"]
)
def test_an_instant_beyond_the_utc_range_is_bad_input_and_leaves_the_database_usable(
    client, make_member, value
):
    from sonae.core.actors import Actor
    from sonae.core.services import api_token_create

    admin = make_member("provider", "admin")
    secret = api_token_create(actor=Actor.from_membership(admin), name="x", role=Role.ADMIN)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.get("/api/v1/enrolment/quotes", {"updated_since": value}, **headers)
    assert response.status_code == 400 and response.json()["field"] == "updated_since"
    # The transaction is still usable (on PostgreSQL a failed statement would have aborted it).
    assert client.get("/api/v1/enrolment/quotes", **headers).status_code == 200
