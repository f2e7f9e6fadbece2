"""Fuzzing the enrolment importers (issue 9 point 4): the Foundation's roster and the agency's bank deposit list.

Whatever the file: a clear Japanese error (InvalidInput, or row errors on the upload) and nothing written when
the file is refused; when it is accepted, exactly its valid rows are written. Each example runs in a savepoint
rolled back afterwards; the examples are derandomised.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sonae.core.errors import InvalidInput
from sonae.enrolment.models import Certification, Deposit, DepositImport, RosterEntry, RosterImport
from sonae.enrolment.parsing import MAX_AMOUNT
from sonae.enrolment.rules import with_check_digit
from sonae.enrolment.services import (
    ImportRejected,
    deposit_import,
    roster_import_commit,
    roster_import_validate,
)
from tests.fuzz.files import Sample, hostile_file, is_japanese

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

ROSTER_HEADER = ["法人番号", "事業者名", "事業者名カナ", "所在地", "認定業務", "認定単位", "施設名", "認定日", "有効期限", "認定番号"]  # fmt: skip
ROSTER_VALUES = [
    [
        with_check_digit("010001234567"),
        with_check_digit("020001234567"),
        "１２３４５６７８９０１２３",
        "1234567890123",
    ],
    ["株式会社さくら臨床検査", "あおば患者搬送株式会社", "名" * 250],
    ["サクラリンショウケンサ", "ｱｵﾊﾞ", "カ" * 250],
    ["東京都千代田区1-1", "〒100-0001 大阪府大阪市北区1-1", "住" * 400],
    ["衛生検査所業務", "患者搬送業務", "院内清掃業務", "01", "医療機器の保守点検業務"],
    ["施設", "事業者", ""],
    ["", "本社ラボ", "施" * 250],
    ["2024-10-01", "令和6年10月1日", "2024/2/30", "R6.4.1"],
    ["2026-09-30", "R8.9.30", "2023-01-01", "9999-12-31"],
    ["L-001", "", "N" * 80],
]
DEPOSIT_HEADER = ["入金日", "振込依頼人名", "金額"]
DEPOSIT_VALUES = [
    ["2025-09-10", "R7.9.10", "令和7年9月10日", "2025/9/31"],
    ["ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", "ﾔﾏﾀﾞ ﾀﾛｳ", "ｱ" * 300, "サクラ（カ"],
    [
        "112320",
        "１２３,４５６円",
        "¥1,000",
        "9" * 12,
        "9" * 30,
        "0",
        "-5",
        str(MAX_AMOUNT),
        str(MAX_AMOUNT + 1),
    ],
]


def _roster_counts() -> tuple[int, int, int]:
    return RosterImport.objects.count(), RosterEntry.objects.count(), Certification.objects.count()


def _deposit_counts() -> tuple[int, int]:
    return DepositImport.objects.count(), Deposit.objects.count()


def _messages(errors: list[dict]) -> list[str]:
    return [message for error in errors for message in error["messages"]]


def _in_savepoint(fn) -> None:
    with transaction.atomic():
        fn()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_roster_file_is_refused_clearly_or_written_exactly(foundation_actor):
    outcomes: set[str] = set()

    def upload_and_commit(sample: Sample, accept: bool) -> None:
        uploads, entries, certifications = _roster_counts()
        try:
            upload = roster_import_validate(actor=foundation_actor, file_name="roster.csv", data=sample.data)
        except InvalidInput as exc:
            assert is_japanese(exc.message), exc.message
            assert _roster_counts() == (uploads, entries, certifications)
            outcomes.add("refused")
            return
        assert _roster_counts() == (uploads + 1, entries, certifications)  # validation writes no roster row
        assert all(is_japanese(m) for m in _messages(upload.errors))
        assert upload.rows_valid + len(upload.errors) == upload.rows_total
        try:
            upload = roster_import_commit(
                actor=foundation_actor, roster_import=upload, accept_valid_only=accept
            )
        except InvalidInput as exc:  # bad rows and the user did not accept committing only the valid ones
            assert upload.errors and not accept and is_japanese(exc.message)
            assert _roster_counts()[1:] == (entries, certifications)
            outcomes.add("not accepted")
            return
        assert upload.status == RosterImport.Status.COMMITTED
        assert RosterEntry.objects.count() == entries + upload.result["created"]
        assert upload.result["certifications"] == upload.rows_valid
        outcomes.add("committed")

    @FUZZ
    @given(sample=hostile_file(ROSTER_HEADER, ROSTER_VALUES), accept=st.booleans())
    def check(sample: Sample, accept: bool):
        _in_savepoint(lambda: upload_and_commit(sample, accept))

    check()
    assert outcomes == {"refused", "not accepted", "committed"}, outcomes


@pytest.mark.django_db
def test_a_deposit_list_is_refused_clearly_or_written_exactly(agency_actor):
    outcomes: set[str] = set()

    def upload(sample: Sample, accept: bool) -> None:
        before = _deposit_counts()
        try:
            result = deposit_import(
                actor=agency_actor, file_name="bank.csv", data=sample.data, accept_valid_only=accept
            )
        except ImportRejected as exc:  # bad rows, every one listed
            assert exc.errors and all(is_japanese(m) for m in _messages(exc.errors)), exc.errors[:3]
            assert is_japanese(exc.message) and _deposit_counts() == before
            outcomes.add("rejected")
            return
        except InvalidInput as exc:
            assert is_japanese(exc.message), exc.message
            assert _deposit_counts() == before
            outcomes.add("refused")
            return
        assert all(is_japanese(m) for m in _messages(result.errors))
        assert _deposit_counts() == (before[0] + 1, before[1] + result.rows_new)
        assert result.rows_new + result.rows_duplicate == result.rows_total - len(result.errors)
        outcomes.add("imported")

    @FUZZ
    @given(sample=hostile_file(DEPOSIT_HEADER, DEPOSIT_VALUES), accept=st.booleans())
    def check(sample: Sample, accept: bool):
        _in_savepoint(lambda: upload(sample, accept))

    check()
    assert outcomes == {"rejected", "refused", "imported"}, outcomes


# -- what the fuzzing found (each failed before its fix) ---------------------------------------------------------


def _roster_csv(*rows: list[str]) -> bytes:
    return "\r\n".join(",".join(row) for row in [ROSTER_HEADER, *rows]).encode("cp932")


def _deposits_csv(*rows: str) -> bytes:
    return "\r\n".join(["入金日,振込依頼人名,金額", *rows]).encode("cp932")


GOOD_ROSTER_ROW = [with_check_digit("010001234567"), "株式会社さくら臨床検査", "サクラ", "東京都千代田区1-1", "衛生検査所業務", "施設", "本社ラボ", "2024-10-01", "2026-09-30", "L-001"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (1, "名" * 201, "事業者名が長すぎます（200文字まで）。"),
        (3, "住" * 301, "所在地が長すぎます（300文字まで）。"),
        (9, "N" * 51, "認定番号が長すぎます（50文字まで）。"),
    ],
)
def test_a_roster_value_longer_than_its_column_is_a_row_error(foundation_actor, column, value, message):
    # Before: valid on upload, then the commit failed on PostgreSQL (value too long for the column): a 500.
    row = list(GOOD_ROSTER_ROW)
    row[column] = value

    upload = roster_import_validate(actor=foundation_actor, file_name="r.csv", data=_roster_csv(row))

    assert upload.errors == [{"line": 2, "messages": [message]}] and upload.rows_valid == 0


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [str(MAX_AMOUNT + 1), "9" * 30])
def test_a_deposit_amount_beyond_the_table_is_a_row_error(agency_actor, amount):
    # Before: valid, then the insert overflowed (SQLite OverflowError, PostgreSQL integer out of range).
    with pytest.raises(ImportRejected) as rejected:
        deposit_import(
            actor=agency_actor, file_name="bank.csv", data=_deposits_csv(f"2025-09-10,ｻｸﾗ,{amount}")
        )

    assert rejected.value.errors == [{"line": 2, "messages": ["金額が大きすぎます（2,147,483,647円まで）。"]}]
    assert not Deposit.objects.exists()


@pytest.mark.django_db
def test_a_utf16_byte_order_mark_before_other_bytes_is_refused_clearly(agency_actor):
    # Before: UnicodeDecodeError escaped (the BOM says UTF-16, the odd number of bytes after it says otherwise).
    with pytest.raises(InvalidInput) as refused:
        deposit_import(actor=agency_actor, file_name="bank.csv", data=b"\xff\xfe" + b"abc")

    assert refused.value.message.startswith("ファイルを UTF-16 として読み取れません。")


@pytest.mark.django_db
def test_a_damaged_worksheet_is_refused_clearly(foundation_actor):
    # Before: openpyxl's XML error escaped (the worksheet is read row by row, after load_workbook succeeded).
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(ROSTER_HEADER)
    book.active.append(GOOD_ROSTER_ROW)
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, content[:-40] if info.filename == "xl/worksheets/sheet1.xml" else content)

    with pytest.raises(InvalidInput) as refused:
        roster_import_validate(actor=foundation_actor, file_name="r.xlsx", data=damaged.getvalue())

    assert refused.value.message == "Excel ファイル（.xlsx）として読み込めません。"
    assert not RosterImport.objects.exists()


@pytest.mark.django_db
def test_a_cell_past_csvs_field_limit_is_explained_in_japanese(foundation_actor):
    # Before: the message carried csv's English text ("field larger than field limit (131072)").
    row = list(GOOD_ROSTER_ROW)
    row[6] = "施" * 140_000

    with pytest.raises(InvalidInput) as refused:
        roster_import_validate(actor=foundation_actor, file_name="r.csv", data=_roster_csv(row))

    assert refused.value.message == "2行目: CSV の形式が正しくありません（1つのセルが長すぎます）。"
