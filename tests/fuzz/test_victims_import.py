"""Fuzzing the victim-list importer (issue 9 point 4): whatever the file, the importer answers with a clear
Japanese error (refused upload, failed validation, or row issues) and never crashes or half-writes.

Each example runs the whole path a user takes — upload (CLI path mode: the same reader as the web), validation,
commit — inside a savepoint that is rolled back afterwards, so examples do not see each other. Chunk sizes of
64 and 512 bytes make every file span many chunks, which is where record boundaries can go wrong. The examples
are derandomised: CI runs the same ones every time.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sonae.core.errors import InvalidInput
from sonae.victims.fake import HEADER, PersonMaker, csv_bytes
from sonae.victims.importing.reader import DEFAULT_CHUNK_BYTES
from sonae.victims.models import ImportJob, ImportStatus, Victim, VictimKeyBucket
from sonae.victims.services import imports
from tests.fuzz.files import HUGE_CELL, Sample, broken_file, clean_csv, is_japanese, non_blank_rows

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CHUNK_BYTES = st.sampled_from([64, 512, DEFAULT_CHUNK_BYTES])
# Plausible values for each column of the fake lists' header, so that many generated rows are valid.
PLAUSIBLE = [list(column) for column in zip(*PersonMaker(3).rows(40, start=1), strict=True)]


def _counts() -> tuple[int, int, int]:
    return Victim.objects.count(), VictimKeyBucket.objects.count(), ImportJob.objects.count()


def _import(actor, incident, path, chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> tuple[str, ImportJob | str]:
    """Upload, validate and commit the file at ``path``, checking at each step that a refusal is a Japanese
    message and leaves nothing written. Returns (how far it got, the job or the message)."""
    victims_before, keys_before, jobs_before = _counts()
    try:
        job = imports.import_job_create(
            actor=actor, incident=incident, name="list.csv", path=str(path), chunk_bytes=chunk_bytes
        )
    except InvalidInput as exc:
        assert is_japanese(exc.message), exc.message
        assert _counts() == (victims_before, keys_before, jobs_before)  # nothing left behind
        return "refused", exc.message
    source = imports.job_source(job, str(path))
    try:
        job = imports.import_validate(job=job, source=source)
    except InvalidInput as exc:
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED
        assert is_japanese(exc.message) and job.error_message == exc.message, exc.message
        assert _counts()[:2] == (victims_before, keys_before)
        return "failed validation", exc.message
    assert job.status == ImportStatus.VALIDATED
    assert _counts()[:2] == (victims_before, keys_before)  # validation writes no person
    messages = list(job.issues.values_list("message", flat=True))
    assert all(is_japanese(m) for m in messages), messages[:5]
    assert job.to_import <= job.rows - job.rejected

    job = imports.import_commit(actor=actor, job=job, source=source)
    assert job.status == ImportStatus.COMMITTED
    assert job.imported == job.to_import
    assert Victim.objects.count() == victims_before + job.imported
    assert Victim.objects.filter(import_job=job).values("line").distinct().count() == job.imported
    return "committed", job


def _in_savepoint(fn):
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_a_clean_csv_is_read_row_for_row_however_it_is_chunked(world, incident, tmp_path):
    """CSV text in UTF-8, UTF-8 with BOM or CP932, quoted by csv.writer or naively joined (quotes and commas
    raw), with huge cells and thousands of columns: every non-blank row the text holds is read — or, when a
    quote is left open, the file is refused with the line named. Never rows invented or lost."""
    actor = world.actor("provider")
    path = tmp_path / "list.csv"
    outcomes: set[str] = set()

    @FUZZ
    @given(sample=clean_csv(HEADER, PLAUSIBLE), chunk_bytes=CHUNK_BYTES)
    def check(sample: Sample, chunk_bytes: int):
        path.write_bytes(sample.data)
        outcome, job = _in_savepoint(lambda: _import(actor, incident, path, chunk_bytes))
        outcomes.add(outcome)
        if outcome == "committed":
            assert job.rows == non_blank_rows(sample.text, sample.width), sample.kind
        else:  # the header is always readable: only an open quote in the data may stop the file
            assert outcome == "failed validation" and "引用符" in job, job

    check()
    assert "committed" in outcomes


@pytest.mark.django_db
def test_a_broken_file_gets_a_clear_japanese_answer_and_nothing_half_written(world, incident, tmp_path):
    """Wrong encodings (UTF-16, UTF-32, Shift_JIS variants, EUC-JP, ISO-2022-JP, EBCDIC), bytes truncated or
    spliced in, random bytes, empty files, an "XLSX" that is not a ZIP, a ZIP that is not an XLSX, damaged
    worksheets, formula cells: refused, failed or imported with row issues — never an exception."""
    actor = world.actor("provider")
    path = tmp_path / "list.csv"
    outcomes: set[str] = set()

    @FUZZ
    @given(sample=broken_file(HEADER, PLAUSIBLE), chunk_bytes=CHUNK_BYTES)
    def check(sample: Sample, chunk_bytes: int):
        path.write_bytes(sample.data)
        outcome, _job = _in_savepoint(lambda: _import(actor, incident, path, chunk_bytes))
        outcomes.add(outcome)

    check()
    assert outcomes == {"refused", "failed validation", "committed"}, outcomes


# -- what the fuzzing found (each failed before its fix) ---------------------------------------------------------


def _write(tmp_path, data: bytes):
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    return path


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return "".join(line + "\r\n" for line in lines).encode(encoding)


def test_a_cell_past_csvs_field_limit_is_one_row_error_not_a_lost_chunk(world, incident, tmp_path):
    # Before: csv raised "field larger than field limit" and the whole chunk (every row in it) was dropped
    # behind one misleading error about quotes.
    path = _write(tmp_path, _csv("氏名,備考", "山田 太郎,x", f"{HUGE_CELL},y", "佐藤 花子,z"))

    outcome, job = _import(world.actor("provider"), incident, path)

    assert outcome == "committed"
    assert (job.rows, job.rejected, job.imported) == (3, 1, 2)
    assert list(job.issues.values_list("line", "message")) == [(3, "氏名が長すぎます（100文字まで）。")]


def test_a_heading_past_csvs_field_limit_is_refused_clearly(world, incident, tmp_path):
    # Before: an unhandled csv.Error at upload.
    path = _write(tmp_path, _csv(f"氏名,{HUGE_CELL}", "山田 太郎,x"))

    outcome, message = _import(world.actor("provider"), incident, path)

    assert (outcome, message) == (
        "refused",
        "2列目の見出しが長すぎます（200文字まで）。1行目には列の見出しを入れてください。",
    )


def test_a_damaged_worksheet_fails_validation_naming_the_row(world, incident, tmp_path):
    # Before: openpyxl's XML error escaped from the validation task (the worksheet is read lazily).
    from openpyxl import Workbook

    book = Workbook()
    for row in (["氏名", "フリガナ"], *[[f"人{i} 太郎", "ヒト タロウ"] for i in range(30)]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) * 2 // 3]
            target.writestr(info, content)
    path = _write(tmp_path, damaged.getvalue())

    outcome, message = _import(world.actor("provider"), incident, path)

    assert outcome == "failed validation"
    assert message.startswith("Excelファイルの") and "行目付近が壊れているため読み取れません" in message
    assert not Victim.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_lists_are_refused_with_the_encoding_to_use(world, incident, tmp_path, encoding):
    # Before: accepted at upload, then every row failed to decode (or was cut mid-character).
    path = _write(tmp_path, _csv("氏名,フリガナ", "山田 太郎,ヤマダ タロウ", encoding=encoding))

    outcome, message = _import(world.actor("provider"), incident, path)

    assert outcome == "refused"
    assert "のCSVには対応していません" in message and "UTF-8またはShift_JIS" in message


def test_a_stray_quote_in_a_heading_does_not_swallow_the_rows(world, incident, tmp_path):
    # Before: the header was taken to end at the first line feed with an even number of quotes before it — here
    # none — so the header swallowed every row and the list imported 0 persons without an error.
    path = _write(tmp_path, _csv('氏名,備考"', "山田 太郎,x", "佐藤 花子,y"))

    outcome, job = _import(world.actor("provider"), incident, path)

    assert outcome == "committed"
    assert (job.rows, job.imported) == (2, 2)


@pytest.mark.parametrize("chunk_bytes", [40, DEFAULT_CHUNK_BYTES])
def test_a_stray_quote_that_misleads_the_chunking_is_refused_not_misread(
    world, incident, tmp_path, chunk_bytes
):
    # Line 2 holds a stray quote (a"b) and then a quoted cell that runs over the line break to d". Chunks end at
    # a line feed with an even number of quotes before it: here inside that cell. Before: the rest of the
    # quoted cell came back as rows of their own, without a word to the user.
    path = _write(tmp_path, _csv("氏名,備考", 'a"b,"c', '佐藤 花子,d"', "鈴木 一郎,e", "田中 次郎,f"))

    outcome, message = _import(world.actor("provider"), incident, path, chunk_bytes)

    assert outcome == "failed validation"
    assert message.startswith('2行目で始まる引用符（"）が閉じられていないため')


@pytest.mark.parametrize("chunk_bytes", [40, DEFAULT_CHUNK_BYTES])
def test_a_quote_never_closed_is_refused_naming_its_line(world, incident, tmp_path, chunk_bytes):
    # Before: the rest of the file became one cell of line 3 and the list imported with 2 rows.
    path = _write(tmp_path, _csv("氏名,備考", "山田 太郎,x", '佐藤 花子,"abc', "鈴木 一郎,e"))

    outcome, message = _import(world.actor("provider"), incident, path, chunk_bytes)

    assert outcome == "failed validation"
    assert message.startswith('3行目で始まる引用符（"）が閉じられていないため')


def test_a_valid_list_still_imports_every_row_in_small_chunks(world, incident, tmp_path):
    path = _write(tmp_path, csv_bytes(PersonMaker(5).rows(60, start=1)))

    outcome, job = _import(world.actor("provider"), incident, path, chunk_bytes=512)

    assert outcome == "committed"
    assert job.rows == 60 and job.imported == 60 - job.rejected - job.duplicates


def test_an_empty_zip_is_refused_as_unreadable_not_stored(world, incident, tmp_path):
    # Before: "PK\x05\x06…" (a zip with no parts) was read as a UTF-8 CSV whose heading held NUL, which PostgreSQL
    # cannot store in the job's JSON (a 500 on PostgreSQL only).
    path = _write(tmp_path, b"PK\x05\x06" + b"\x00" * 18)

    outcome, message = _import(world.actor("provider"), incident, path)

    assert outcome == "refused"
    assert "制御文字" in message


def test_control_characters_inside_cells_become_row_errors_or_data_never_a_crash(world, incident, tmp_path):
    path = _write(
        tmp_path,
        _csv(
            "氏名,フリガナ,生年月日",
            "山田\x00太郎,ヤマダ タロウ,1970-03-02",
            "佐藤 花子,サトウ ハナコ,19\x0070-01-01",
        ),
    )

    outcome, job = _import(world.actor("provider"), incident, path)

    assert outcome in ("committed", "failed validation")
    assert job.rows == 2
    assert not any("\x00" in message for message in job.issues.values_list("message", flat=True))
