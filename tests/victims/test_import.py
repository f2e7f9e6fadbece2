"""Importing a victim list: encodings, validation of every row, duplicates, confirmation, resumable commit."""

from __future__ import annotations

import pytest

from sonae.victims.importing import pipeline
from sonae.victims.models import (
    ImportIssue,
    ImportJob,
    ImportStatus,
    IssueKind,
    Victim,
    VictimCase,
    VictimKeyBucket,
)
from sonae.victims.services import imports
from tests.victims.conftest import GOOD_ROWS, KNOWN_NAME, key_entries

BAD_ROWS = [
    ",ヤマダ タロウ,1970-01-01,100-0001,東京都,03-1234-5678,P1,,氏名",  # line 5: no name
    "田中 一郎,タナカ イチロウ,昭和64年1月10日,100-0001,東京都,03-1234-5678,P2,,氏名",  # line 6: 昭和64年1月10日 did not exist
    "田中 二郎,tanaka,1970-01-01,12-345,東京都,03-1234,P3,,氏名;謎の項目",  # line 7: kana, postal, phone, items
]


def _validate(world, incident, path, **kwargs):
    job = imports.import_job_create(
        actor=world.actor("provider"), incident=incident, name="list.csv", path=str(path)
    )
    return imports.import_validate(job=job, source=imports.job_source(job, str(path)), **kwargs)


def test_cp932_file_with_bad_rows_reports_every_error_with_line_column_and_reason(
    world, incident, write_list
):
    job = _validate(world, incident, write_list(GOOD_ROWS + BAD_ROWS))

    assert job.encoding == "cp932"
    errors = [(i.line, i.column, i.message) for i in job.issues.filter(kind=IssueKind.ERROR)]
    assert errors == [
        (5, "氏名", "氏名が入力されていません。"),
        (6, "生年月日", "生年月日が存在しない日付です。"),
        (7, "フリガナ", "フリガナにカナ以外の文字が含まれています。"),
        (7, "郵便番号", "郵便番号は7桁の数字で入力してください（例: 123-4567）。"),
        (7, "電話番号", "電話番号は0から始まる10桁または11桁の番号で入力してください。"),
        (7, "漏えい項目", "漏えい項目「謎の項目」は登録された項目にありません。"),
    ]
    assert (job.rows, job.rejected, job.to_import) == (6, 3, 3)


def test_validation_commits_nothing(world, incident, write_list):
    job = _validate(world, incident, write_list(GOOD_ROWS + BAD_ROWS))

    assert job.status == ImportStatus.VALIDATED
    assert not Victim.objects.exists() and not VictimKeyBucket.objects.exists()


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig"])
def test_encodings_are_detected(world, incident, write_list, encoding):
    job = _validate(world, incident, write_list(GOOD_ROWS, encoding=encoding))

    assert job.encoding == encoding
    assert (job.rows, job.rejected) == (3, 0)


def test_headers_are_mapped_from_japanese_synonyms(world, incident, write_list):
    header = "お名前,ﾌﾘｶﾞﾅ,誕生日,〒,現住所,TEL,カルテ番号,保険証番号,病歴"
    rows = ["山田 太郎,ヤマダ タロウ,1970-01-01,100-0001,東京都,0312345678,K1,,○"]
    job = _validate(world, incident, write_list(rows, header=header))

    assert job.mapping == [
        "name", "kana", "birth_date", "postal_code", "address", "phone", "patient_id", "insurance_card",
        "item:medical_history",
    ]  # fmt: skip
    assert job.item_counts == {"medical_history": 1}


def test_commit_imports_the_valid_rows_and_counts_items(world, incident, imported):
    job = imported()

    assert job.status == ImportStatus.COMMITTED
    assert Victim.objects.filter(incident=incident).count() == 3
    case = VictimCase.objects.get(incident=incident)
    assert case.persons == 3
    assert case.item_counts == {
        "name": 3,
        "birth_date": 1,
        "test_results": 1,
        "medical_history": 1,
        "address": 1,
    }


def test_records_are_normalised(world, incident, imported):
    imported()
    records = {v.line: v.record for v in Victim.objects.filter(incident=incident)}

    assert records[2] == {
        "name": "鈴鹿 未来子", "kana": "スズカ ミキコ", "birth": "1970-03-02", "postal": "1000001",
        "address": "東京都千代田区千代田1丁目1番1号", "phone": "0312345678", "patient": "P0001", "card": "記号1 番号2",
    }  # fmt: skip
    assert (
        records[3]["kana"] == "ヤマダ タロウ"
        and records[3]["birth"] == "1975-04-01"
        and records[3]["postal"] == "1600023"
    )


