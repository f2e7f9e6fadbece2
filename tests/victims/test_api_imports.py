"""Victims API, importing a list: upload → mapping → validation → report → duplicates → commit, or cancel; the
same services as the pages, the case's provider only (others 404), its staff role for changes (403)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sonae.core.models import AuditEvent
from sonae.victims.models import ColumnMapping, ImportJob, ImportStatus, Victim
from tests.victims.conftest import GOOD_ROWS, HEADER, api_call, csv_text

NAMELESS_ROW = ",ナナシ,1970-01-01,,,,,,氏名"  # line 5: no name


def _upload(client, auth, reference, rows, *, encoding="cp932", header=HEADER, name="リスト.csv"):
    data = csv_text(rows, header).encode(encoding)
    return api_call(
        client,
        auth,
        "post",
        f"/victims/{reference}/imports",
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
        multipart=True,
    )


@pytest.fixture
def uploaded(world, incident, bearer, client):
    """A list uploaded by provider A through the API: returns the job's JSON."""

    def make(rows=(*GOOD_ROWS, NAMELESS_ROW)):
        response = _upload(client, bearer("provider"), incident.reference, list(rows))
        assert response.status_code == 201, response.content
        return response.json()

    return make


def test_a_provider_uploads_maps_validates_and_confirms_a_list(
    world, incident, bearer, client, uploaded, django_capture_on_commit_callbacks
):
    auth, base = bearer("provider"), f"/victims/{incident.reference}/imports"
    job = uploaded()
    assert (job["status"], job["file_kind"], job["encoding"]) == ("uploaded", "csv", "cp932")
    assert job["source_name"] == "リスト.csv" and not Victim.objects.exists()

    mapping = api_call(client, auth, "get", f"{base}/{job['id']}/mapping").json()
    assert [c["target"] for c in mapping["columns"]][:3] == ["name", "kana", "birth_date"]
    assert mapping["columns"][0] == {"index": 0, "header": "氏名", "target": "name", "target_label": "氏名"}
    assert {"code": "", "label": "（取り込まない）"} in mapping["targets"]

    targets = [c["target"] for c in mapping["columns"]]
    saved = api_call(
        client, auth, "put", f"{base}/{job['id']}/mapping", {"mapping": targets, "duplicate_policy": "skip"}
    )
    assert saved.status_code == 200 and saved.json()["status"] == "uploaded"

    with django_capture_on_commit_callbacks(execute=True):
        validated = api_call(client, auth, "post", f"{base}/{job['id']}/validate")
    # The answer is the job as handed to the worker; the client polls it (the task ran at the commit here).
    assert validated.status_code == 202, validated.content
    assert validated.json()["status"] == "validating" and validated.json()["phase"] == "validating"
    detail = api_call(client, auth, "get", f"{base}/{job['id']}").json()
    assert detail["status"] == "validated" and detail["rejected"] == 1 and detail["percent"] == 100
    assert not Victim.objects.exists()  # validation writes nobody

    report = api_call(client, auth, "get", f"{base}/{job['id']}/issues").json()
    assert report["count"] == 1
    assert {k: report["items"][0][k] for k in ("line", "kind", "column", "message")} == {
        "line": 5,
        "kind": "error",
        "column": "氏名",
        "message": "氏名が入力されていません。",
    }

    with django_capture_on_commit_callbacks(execute=True):
        committed = api_call(client, auth, "post", f"{base}/{job['id']}/confirm")
    assert committed.status_code == 202 and committed.json()["status"] == "committing"
    detail = api_call(client, auth, "get", f"{base}/{job['id']}").json()
    assert detail["status"] == "committed" and detail["imported"] == 3
    assert Victim.objects.count() == 3
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"victims.import_uploaded", "victims.import_mapped", "victims.import_committed"} <= actions


def test_the_mapping_set_is_remembered_for_the_providers_next_file(world, incident, bearer, client, uploaded):
    auth = bearer("provider")
    job = uploaded()
    mapping = api_call(
        client, auth, "get", f"/victims/{incident.reference}/imports/{job['id']}/mapping"
    ).json()
    targets = [c["target"] for c in mapping["columns"]]
    phone = targets.index("phone")
    targets[phone] = ""  # the provider does not want phone numbers
    api_call(
        client,
        auth,
        "put",
        f"/victims/{incident.reference}/imports/{job['id']}/mapping",
        {"mapping": targets, "default_items": ["name"]},
    )
    assert ColumnMapping.objects.filter(organisation=world.provider.organisation).count() == 1

    second = uploaded()
    proposed = api_call(
        client, auth, "get", f"/victims/{incident.reference}/imports/{second['id']}/mapping"
    ).json()
    assert [c["target"] for c in proposed["columns"]] == targets


