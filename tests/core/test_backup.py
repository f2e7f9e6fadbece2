"""sonae backup / restore: one archive with the database, the files and key fingerprints; restore into a fresh
database (SQLite file, or a new PostgreSQL database when the tests run on PostgreSQL) gives the same rows, and
encrypted rows decrypt with the running keyring."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.db import connection

from sonae.core import backup
from sonae.core.crypto import Keyring, generate_keyring_json
from sonae.core.keyring import get_keyring
from sonae.core.models import Organisation
from tests.testapp.models import SecretNote

# Committed data: pg_dump reads from its own connection, and the SQLite backup API waits for an open write
# transaction to end.
pytestmark = pytest.mark.django_db(transaction=True)

ON_POSTGRES = connection.vendor == "postgresql"
NOTES = [("一", "山田太郎 1980-01-01"), ("二", "佐藤花子 090-1234-5678"), ("三", None)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def data(media):
    """Rows in plain and encrypted tables, and two uploaded files."""
    Organisation.objects.create(kind="provider", name="さくら臨床検査", code="sakura")
    notes = [
        SecretNote.objects.create(title=title, body=body, record={"phone": "03-0000-0000", "n": i})
        for i, (title, body) in enumerate(NOTES)
    ]
    default_storage.save("evidence/2025/log.txt", ContentFile(b"encrypted evidence bytes"))
    default_storage.save("receipts/r1.pdf", ContentFile(b"%PDF-1.7 receipt"))
    return notes


@pytest.fixture
def fresh_target(tmp_path):
    """A new, empty database of the engine under test; dropped afterwards (PostgreSQL)."""
    if not ON_POSTGRES:
        yield backup.DatabaseTarget("sqlite", str(tmp_path / "restored.sqlite3"))
        return
    import psycopg

    here = backup.DatabaseTarget.for_alias("default")
    name = f"sonae_restore_{uuid.uuid4().hex[:10]}"
    admin = backup.DatabaseTarget("postgresql", "postgres", here.host, here.port, here.user, here.password)
    with admin.connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield backup.DatabaseTarget("postgresql", name, here.host, here.port, here.user, here.password)
    finally:
        with admin.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        del psycopg


def _members(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


def _notes_in(target: backup.DatabaseTarget) -> dict[str, tuple[str | None, dict]]:
    """SecretNote rows read from the target's raw columns and decrypted with the running keyring."""
    keyring = get_keyring()
    body_field = SecretNote._meta.get_field("body")
    record_field = SecretNote._meta.get_field("record")
    conn = target.connect()
    try:
        cursor = conn.cursor()
        cursor.execute(f'SELECT title, row_key, body, record FROM "{SecretNote._meta.db_table}"')
        found = {}
        for title, row_key, body, record in cursor.fetchall():
            key = row_key if isinstance(row_key, uuid.UUID) else uuid.UUID(str(row_key))
            text = (
                keyring.decrypt(bytes(body), body_field.aad_for(key)).decode() if body is not None else None
            )
            found[title] = (text, json.loads(keyring.decrypt(bytes(record), record_field.aad_for(key))))
        return found
    finally:
        conn.close()


