import io
from datetime import date

import pytest
from openpyxl import Workbook

from sonae.core.errors import InvalidInput
from sonae.enrolment.files import decode_text, read_table
from sonae.enrolment.parsing import parse_deposits, parse_roster
from sonae.enrolment.rules import with_check_digit

HEADER = "法人番号,事業者名,事業者名カナ,所在地,認定業務,認定単位,施設名,認定日,有効期限,認定番号"
GOOD = with_check_digit("010001234567")
OTHER = with_check_digit("020001234567")
BAD_DIGIT = ("1" if GOOD[0] != "1" else "2") + GOOD[1:]


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_roster_with_bad_rows_reports_every_bad_row_with_its_line():
    data = csv_bytes(
        [
            HEADER,
            f"{GOOD},株式会社さくら臨床検査,サクラリンショウケンサ,東京都千代田区1-1,衛生検査所業務,施設,本社ラボ,2024-10-01,2026-09-30,L-001",
            f"{BAD_DIGIT},株式会社まちがい,マチガイ,東京都港区,院内清掃業務,事業者,,2024-10-01,2027-09-30,",
            f"{OTHER},あおば患者搬送株式会社,アオバ,大阪府大阪市,院内物品管理業務,事業者,,2024-10-01,2027-09-30,",
            f"{OTHER},あおば患者搬送株式会社,アオバ,大阪府大阪市,患者搬送業務,事業者,,2024-13-01,2027-09-30,",
        ],
        "cp932",
    )
    parsed = parse_roster(read_table(data, "roster.csv"))
    assert parsed.total == 4
    assert [row["line"] for row in parsed.rows] == [2]
    errors = {e.line: " ".join(e.messages) for e in parsed.errors}
    assert set(errors) == {3, 4, 5}
    assert "検査用数字" in errors[3]
    assert "院内物品管理業務" in errors[4] and "11の認定業務" in errors[4]
    assert "認定日" in errors[5]


def test_all_problems_of_one_row_are_listed():
    data = csv_bytes([HEADER, f"{BAD_DIGIT},,カナ,東京都,謎の業務,事業者,,昨日,2027-09-30,"])
    (error,) = parse_roster(read_table(data, "r.csv")).errors
    assert len(error.messages) == 4  # check digit, name, 業務, date


def test_valid_row_is_normalised():
    data = csv_bytes(
        [
            HEADER,
            f"{GOOD},株式会社さくら臨床検査,ｻｸﾗ,〒100-0001 東京都千代田区,1,,ラボ,令和6年10月1日,R8.9.30,L-1",
        ]
    )
    (row,) = parse_roster(read_table(data, "r.csv")).rows
    assert row["business"] == "clinical_lab"
    assert row["unit"] == "facility"  # the usual unit of 衛生検査所業務 when the column is empty
    assert row["name_kana"] == "サクラ"
    assert row["prefecture"] == "東京都"
    assert (row["certified_from"], row["valid_until"]) == ("2024-10-01", "2026-09-30")


def test_valid_until_before_certified_from_is_an_error():
    data = csv_bytes([HEADER, f"{GOOD},さくら,サクラ,東京都,1,,,2026-10-01,2024-09-30,"])
    (error,) = parse_roster(read_table(data, "r.csv")).errors
    assert "有効期限" in error.messages[0]


def test_missing_required_column_is_a_file_error():
    with pytest.raises(InvalidInput) as exc:
        parse_roster(read_table(csv_bytes(["法人番号,事業者名", f"{GOOD},さくら"]), "r.csv"))
    assert "認定業務" in exc.value.message


def test_same_corporate_number_with_another_name_is_an_error():
    data = csv_bytes(
        [
            HEADER,
            f"{GOOD},さくら,サクラ,東京都,1,,,2024-10-01,2026-09-30,",
            f"{GOOD},ちがう名前,サクラ,東京都,8,,,2024-10-01,2026-09-30,",
        ]
    )
    (error,) = parse_roster(read_table(data, "r.csv")).errors
    assert error.line == 3 and "2行目" in error.messages[0]


def test_xlsx_roster_reads_date_cells_and_row_numbers():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            GOOD,
            "さくら",
            "サクラ",
            "東京都",
            "衛生検査所業務",
            "施設",
            "",
            date(2024, 10, 1),
            date(2026, 9, 30),
            "",
        ]
    )
    sheet.append([BAD_DIGIT, "x", "", "", "衛生検査所業務", "", "", date(2024, 10, 1), date(2026, 9, 30), ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse_roster(read_table(buffer.getvalue(), "roster.xlsx"))
    assert [r["line"] for r in parsed.rows] == [2]
    assert [e.line for e in parsed.errors] == [3]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_encodings_are_detected(encoding):
    text, found = decode_text("日付,振込依頼人名,金額\n2025-09-10,ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ,112320\n".encode(encoding))
    assert "振込依頼人名" in text
    assert found == encoding


def test_line_numbers_count_quoted_line_breaks():
    data = csv_bytes(
        [
            HEADER,
            f'{GOOD},"さくら\n本社",サクラ,東京都,1,,,2024-10-01,2026-09-30,',
            f"{BAD_DIGIT},x,,,1,,,2024-10-01,2026-09-30,",
        ]
    )
    parsed = parse_roster(read_table(data, "r.csv"))
    assert [e.line for e in parsed.errors] == [4]


DEPOSITS = [
    "入金日,振込依頼人名,金額",
    '2025-09-10,ｶ)ｻｸﾗﾘﾝｼﾖｳｹﾝｻ,"112,320"',
    "2025/09/11,ｱｵﾊﾞ(ｶ,abc",
    "20250912,,100",
]


def test_deposit_list_in_cp932_with_bad_rows():
    parsed = parse_deposits(read_table(csv_bytes(DEPOSITS, "cp932"), "bank.csv"))
    (row,) = parsed.rows
    assert (row["deposited_on"], row["amount"], row["payer_key"]) == (
        "2025-09-10",
        112320,
        "サクラリンシヨウケンサ",
    )
    assert [e.line for e in parsed.errors] == [3, 4]


def test_deposit_list_without_a_header_is_read_as_date_payer_amount():
    parsed = parse_deposits(
        read_table(csv_bytes(["2025-09-10,ｻｸﾗ,1000", "2025-09-11,ｱｵﾊﾞ,2000"], "cp932"), "b.csv")
    )
    assert [(r["line"], r["amount"]) for r in parsed.rows] == [(1, 1000), (2, 2000)]