def test_duplicates_are_decided_line_by_line_before_the_commit(
    world, incident, imported, bearer, client, uploaded, django_capture_on_commit_callbacks
):
    imported()  # the same three persons are already on the list
    auth, job = bearer("provider"), uploaded(GOOD_ROWS)
    base = f"/victims/{incident.reference}/imports/{job['id']}"
    with django_capture_on_commit_callbacks(execute=True):
        api_call(client, auth, "post", f"{base}/validate")
    duplicates = api_call(client, auth, "get", f"{base}/issues?kind=duplicate").json()
    assert [i["line"] for i in duplicates["items"]] == [2, 3, 4]
    assert all(i["duplicate_of_victim"] for i in duplicates["items"])
    assert api_call(client, auth, "get", f"{base}/issues?kind=error").json()["count"] == 0

    decided = api_call(client, auth, "put", f"{base}/duplicates", {"import_lines": [3]})
    assert decided.status_code == 200 and decided.json() == {"import_anyway": 1, "duplicate_policy": "skip"}
    assert AuditEvent.objects.filter(action="victims.import_duplicates_decided").exists()
    with django_capture_on_commit_callbacks(execute=True):
        api_call(client, auth, "post", f"{base}/confirm")
    assert api_call(client, auth, "get", base).json()["imported"] == 1 and Victim.objects.count() == 4


