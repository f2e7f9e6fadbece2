import hashlib

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from sonae.core.audit import verify_chain
from sonae.core.errors import InvalidInput, PermissionDenied
from sonae.core.models import AuditEvent
from sonae.incidents.models import Evidence
from sonae.incidents.services import evidence_download, evidence_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"ransom note screenshot " * 50
NOTE = "あなたのファイルは暗号化されました。\n連絡先: attacker@example.invalid\n".encode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored_bytes(evidence: Evidence) -> bytes:
    with default_storage.open(evidence.storage_name, "rb") as handle:
        return handle.read()


def test_evidence_is_encrypted_at_rest_with_the_plaintext_hash(world, report):
    incident = report()
    evidence = evidence_upload(actor=world.actor("provider"), incident=incident, name="脅迫文.txt", data=NOTE)
    stored = _stored_bytes(evidence)
    assert NOTE not in stored and "暗号化されました".encode() not in stored
    assert evidence.sha256 == hashlib.sha256(NOTE).hexdigest()
    assert (evidence.size, evidence.content_type) == (len(NOTE), "text/plain")
    assert incident.timeline.filter(kind="evidence", text__contains=evidence.sha256).exists()


def test_download_decrypts_and_records_who_when_why(world, report):
    evidence = evidence_upload(actor=world.actor("provider"), incident=report(), name="screen.png", data=PNG)
    file = evidence_download(actor=world.actor("desk"), evidence=evidence, reason="フォレンジック業者へ提供")
    assert file.content == PNG and file.name == "screen.png"
    event = AuditEvent.objects.get(action="personal_data.evidence_downloaded")
    assert event.actor == world.user("desk")
    assert event.reason == "フォレンジック業者へ提供"
    assert event.target_id == str(evidence.pk)
    assert verify_chain().ok
    assert evidence.incident.timeline.filter(text__contains="フォレンジック業者へ提供").exists()


def test_download_needs_a_reason(world, report):
    evidence = evidence_upload(actor=world.actor("provider"), incident=report(), name="screen.png", data=PNG)
    with pytest.raises(InvalidInput) as info:
        evidence_download(actor=world.actor("desk"), evidence=evidence, reason=" ")
    assert info.value.field == "reason"
    assert not AuditEvent.objects.filter(action="personal_data.evidence_downloaded").exists()


def test_ciphertext_is_bound_to_its_evidence_row(world, report):
    from sonae.core.crypto import DecryptionError

    incident = report()
    a = evidence_upload(actor=world.actor("provider"), incident=incident, name="a.png", data=PNG)
    b = evidence_upload(actor=world.actor("provider"), incident=incident, name="b.png", data=PNG)
    Evidence.objects.filter(pk=b.pk).update(storage_name=a.storage_name)
    b.refresh_from_db()
    with pytest.raises(DecryptionError):
        evidence_download(actor=world.actor("desk"), evidence=b, reason="確認")


@pytest.mark.parametrize(
    ("name", "data", "phrase"),
    [
        ("malware.exe", b"MZ\x90\x00", "この種類のファイル（.exe）"),
        ("noext", b"hello", "拡張子なし"),
        ("fake.png", b"GIF89a....", "拡張子（.png）と一致しません"),
        ("binary.txt", b"\x00\x01\x02", "テキストではありません"),
        ("empty.pdf", b"", "空のファイル"),
    ],
)
def test_wrong_types_are_refused_in_japanese(world, report, name, data, phrase):
    with pytest.raises(InvalidInput) as info:
        evidence_upload(actor=world.actor("provider"), incident=report(), name=name, data=data)
    assert phrase in info.value.message and info.value.field == "file"
    assert not Evidence.objects.exists()


def test_oversized_files_are_refused_with_the_limit(world, report, settings):
    settings.SONAE_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(InvalidInput) as info:
        evidence_upload(actor=world.actor("provider"), incident=report(), name="big.txt", data=b"a" * 2048)
    assert "上限 1.0 KB" in info.value.message and "2.0 KB" in info.value.message


def test_cp932_text_logs_are_accepted(world, report):
    data = "ログ：不正アクセス".encode("cp932")
    evidence = evidence_upload(actor=world.actor("desk"), incident=report(), name="access.log", data=data)
    assert evidence.content_type == "text/plain"


def test_path_in_the_file_name_is_dropped(world, report):
    evidence = evidence_upload(
        actor=world.actor("provider"), incident=report(), name="../../etc/x.png", data=PNG
    )
    assert evidence.original_name == "x.png"
    assert ".." not in evidence.storage_name


@pytest.mark.parametrize("name", ["provider_b", "agency", "insurer", "hospital"])
def test_others_cannot_upload(world, report, name):
    with pytest.raises(PermissionDenied):
        evidence_upload(actor=world.actor(name), incident=report(), name="a.png", data=PNG)


@pytest.mark.parametrize("name", ["provider_b", "agency", "insurer", "hospital"])
def test_others_cannot_download(world, report, name):
    evidence = evidence_upload(actor=world.actor("provider"), incident=report(), name="a.png", data=PNG)
    with pytest.raises(PermissionDenied):
        evidence_download(actor=world.actor(name), evidence=evidence, reason="見たい")


def test_upload_and_download_pages(world, report, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    incident = report()
    client = client_for("provider")
    response = client.post(
        reverse("incidents:evidence_upload", args=[incident.reference]),
        {"file": SimpleUploadedFile("screen.png", PNG, content_type="image/png"), "description": "脅迫画面"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    url = reverse("incidents:evidence_download", args=[incident.reference, evidence.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "社内報告用"})
    assert response.status_code == 200 and response.content == PNG
    assert "screen.png" in response["Content-Disposition"]
    page = client.get(url).content.decode()
    assert "社内報告用" in page  # chain of custody listed


def test_upload_page_shows_type_errors(world, report, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    incident = report()
    response = client_for("provider").post(
        reverse("incidents:evidence_upload", args=[incident.reference]),
        {"file": SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")},
    )
    assert response.status_code == 400
    assert "アップロードできません" in response.content.decode()


def test_other_provider_gets_404_on_download(world, report, client_for):
    incident = report()
    evidence = evidence_upload(actor=world.actor("provider"), incident=incident, name="a.png", data=PNG)
    url = reverse("incidents:evidence_download", args=[incident.reference, evidence.pk])
    assert client_for("provider_b").post(url, {"reason": "x"}).status_code == 404
    assert client_for("agency").post(url, {"reason": "x"}).status_code == 404
