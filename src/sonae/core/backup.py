"""``sonae backup`` and ``sonae restore``: the database, the uploaded files and a manifest in one tar archive.

Archive layout (plain tar: the dump is already compressed and stored files are mostly encrypted)::

    manifest.json          what is inside: engine, row counts per table, applied migrations, files, key fingerprints
    database.sqlite3       SQLite: a consistent copy made with the sqlite3 backup API
    database.pgdump        PostgreSQL: ``pg_dump -Fc`` of the same snapshot the counts were taken in
    media/<name>           every file of the default storage (local or S3-compatible)

Keys: personal data in the dump is encrypted with the data keys, which are never written to the archive. The
manifest holds a fingerprint of each key (``key_fingerprint``: SHA-256 over a label, the key id and the key,
truncated to 16 hex characters — it identifies a key without revealing it) and the ids of the keys that encrypt
stored values. A restore refuses unless the running keyring has every key in use with the same fingerprint, and
the same blind-index key; otherwise the restored data could not be read or searched.

Restore goes into an empty instance (a database with no application rows, an empty file storage) unless
``force`` is given, replaces the database with the archived one (SQLite: backup API into the file; PostgreSQL:
``pg_restore --clean --single-transaction``), writes the files, then checks every table's row count against the
manifest and decrypts a sample of encrypted values with the running keyring.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections, transaction
from django.utils import timezone

from sonae.core.crypto import Keyring

FORMAT = "sonae-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
FINGERPRINT_HEX = 16
SAMPLE_ROWS = 3
# Tables that ``migrate`` fills by itself (or that hold only caches and queues): rows there do not make an
# instance "not empty".
SETUP_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "django_site",
        "django_session",
        "sonae_cache",
        "django_tasks_database_dbtaskresult",
        "django_tasks_db_dbtaskresult",
    }
)


class BackupError(Exception):
    """A backup or restore could not be done; ``message`` is Japanese, for the operator; ``code`` is stable."""

    def __init__(self, message: str, *, code: str = "backup_error"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- keys ---------------------------------------------------------------------------------------------------------


def key_fingerprint(key_id: str, key: bytes) -> str:
    """A short, non-reversible identifier of one key (never the key itself)."""
    digest = hashlib.sha256(b"sonae-key-fingerprint\x00" + key_id.encode("ascii") + b"\x00" + key).hexdigest()
    return digest[:FINGERPRINT_HEX]


def keyring_fingerprints(keyring: Keyring) -> dict[str, Any]:
    return {
        "current": keyring.current,
        "fingerprints": {
            key_id: key_fingerprint(key_id, key) for key_id, key in sorted(keyring.keys.items())
        },
        "index_key": key_fingerprint("index", keyring.index_key),
    }


def keys_in_use(keyring: Keyring) -> tuple[list[str], int]:
    """Key ids that encrypt stored values, and how many values are on keys the keyring does not know."""
    from sonae.core.management.commands.keys import UNKNOWN_KEY, key_status

    used: set[str] = set()
    unknown = 0
    for per_field in key_status(keyring).values():
        for per_key in per_field.values():
            for key_id, count in per_key.items():
                if key_id == UNKNOWN_KEY:
                    unknown += count
                elif count:
                    used.add(key_id)
    return sorted(used), unknown


def check_keys(manifest: dict, keyring: Keyring) -> list[str]:
    """Why the running keyring cannot read the archive (empty when it can)."""
    keys = manifest.get("keys") or {}
    archived = keys.get("fingerprints") or {}
    mine = keyring_fingerprints(keyring)
    problems = []
    for key_id in keys.get("in_use", []):
        expected = archived.get(key_id, "?")
        have = mine["fingerprints"].get(key_id)
        if have is None:
            problems.append(
                f"データ鍵「{key_id}」（指紋 {expected}）が現在の鍵束にありません。"
                "バックアップを取ったときの鍵束（SONAE_DATA_KEYS / SONAE_DATA_KEYS_FILE）を設定してください。"
            )
        elif have != expected:
            problems.append(
                f"データ鍵「{key_id}」の指紋が一致しません（バックアップ {expected}、現在 {have}）。"
                "同じ鍵IDの別の鍵です。バックアップを取ったときの鍵束を設定してください。"
            )
    if keys.get("index_key") and keys["index_key"] != mine["index_key"]:
        problems.append(
            f"検索用の鍵（index_key）の指紋が一致しません（バックアップ {keys['index_key']}、"
            f"現在 {mine['index_key']}）。このままでは暗号化したデータを検索できません。"
        )
    return problems


# --- database targets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseTarget:
    """Where a database is: a SQLite file, or a PostgreSQL database and how to reach it."""

    engine: str  # "sqlite" or "postgresql"
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings_dict: dict) -> DatabaseTarget:
        engine = settings_dict["ENGINE"]
        if "sqlite3" in engine:
            return cls("sqlite", str(settings_dict["NAME"]))
        if "postgresql" in engine:
            return cls(
                "postgresql",
                str(settings_dict["NAME"]),
                str(settings_dict.get("HOST") or ""),
                str(settings_dict.get("PORT") or ""),
                str(settings_dict.get("USER") or ""),
                str(settings_dict.get("PASSWORD") or ""),
            )
        raise BackupError(f"このデータベース（{engine}）のバックアップには対応していません。", code="engine")

    @classmethod
    def for_alias(cls, alias: str = "default") -> DatabaseTarget:
        return cls.from_settings(connections[alias].settings_dict)

    def pg_env(self) -> dict[str, str]:
        """Environment for pg_dump / pg_restore: credentials stay out of the process list."""
        env = dict(os.environ)
        for var, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[var] = value
        return env

    def connect(self):
        """A DB-API connection to the target (outside Django's connection handling)."""
        if self.engine == "sqlite":
            # Django names in-memory test databases with a "file:" URI.
            return sqlite3.connect(self.name, uri=self.name.startswith("file:"))
        import psycopg

        params = {"dbname": self.name}
        for key, value in (
            ("host", self.host),
            ("port", self.port),
            ("user", self.user),
            ("password", self.password),
        ):
            if value:
                params[key] = value
        return psycopg.connect(**params, autocommit=True)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def list_tables(cursor, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    return [row[0] for row in cursor.fetchall()]


def count_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - names come from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _applied_migrations(cursor, tables: list[str]) -> list[str]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} が見つかりません。PostgreSQL のクライアント（postgresql-client）をインストールしてください。",
            code="tool_missing",
        ) from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what}に失敗しました: " + " / ".join(detail), code="tool_failed")