def test_the_report_is_paged_and_exported(
    world, incident, bearer, client, uploaded, django_capture_on_commit_callbacks
):
    auth = bearer("provider")
    job = uploaded([*GOOD_ROWS, NAMELESS_ROW, NAMELESS_ROW, NAMELESS_ROW])
    base = f"/victims/{incident.reference}/imports/{job['id']}"
    with django_capture_on_commit_callbacks(execute=True):
        api_call(client, auth, "post", f"{base}/validate")
    page = api_call(client, auth, "get", f"{base}/issues?limit=2").json()
    assert page["count"] == 3 and page["next_offset"] == 2 and [i["line"] for i in page["items"]] == [5, 6]
    # The report is rewritten by each validation: updated_since goes by the job's last change.
    assert (
        api_call(client, auth, "get", f"{base}/issues?updated_since=2000-01-01T00:00:00").json()["count"] == 3
    )
    assert (
        api_call(client, auth, "get", f"{base}/issues?updated_since=2999-01-01T00:00:00").json()["count"] == 0
    )
    exported = api_call(client, auth, "get", f"{base}/issues?format=csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["行", "種類", "列"] and [r[0] for r in rows[1:]] == ["5", "6", "7"]
    assert AuditEvent.objects.get(action="export.list").data["list"] == "取り込みのエラーと重複"


def test_a_job_is_cancelled_before_its_commit(world, incident, bearer, client, uploaded):
    auth, job = bearer("provider"), uploaded()
    response = api_call(client, auth, "post", f"/victims/{incident.reference}/imports/{job['id']}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert AuditEvent.objects.filter(action="victims.import_cancelled").exists()


# --- bad input --------------------------------------------------------------------------------------------------------


def test_an_unreadable_file_is_refused_and_leaves_nothing(world, incident, bearer, client):
    response = api_call(
        client,
        bearer("provider"),
        "post",
        f"/victims/{incident.reference}/imports",
        {"file": SimpleUploadedFile("empty.csv", b"")},
        multipart=True,
    )
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid_input" and body["field"] == "file"
    assert body["message"] == "ファイルが空です。"
    assert not ImportJob.objects.exists()


def test_a_mapping_without_a_name_column_or_of_the_wrong_length_is_refused(
    world, incident, bearer, client, uploaded
):
    auth, job = bearer("provider"), uploaded()
    url = f"/victims/{incident.reference}/imports/{job['id']}/mapping"
    short = api_call(client, auth, "put", url, {"mapping": ["name"]})
    assert short.status_code == 400 and short.json()["code"] == "invalid_input"
    assert short.json()["message"] == "列の数と割り当ての数が一致しません。"
    nameless = api_call(client, auth, "put", url, {"mapping": ["kana"] + [""] * 8})
    assert nameless.status_code == 400 and "「氏名」の列を指定してください。" in nameless.json()["message"]
    unknown_item = api_call(
        client, auth, "put", url, {"mapping": ["name"] + [""] * 8, "default_items": ["x"]}
    )
    assert unknown_item.status_code == 400 and unknown_item.json()["field"] == "default_items"
    bad_policy = api_call(
        client, auth, "put", url, {"mapping": ["name"] + [""] * 8, "duplicate_policy": "all"}
    )
    assert bad_policy.status_code == 422 and bad_policy.json()["code"] == "invalid_input"


def test_steps_out_of_order_are_409(
    world, incident, bearer, client, uploaded, django_capture_on_commit_callbacks
):
    auth, job = bearer("provider"), uploaded()
    base = f"/victims/{incident.reference}/imports/{job['id']}"
    for path, body in (("confirm", None), ("duplicates", {"import_lines": [2]})):
        method = "put" if path == "duplicates" else "post"
        response = api_call(client, auth, method, f"{base}/{path}", body)
        assert response.status_code == 409 and response.json()["code"] == "illegal_transition", path
        assert response.json()["message"]
    ImportJob.objects.filter(pk=job["id"]).update(status=ImportStatus.VALIDATING, phase="validating")
    assert api_call(client, auth, "post", f"{base}/validate").status_code == 409
    assert api_call(client, auth, "post", f"{base}/confirm").status_code == 409  # not while validating
    # A failed validation is validated again, not committed; only a commit that failed half-way resumes.
    ImportJob.objects.filter(pk=job["id"]).update(status=ImportStatus.FAILED, phase="")
    assert api_call(client, auth, "post", f"{base}/confirm").status_code == 409
    ImportJob.objects.filter(pk=job["id"]).update(status=ImportStatus.VALIDATED, phase="")
    with django_capture_on_commit_callbacks(execute=True):
        api_call(client, auth, "post", f"{base}/confirm")
    cancelled = api_call(client, auth, "post", f"{base}/cancel")
    assert cancelled.status_code == 409 and cancelled.json()["code"] == "illegal_transition"


# --- scoping and roles ------------------------------------------------------------------------------------------------


def test_another_provider_and_the_other_kinds_get_404(world, incident, incident_b, bearer, client, uploaded):
    job = uploaded()
    reads = [
        ("get", f"/victims/{incident.reference}/imports/{job['id']}/mapping", None),
        ("get", f"/victims/{incident.reference}/imports/{job['id']}/issues", None),
    ]
    writes = [
        (
            "put",
            f"/victims/{incident.reference}/imports/{job['id']}/mapping",
            {"mapping": ["name"] + [""] * 8},
        ),
        ("post", f"/victims/{incident.reference}/imports/{job['id']}/validate", None),
        ("put", f"/victims/{incident.reference}/imports/{job['id']}/duplicates", {"import_lines": []}),
        ("post", f"/victims/{incident.reference}/imports/{job['id']}/confirm", None),
        ("post", f"/victims/{incident.reference}/imports/{job['id']}/cancel", None),
    ]
    for name in ("provider_b", "desk", "agency", "insurer", "hospital"):
        for method, path, body in reads + writes:
            response = api_call(client, bearer(name), method, path, body)
            assert response.status_code == 404, (name, method, path)
            assert response.json()["code"] == "not_found"
        upload = _upload(client, bearer(name), incident.reference, GOOD_ROWS)
        assert upload.status_code == 404, name
    # Provider B's own case with provider A's job.
    other = f"/victims/{incident_b.reference}/imports/{job['id']}/mapping"
    assert api_call(client, bearer("provider_b"), "get", other).status_code == 404
    assert ImportJob.objects.filter(status=ImportStatus.UPLOADED).count() == 1


def test_a_provider_viewer_reads_but_does_not_change(world, incident, bearer, client, uploaded):
    job = uploaded()
    viewer = bearer("provider", role="viewer")
    base = f"/victims/{incident.reference}/imports/{job['id']}"
    assert api_call(client, viewer, "get", f"{base}/mapping").status_code == 200
    assert api_call(client, viewer, "get", f"{base}/issues").status_code == 200
    for method, path, body in (
        ("put", "mapping", {"mapping": ["name"] + [""] * 8}),
        ("post", "validate", None),
        ("put", "duplicates", {"import_lines": []}),
        ("post", "confirm", None),
        ("post", "cancel", None),
    ):
        response = api_call(client, viewer, method, f"{base}/{path}", body)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", path
    assert _upload(client, viewer, incident.reference, GOOD_ROWS).status_code == 403
    assert ImportJob.objects.get().status == ImportStatus.UPLOADED