def test_backup_writes_database_files_and_manifest_into_one_tar(data, tmp_path):
    archive, manifest = backup.backup_create(tmp_path / "out")
    names = _members(archive)
    assert archive.name.startswith("sonae-backup-") and archive.suffix == ".tar"
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert (backup.PG_MEMBER if ON_POSTGRES else backup.SQLITE_MEMBER) in names
    assert {"media/evidence/2025/log.txt", "media/receipts/r1.pdf", "manifest.json"} <= set(names)
    assert manifest["engine"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert manifest["tables"][SecretNote._meta.db_table] == 3
    assert manifest["tables"]["core_organisation"] == 1
    assert manifest["media"]["files"] == 2
    assert "core.0001_initial" in manifest["migrations"]


def test_manifest_has_key_fingerprints_and_never_the_keys(data, tmp_path):
    archive, manifest = backup.backup_create(tmp_path)
    keyring = get_keyring()
    assert manifest["keys"]["in_use"] == [keyring.current]
    assert manifest["keys"]["fingerprints"] == {
        key_id: backup.key_fingerprint(key_id, key) for key_id, key in keyring.keys.items()
    }
    raw = archive.read_bytes()
    import base64

    for key in [*keyring.keys.values(), keyring.index_key]:
        assert key not in raw and base64.b64encode(key) not in raw


def test_restore_into_a_fresh_database_gives_the_same_rows_and_decrypts(data, tmp_path, fresh_target):
    archive, manifest = backup.backup_create(tmp_path)
    restored_media = FileSystemStorage(location=str(tmp_path / "restored-media"))
    report = backup.restore_archive(archive, target=fresh_target, storage=restored_media)
    assert report["restored"] and report["rows"] == manifest["rows"]
    assert report["media_files"] == 2 and report["decrypted_samples"] >= 2
    conn = fresh_target.connect()
    try:
        restored_counts = backup.count_rows(conn.cursor(), list(manifest["tables"]))
    finally:
        conn.close()
    assert restored_counts == manifest["tables"]
    expected = {note.title: (note.body, note.record) for note in data}
    assert _notes_in(fresh_target) == expected
    assert restored_media.open("evidence/2025/log.txt").read() == b"encrypted evidence bytes"


def test_restore_refuses_a_keyring_without_the_archives_keys(data, tmp_path, fresh_target, settings):
    archive, manifest = backup.backup_create(tmp_path)
    settings.SONAE_DATA_KEYS = generate_keyring_json()  # same key id "k1", another key
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_archive(archive, target=fresh_target, storage=FileSystemStorage(str(tmp_path / "m")))
    assert caught.value.code == "keys"
    assert "k1" in caught.value.message and "指紋が一致しません" in caught.value.message
    assert "index_key" in caught.value.message


def test_restore_accepts_a_keyring_with_added_keys(data, tmp_path, fresh_target, settings):
    from sonae.core.crypto import add_key_json

    archive, _ = backup.backup_create(tmp_path)
    settings.SONAE_DATA_KEYS = add_key_json(settings.SONAE_DATA_KEYS)  # rotated since: k1 kept, k2 current
    report = backup.restore_archive(
        archive, target=fresh_target, storage=FileSystemStorage(str(tmp_path / "m"))
    )
    assert report["restored"]


def test_a_missing_key_is_named_in_the_refusal(data, tmp_path):
    archive, manifest = backup.backup_create(tmp_path)
    other = Keyring.from_json(generate_keyring_json())
    renamed = Keyring({"k9": other.keys["k1"]}, "k9", get_keyring().index_key)
    problems = backup.check_keys(manifest, renamed)
    assert len(problems) == 1 and "「k1」" in problems[0] and "ありません" in problems[0]


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(data, tmp_path):
    archive, _ = backup.backup_create(tmp_path)
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_archive(archive)
    assert caught.value.code == "not_empty" and "--force" in caught.value.message


def test_restore_refuses_unsafe_member_names(data, tmp_path, fresh_target):
    archive, _ = backup.backup_create(tmp_path)
    with tarfile.open(archive, "a") as tar:
        info = tarfile.TarInfo("media/../../escape.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    with pytest.raises(backup.BackupError) as caught:
        backup.restore_archive(archive, target=fresh_target, storage=FileSystemStorage(str(tmp_path / "m")))
    assert caught.value.code == "unsafe_member"
    assert not (tmp_path / "escape.txt").exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "not-a-backup.tar"
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("manifest.json")
        payload = json.dumps({"format": "something-else"}).encode()
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    with pytest.raises(backup.BackupError) as caught:
        backup.read_manifest(path)
    assert caught.value.code == "format"


def test_backup_command_prints_json(data, tmp_path, capsys):
    call_command("backup", "--output", str(tmp_path))
    result = json.loads(capsys.readouterr().out)
    assert Path(result["archive"]).exists()
    assert result["media_files"] == 2 and result["keys_in_use"] == [get_keyring().current]


def test_restore_command_refuses_a_non_empty_instance_with_exit_2(data, tmp_path, capsys):
    archive, _ = backup.backup_create(tmp_path)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        call_command("restore", str(archive))
    assert exited.value.code == 2
    assert json.loads(capsys.readouterr().out)["error"]["code"] == "not_empty"


def test_restore_command_restores_into_an_empty_instance(data, tmp_path, fresh_target, settings):
    """End to end: ``sonae restore`` in a new process whose database and media directory are empty."""
    archive, manifest = backup.backup_create(tmp_path)
    instance = tmp_path / "instance"
    instance.mkdir()
    env = {
        **os.environ,
        "SONAE_VAR_DIR": str(instance),
        "SONAE_MEDIA_ROOT": str(instance / "media"),
        "SONAE_DATA_KEYS": settings.SONAE_DATA_KEYS,
        "SONAE_SECRET_KEY": "restore-test-" + uuid.uuid4().hex,
    }
    env.pop("SONAE_TESTING", None)
    if ON_POSTGRES:
        t = fresh_target
        env["DATABASE_URL"] = (
            f"postgres://{t.user}:{t.password}@{t.host or '127.0.0.1'}:{t.port or 5432}/{t.name}"
        )
    else:
        env.pop("DATABASE_URL", None)
    sonae = Path(sys.executable).parent / "sonae"
    done = subprocess.run(
        [str(sonae), "restore", str(archive)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["rows"] == manifest["rows"] and report["media_files"] == 2
    assert (instance / "media" / "receipts" / "r1.pdf").read_bytes() == b"%PDF-1.7 receipt"
    target = fresh_target if ON_POSTGRES else backup.DatabaseTarget("sqlite", str(instance / "sonae.sqlite3"))
    assert _notes_in(target) == {note.title: (note.body, note.record) for note in data}