# --- files ----------------------------------------------------------------------------------------------------------


def storage_files(storage: Storage, prefix: str = "") -> Iterator[str]:
    """Every file name in ``storage`` (recursively), in a stable order."""
    try:
        directories, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for directory in sorted(directories):
        yield from storage_files(storage, f"{prefix}{directory}/")


class _HashingReader:
    def __init__(self, handle):
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self.handle.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            sha.update(block)
    return sha.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# --- backup ---------------------------------------------------------------------------------------------------------


def _dump_sqlite(alias: str, workdir: Path) -> tuple[Path, dict[str, int], list[str]]:
    connection = connections[alias]
    connection.ensure_connection()
    path = workdir / SQLITE_MEMBER
    destination = sqlite3.connect(path)
    try:
        # One step: the copy is a consistent snapshot even while other processes write.
        connection.connection.backup(destination)
        cursor = destination.cursor()
        tables = list_tables(cursor, "sqlite")
        counts = count_rows(cursor, tables)
        migrations = _applied_migrations(cursor, tables)
    finally:
        destination.close()
    return path, counts, migrations


def _dump_postgresql(alias: str, workdir: Path) -> tuple[Path, dict[str, int], list[str]]:
    target = DatabaseTarget.for_alias(alias)
    path = workdir / PG_MEMBER
    connection = connections[alias]
    # The counts and pg_dump read the same snapshot, so the manifest describes exactly the dump.
    with transaction.atomic(using=alias, durable=True), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = list_tables(cursor, "postgresql")
        counts = count_rows(cursor, tables)
        migrations = _applied_migrations(cursor, tables)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={path}",
                target.name,
            ],
            target.pg_env(),
            "pg_dump",
        )
    return path, counts, migrations


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("sonae")
    except Exception:  # noqa: BLE001 - not installed as a distribution
        return "unknown"