def test_duplicates_inside_the_file_are_found_and_skipped(world, incident, write_list):
    rows = [*GOOD_ROWS, "山田　太郎,ﾔﾏﾀﾞ ﾀﾛｳ,1975-04-01,100-0002,別住所,0311112222,P9,,氏名"]
    job = _validate(world, incident, write_list(rows))

    duplicate = job.issues.get(kind=IssueKind.DUPLICATE)
    assert (duplicate.line, duplicate.duplicate_of_line, duplicate.basis) == (5, 3, "kana_birth")
    assert (job.duplicates, job.to_import) == (1, 3)


def test_duplicates_against_an_earlier_import_of_the_case_are_found(world, incident, imported, write_list):
    imported()
    job = _validate(
        world, incident, write_list(["別人 花子,ベツジン ハナコ,1990-01-01,,,,P0002,,氏名"], name="b.csv")
    )

    duplicate = job.issues.get(kind=IssueKind.DUPLICATE)
    assert duplicate.basis == "patient_id" and duplicate.duplicate_of_victim is not None
    assert job.to_import == 0


def test_a_duplicate_the_user_chooses_is_imported(world, incident, write_list):
    rows = [*GOOD_ROWS, "山田 太郎,ヤマダ タロウ,1975-04-01,,,,,,氏名"]
    path = str(write_list(rows))
    job = _validate(world, incident, path)
    imports.import_decide(actor=world.actor("provider"), job=job, import_lines={5})
    job = imports.import_commit(actor=world.actor("provider"), job=job, source=imports.job_source(job, path))

    assert job.imported == 4


def test_same_person_in_another_case_is_not_a_duplicate(world, incident, imported, write_list, incident_b):
    imported()
    path = str(write_list(GOOD_ROWS, name="b.csv"))
    job = imports.import_job_create(
        actor=world.actor("provider_b"), incident=incident_b, name="b.csv", path=path
    )
    job = imports.import_validate(job=job, source=imports.job_source(job, path))

    assert job.duplicates == 0


def _validated_sixty(world, incident, write_list, *, chunks_per_batch: int):
    """A validated job of 60 good rows in chunks of 300 bytes (about 4 rows each), and its file."""
    rows = [f"人{i:03d} 太郎,ヒト タロウ,{1940 + i}-01-01,,,,P{i:04d},,氏名" for i in range(60)]
    path = str(write_list(rows))
    job = imports.import_job_create(
        actor=world.actor("provider"), incident=incident, name="list.csv", path=path, chunk_bytes=300
    )
    job.chunks_per_batch = chunks_per_batch
    job.save()
    return imports.import_validate(job=job, source=imports.job_source(job, path), workers=0), path


