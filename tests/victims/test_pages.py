"""Pages: the upload → mapping → validation → confirm flow in the browser, tabs and scoping (404/403)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sonae.core.models import AuditEvent
from sonae.victims.models import ImportJob, ImportStatus, Victim
from sonae.victims.services import case as case_services
from tests.victims.conftest import GOOD_ROWS, csv_text


def test_a_provider_uploads_maps_validates_and_confirms_a_cp932_list(
    world, incident, client_for, django_capture_on_commit_callbacks
):
    client = client_for("provider")
    data = csv_text([*GOOD_ROWS, ",ナナシ,1970-01-01,,,,,,氏名"]).encode("cp932")
    upload = SimpleUploadedFile("リスト.csv", data, content_type="text/csv")

    response = client.post(reverse("victims:import_new", args=[incident.reference]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.UPLOADED
    page = client.get(reverse("victims:import_detail", args=[incident.reference, job.pk]))
    assert "列の割り当て" in page.content.decode()

    form = {f"col_{i}": target for i, target in enumerate(job.mapping)} | {"duplicate_policy": "skip"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("victims:import_map", args=[incident.reference, job.pk]), form)
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED and job.rejected == 1
    page = client.get(reverse("victims:import_detail", args=[incident.reference, job.pk])).content.decode()
    assert "5" in page and "氏名が入力されていません。" in page
    assert not Victim.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("victims:import_confirm", args=[incident.reference, job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED and Victim.objects.count() == 3


def test_the_upload_is_stored_encrypted(world, incident, client_for):
    from django.core.files.storage import default_storage

    client = client_for("provider")
    upload = SimpleUploadedFile("l.csv", csv_text(GOOD_ROWS).encode("cp932"))
    client.post(reverse("victims:import_new", args=[incident.reference]), {"file": upload})
    job = ImportJob.objects.get()
    with default_storage.open(job.staged_file, "rb") as handle:
        assert "鈴鹿".encode("cp932") not in handle.read()


def test_progress_polls_while_running(world, incident, client_for):
    job = ImportJob.objects.create(
        incident=incident, organisation=incident.provider, source_name="l.csv", source_sha256="0" * 64,
        source_size=1000, status=ImportStatus.VALIDATING, phase="validating", progress_bytes=250,
    )  # fmt: skip
    html = (
        client_for("provider")
        .get(reverse("victims:import_progress", args=[incident.reference, job.pk]))
        .content.decode()
    )

    assert 'hx-trigger="every 1s"' in html and 'value="25"' in html


@pytest.mark.parametrize(
    "name",
    ["case", "imports", "letters", "gifts", "inquiries", "settings"],
)
def test_the_provider_opens_every_section(world, incident, imported, client_for, name):
    imported()
    assert (
        client_for("provider").get(reverse(f"victims:{name}", args=[incident.reference])).status_code == 200
    )


def test_the_case_page_has_the_victims_tab(world, incident, client_for):
    html = client_for("provider").get(reverse("incidents:detail", args=[incident.reference])).content.decode()
    assert reverse("victims:case", args=[incident.reference]) in html


@pytest.mark.parametrize("name", ["provider_b", "hospital", "foundation"])
def test_other_organisations_get_404_on_the_case(world, incident, client_for, name):
    assert client_for(name).get(reverse("victims:case", args=[incident.reference])).status_code == 404


@pytest.mark.parametrize("name", ["agency", "insurer"])
def test_agency_and_insurer_see_aggregates_but_not_personal_pages(
    world, incident, imported, client_for, name
):
    imported()
    client = client_for(name)
    assert client.get(reverse("victims:case", args=[incident.reference])).status_code == 200
    for section in ("lookup", "imports", "letters", "settings"):
        assert client.get(reverse(f"victims:{section}", args=[incident.reference])).status_code == 404


def test_the_desk_without_grant_gets_403_on_lookup(world, incident, client_for):
    assert client_for("desk").get(reverse("victims:lookup", args=[incident.reference])).status_code == 403


def test_lookup_page_finds_by_kana_and_birth_date_and_logs_it(world, incident, imported, client_for):
    imported()
    case_services.desk_access_set(actor=world.actor("provider_admin"), incident=incident, granted=True)

    response = client_for("desk").post(
        reverse("victims:lookup", args=[incident.reference]),
        {
            "mode": "kana_birth",
            "kana": "スズカ ミキコ",
            "birth": "昭和45年3月2日",
            "reason": "本人からの電話",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200 and "対象者です" in html and "検査結果" in html
    assert "鈴鹿" not in html
    event = AuditEvent.objects.get(action="personal_data.lookup")
    assert event.actor == world.user("desk") and event.reason == "本人からの電話"


def test_foreign_import_jobs_are_404(world, incident, incident_b, write_list, client_for):
    from sonae.victims.services import imports

    path = str(write_list(GOOD_ROWS))
    job = imports.import_job_create(
        actor=world.actor("provider_b"), incident=incident_b, name="l.csv", path=path
    )

    assert (
        client_for("provider")
        .get(reverse("victims:import_detail", args=[incident.reference, job.pk]))
        .status_code
        == 404
    )
    assert (
        client_for("provider")
        .get(reverse("victims:import_detail", args=[incident_b.reference, job.pk]))
        .status_code
        == 404
    )


def test_apply_updates_the_incident_after_confirmation(world, incident, imported, client_for):
    imported()
    client = client_for("provider")
    page = client.get(reverse("victims:apply", args=[incident.reference]))
    assert "この内容で更新する" in page.content.decode()
    incident.refresh_from_db()
    assert incident.persons_estimate == 100

    client.post(reverse("victims:apply", args=[incident.reference]), {"confirm": "yes"})

    incident.refresh_from_db()
    assert incident.persons_estimate == 3
    assert set(incident.data_items) == {"name", "test_results", "birth_date", "medical_history", "address"}


def test_downloading_a_mailing_list_asks_for_a_recent_password(
    world, incident, imported, client_for, settings
):
    from datetime import date

    from sonae.victims.services import letters

    imported()
    run = letters.letter_run_start(
        actor=world.actor("provider"), incident=incident, letter_date=date(2025, 10, 1), batch_size=10
    )
    letters.letter_run_execute(run.pk)
    url = f"/victims/{incident.reference}/letters/runs/{run.pk}/1/download/"
    client = client_for("provider")
    settings.SONAE_REQUIRE_RECENT_AUTH = True
    response = client.post(url, {"kind": "csv", "reason": "入稿"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert f"next=%2Fvictims%2F{incident.reference}%2Fletters%2Fruns%2F{run.pk}%2F" in response["Location"]
    settings.SONAE_REQUIRE_RECENT_AUTH = False
    response = client.post(url, {"kind": "csv", "reason": "入稿"})
    assert response.status_code == 200 and "鈴鹿" in response.content.decode("utf-8-sig")


def test_the_import_page_title_is_plain_text(world, incident, client_for):
    # The cancel form once sat in the title block: its markup and CSRF token became the browser tab's title.
    import re

    client = client_for("provider")
    upload = SimpleUploadedFile("l.csv", csv_text(GOOD_ROWS).encode("cp932"))
    client.post(reverse("victims:import_new", args=[incident.reference]), {"file": upload})
    job = ImportJob.objects.get()
    html = client.get(reverse("victims:import_detail", args=[incident.reference, job.pk])).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<form" not in title and "csrfmiddlewaretoken" not in title and f"#{job.pk}" in title
    assert html.count("この取り込みを取り消す") == 1