def backup_create(
    output_dir: str | Path, *, alias: str = "default", storage: Storage | None = None
) -> tuple[Path, dict]:
    """Write ``sonae-backup-<UTC time>.tar`` into ``output_dir`` (mode 0600) and return its path and manifest."""
    from sonae.core.keyring import get_keyring

    storage = storage or default_storage
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    keyring = get_keyring()
    target = DatabaseTarget.for_alias(alias)
    created = timezone.now()
    stamp = created.strftime("%Y%m%dT%H%M%SZ")
    final = output / f"sonae-backup-{stamp}.tar"
    if final.exists():
        final = output / f"sonae-backup-{stamp}-{uuid.uuid4().hex[:6]}.tar"
    partial = final.with_suffix(".tar.partial")
    in_use, unknown = keys_in_use(keyring)
    with tempfile.TemporaryDirectory(prefix="sonae-backup-") as tmp:
        workdir = Path(tmp)
        if target.engine == "sqlite":
            db_path, counts, migrations = _dump_sqlite(alias, workdir)
        else:
            db_path, counts, migrations = _dump_postgresql(alias, workdir)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(fd, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
            ):
                tar.add(db_path, arcname=db_path.name)
                media = []
                for name in storage_files(storage):
                    with storage.open(name, "rb") as handle:
                        reader = _HashingReader(handle)
                        info = tarfile.TarInfo(MEDIA_PREFIX + name)
                        info.size = storage.size(name)
                        info.mtime = int(time.time())
                        info.mode = 0o600
                        tar.addfile(info, reader)
                    media.append({"name": name, "bytes": reader.size, "sha256": reader.sha.hexdigest()})
                manifest = {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "created_at": created.isoformat(),
                    "sonae_version": _version(),
                    "engine": target.engine,
                    "database": {
                        "member": db_path.name,
                        "bytes": db_path.stat().st_size,
                        "sha256": _sha256_file(db_path),
                    },
                    "tables": counts,
                    "rows": sum(counts.values()),
                    "migrations": migrations,
                    "media": {
                        "files": len(media),
                        "bytes": sum(m["bytes"] for m in media),
                        "list": media,
                    },
                    "keys": {**keyring_fingerprints(keyring), "in_use": in_use, "unknown_values": unknown},
                }
                _add_bytes(tar, MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(final)
    return final, manifest


# --- restore --------------------------------------------------------------------------------------------------------


def read_manifest(archive: str | Path) -> dict:
    try:
        with tarfile.open(archive, mode="r:") as tar:
            member = tar.getmember(MANIFEST_NAME)
            manifest = json.loads(tar.extractfile(member).read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"バックアップファイルを読み込めません（{exc}）。", code="unreadable") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError("Sonae のバックアップファイルではないか、対応していない版です。", code="format")
    return manifest


def _data_rows(target: DatabaseTarget) -> dict[str, int]:
    """Row counts of the target's tables that are not setup tables (an empty instance has none with rows)."""
    connection = target.connect()
    try:
        cursor = connection.cursor()
        return count_rows(cursor, [t for t in list_tables(cursor, target.engine) if t not in SETUP_TABLES])
    finally:
        connection.close()


def _safe_media_name(member: tarfile.TarInfo) -> str:
    name = member.name[len(MEDIA_PREFIX) :]
    path = PurePosixPath(name)
    if not member.isfile() or not name or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"バックアップに不正なファイル名があります: {member.name}", code="unsafe_member")
    return name