def test_a_killed_commit_resumes_and_leaves_exactly_one_copy_of_every_row(
    world, incident, write_list, monkeypatch
):
    job, path = _validated_sixty(world, incident, write_list, chunks_per_batch=1)
    calls = {"n": 0}
    real_write = pipeline._write_batch

    def crash_in_third_batch(job_, batch, first, vendor):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed")
        return real_write(job_, batch, first, vendor)

    monkeypatch.setattr(pipeline, "_write_batch", crash_in_third_batch)
    with pytest.raises(RuntimeError):
        imports.import_commit(actor=world.actor("provider"), job=job, source=imports.job_source(job, path))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTING and job.chunks_committed == 2
    partial = Victim.objects.count()
    assert 0 < partial < 60

    monkeypatch.setattr(pipeline, "_write_batch", real_write)
    job = imports.import_commit(actor=world.actor("provider"), job=job, source=imports.job_source(job, path))

    assert job.status == ImportStatus.COMMITTED and job.imported == 60
    assert Victim.objects.count() == 60
    assert sorted(Victim.objects.values_list("line", flat=True)) == list(range(2, 62))
    entries = key_entries()
    assert len(entries) == 120 and len(set(entries)) == 120  # kana+birth and patient ID of each, once
    assert {victim for _key, victim in entries} == set(Victim.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the commit then streams from its writer thread
def test_a_commit_that_fails_mid_batch_keeps_whole_batches_only_and_holds_no_lock(
    world, incident, write_list, monkeypatch
):
    from django.db import connection, transaction

    job, path = _validated_sixty(world, incident, write_list, chunks_per_batch=2)
    real_process = pipeline.worker_module.process_chunk

    def failing_in_chunk_5(chunk, write=True):
        if chunk.index == 5:  # the second chunk of the third batch: its first chunk is on its way already
            raise OSError("read error")
        return real_process(chunk, write)

    monkeypatch.setattr(pipeline.worker_module, "process_chunk", failing_in_chunk_5)
    with pytest.raises(OSError):
        imports.import_commit(
            actor=world.actor("provider"), job=job, source=imports.job_source(job, path), workers=0
        )
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTING and job.chunks_committed == 4
    assert Victim.objects.count() == job.imported > 0  # the two whole batches, nothing of the third
    with transaction.atomic():  # nobody holds the job's row (no transaction was left open)
        ImportJob.objects.select_for_update(nowait=True).get(pk=job.pk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%%'"
            )
            assert cursor.fetchone()[0] == 0

    monkeypatch.setattr(pipeline.worker_module, "process_chunk", real_process)
    job = imports.import_commit(
        actor=world.actor("provider"), job=job, source=imports.job_source(job, path), workers=0
    )
    assert job.status == ImportStatus.COMMITTED and job.imported == 60
    assert sorted(Victim.objects.values_list("line", flat=True)) == list(range(2, 62))


def test_plaintext_of_a_known_name_is_not_in_the_database(world, incident, imported):
    from django.db import connection

    imported()
    needle = KNOWN_NAME.replace("\u3000", " ").encode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT record FROM victims_victim")
        stored = [bytes(row[0]) for row in cursor.fetchall()]
    assert len(stored) == 3
    assert not any(needle in data or "鈴鹿".encode() in data for data in stored)
    dumped = _database_bytes(connection)
    assert "鈴鹿".encode() not in dumped and "鈴鹿".encode("cp932") not in dumped


def _database_bytes(connection) -> bytes:
    """Every text and binary column of every table, as the database returns it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, str):
                        chunks.append(value.encode())
                    elif isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value))
    return b"\n".join(chunks)


def test_rows_read_back_through_the_model_field(world, incident, imported):
    imported()
    victim = Victim.objects.get(incident=incident, line=2)

    assert victim.record["name"] == "鈴鹿 未来子"


def test_an_unreadable_upload_is_refused(world, incident, tmp_path):
    from sonae.core.errors import InvalidInput

    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InvalidInput):
        imports.import_job_create(
            actor=world.actor("provider"), incident=incident, name="e.csv", path=str(path)
        )
    assert not ImportJob.objects.exists()


def test_another_provider_cannot_import_into_the_case(world, incident, write_list):
    from sonae.core.errors import NotFound

    with pytest.raises(NotFound):
        imports.import_job_create(
            actor=world.actor("provider_b"), incident=incident, name="l.csv", path=str(write_list(GOOD_ROWS))
        )


def test_xlsx_lists_are_read(world, incident, tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["氏名", "フリガナ", "生年月日", "郵便番号", "電話番号", "漏えい項目"])
    sheet.append(["山田 太郎", "ヤマダ タロウ", datetime(1970, 3, 2), 600001, 312345678, "氏名;病歴"])
    path = tmp_path / "list.xlsx"
    book.save(path)
    job = _validate(world, incident, path)

    assert (job.file_kind, job.rows, job.rejected) == ("xlsx", 1, 0)
    job = imports.import_commit(
        actor=world.actor("provider"), job=job, source=imports.job_source(job, str(path))
    )
    record = Victim.objects.get().record
    assert (record["birth"], record["postal"], record["phone"]) == ("1970-03-02", "0600001", "0312345678")


def test_issue_rows_hold_no_cell_values(world, incident, write_list):
    job = _validate(world, incident, write_list(BAD_ROWS))

    assert not any(
        "12-345" in i.message or "tanaka" in i.message for i in ImportIssue.objects.filter(job=job)
    )


def test_a_committed_import_refreshes_the_planner_statistics_on_postgresql(
    world, incident, imported, monkeypatch
):
    from django.db import connection

    from sonae.victims.models import Victim, VictimKeyBucket
    from sonae.victims.services import imports

    monkeypatch.setattr(imports, "ANALYZE_AFTER_ROWS", 1)
    job = imported()
    assert job.status == "committed" and Victim.objects.filter(incident=incident).count() == 3
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s", [VictimKeyBucket._meta.db_table]
            )
            (estimate,) = cursor.fetchone()
        assert estimate == VictimKeyBucket.objects.count()  # -1 ("never analysed") before