def _restore_sqlite(db_file: Path, target: DatabaseTarget) -> None:
    source = sqlite3.connect(db_file)
    destination = target.connect()
    try:
        source.backup(destination)  # replaces the whole destination database
    finally:
        destination.close()
        source.close()


def _restore_postgresql(db_file: Path, target: DatabaseTarget) -> None:
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={target.name}",
            str(db_file),
        ],
        target.pg_env(),
        "pg_restore",
    )


def _close_django_connections_to(target: DatabaseTarget) -> None:
    for alias in connections:
        try:
            if DatabaseTarget.for_alias(alias) == target:
                connections[alias].close()
        except BackupError:
            continue


def decrypt_sample(target: DatabaseTarget, keyring: Keyring, *, rows: int = SAMPLE_ROWS) -> dict[str, int]:
    """Decrypt up to ``rows`` values of every encrypted field in the target with ``keyring``; returns how many
    values of each model were opened. Raises BackupError on the first value that does not decrypt."""
    from sonae.core.crypto import CryptoError
    from sonae.core.fields import ROW_KEY_FIELD
    from sonae.core.management.commands.keys import encrypted_models

    opened: dict[str, int] = {}
    connection = target.connect()
    try:
        cursor = connection.cursor()
        existing = set(list_tables(cursor, target.engine))
        for model, fields in encrypted_models():
            table = model._meta.db_table
            if table not in existing:
                continue
            row_key_column = model._meta.get_field(ROW_KEY_FIELD).column
            for enc in fields:
                cursor.execute(
                    f"SELECT {_quote(row_key_column)}, {_quote(enc.column)} FROM {_quote(table)} "  # noqa: S608
                    f"WHERE {_quote(enc.column)} IS NOT NULL LIMIT {int(rows)}"
                )
                for row_key, ciphertext in cursor.fetchall():
                    key = row_key if isinstance(row_key, uuid.UUID) else uuid.UUID(str(row_key))
                    try:
                        keyring.decrypt(bytes(ciphertext), enc.aad_for(key))
                    except CryptoError as exc:
                        raise BackupError(
                            f"{model._meta.label}.{enc.name} を復号できません（{exc}）。",
                            code="decrypt_failed",
                        ) from None
                    opened[model._meta.label] = opened.get(model._meta.label, 0) + 1
    finally:
        connection.close()
    return opened


def _migration_state(manifest: dict) -> tuple[list[str], list[str]]:
    """(migrations in the archive this code does not know, migrations of this code the archive lacks)."""
    from django.db.migrations.loader import MigrationLoader

    known = {
        f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    }
    archived = set(manifest.get("migrations") or [])
    return sorted(archived - known), sorted(known - archived)


def restore_archive(
    archive: str | Path,
    *,
    target: DatabaseTarget | None = None,
    storage: Storage | None = None,
    force: bool = False,
) -> dict:
    """Restore ``archive`` into ``target`` (default: the configured database) and ``storage`` (default storage).

    Refuses (BackupError) when the keyring cannot read the archive, when the engines differ, or when the target
    holds data and ``force`` is not given. Returns a report: tables, rows, files, decrypted samples, migrations.
    """
    from sonae.core.keyring import get_keyring

    storage = storage or default_storage
    target = target or DatabaseTarget.for_alias("default")
    manifest = read_manifest(archive)
    keyring = get_keyring()
    problems = check_keys(manifest, keyring)
    if problems:
        raise BackupError(
            "現在の鍵束ではこのバックアップを読めないため、復元しません。\n" + "\n".join(problems),
            code="keys",
        )
    if manifest["engine"] != target.engine:
        raise BackupError(
            f"このバックアップは {manifest['engine']} のものです。{target.engine} へは復元できません。",
            code="engine",
        )
    if not force:
        filled = {table: n for table, n in _data_rows(target).items() if n}
        if filled:
            sample = "、".join(f"{t}（{n}行）" for t, n in list(filled.items())[:5])
            raise BackupError(
                f"復元先のデータベースが空ではありません: {sample}。空のデータベースに復元するか、"
                "上書きしてよい場合は --force を指定してください。",
                code="not_empty",
            )
        if next(storage_files(storage), None) is not None:
            raise BackupError(
                "復元先のファイル保存先（MEDIA_ROOT など）が空ではありません。上書きしてよい場合は --force を指定してください。",
                code="not_empty",
            )
    unknown_migrations, missing_migrations = _migration_state(manifest)
    with tempfile.TemporaryDirectory(prefix="sonae-restore-") as tmp, tarfile.open(archive, mode="r:") as tar:
        workdir = Path(tmp)
        member = tar.getmember(manifest["database"]["member"])
        db_file = workdir / member.name
        with tar.extractfile(member) as source, open(db_file, "wb") as sink:
            shutil.copyfileobj(source, sink, 1024 * 1024)
        if _sha256_file(db_file) != manifest["database"]["sha256"]:
            raise BackupError(
                "バックアップのデータベース部分が壊れています（チェックサム不一致）。", code="corrupt"
            )
        _close_django_connections_to(target)
        if target.engine == "sqlite":
            _restore_sqlite(db_file, target)
        else:
            _restore_postgresql(db_file, target)
        expected_media = {m["name"]: m for m in manifest["media"]["list"]}
        restored_files = 0
        for member in tar.getmembers():
            if not member.name.startswith(MEDIA_PREFIX):
                continue
            name = _safe_media_name(member)
            if name not in expected_media:
                raise BackupError(f"目録にないファイルがあります: {name}", code="corrupt")
            if storage.exists(name):
                storage.delete(name)
            with tar.extractfile(member) as handle:
                reader = _HashingReader(handle)
                saved = storage.save(name, File(reader, name=name))
            if saved != name or reader.sha.hexdigest() != expected_media[name]["sha256"]:
                raise BackupError(
                    f"ファイル {name} を元の名前・内容で復元できませんでした。", code="media_failed"
                )
            restored_files += 1
    if restored_files != manifest["media"]["files"]:
        raise BackupError(
            f"ファイル数が一致しません（目録 {manifest['media']['files']}、復元 {restored_files}）。",
            code="corrupt",
        )
    counts_all = _count_all(target, list(manifest["tables"]))
    mismatched = {
        table: (expected, counts_all.get(table))
        for table, expected in manifest["tables"].items()
        if counts_all.get(table) != expected
    }
    if mismatched:
        detail = "、".join(f"{t}（目録 {e}、復元 {g}）" for t, (e, g) in list(mismatched.items())[:5])
        raise BackupError(f"復元後の行数が目録と一致しません: {detail}", code="count_mismatch")
    decrypted = decrypt_sample(target, keyring)
    return {
        "restored": True,
        "archive": str(archive),
        "engine": target.engine,
        "created_at": manifest["created_at"],
        "tables": len(manifest["tables"]),
        "rows": sum(counts_all.values()),
        "data_rows": sum(n for table, n in counts_all.items() if table not in SETUP_TABLES),
        "media_files": restored_files,
        "decrypted_samples": sum(decrypted.values()),
        "migrate_needed": bool(missing_migrations),
        "unknown_migrations": unknown_migrations,
    }


def _count_all(target: DatabaseTarget, tables: list[str]) -> dict[str, int]:
    connection = target.connect()
    try:
        cursor = connection.cursor()
        existing = set(list_tables(cursor, target.engine))
        return count_rows(cursor, [t for t in tables if t in existing])
    finally:
        connection.close()
