"""The hospital's Excel export for its inspection file."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from sonae.core.models import Organisation
from sonae.hospitals.exports import CHECKLIST_HEADERS, CONTRACTOR_HEADERS

pytestmark = pytest.mark.django_db


def _workbook(client, query: str = ""):
    response = client.get(f"/hospitals/contractors/export.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="contractors-2026-10-06.xlsx"' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def test_the_export_has_japanese_headers_and_one_row_per_contractor(
    world, link_for, security_records, client_for
):
    link_for(shared={"checklist": True, "selfcheck": True})
    security_records(world.org("provider"), overdue=True)
    book = _workbook(client_for("hospital"))
    sheet = book["委託先一覧"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CONTRACTOR_HEADERS
    row = dict(zip(CONTRACTOR_HEADERS, rows[1], strict=True))
    assert row["委託先"] == "株式会社さくら臨床検査"
    assert row["業務"] == "衛生検査所業務"
    assert row["保険加入"] == "非公開"
    assert row["セルフチェック点数"] == 100
    assert row["チェックリスト（すべて「はい」）"] == "いいえ"
    assert row["目標日を過ぎた項目数"] == 1
    assert isinstance(row["チェックリスト確認日"], datetime)  # an Excel date
    assert row["サイバーBCP"] == "非公開"


def test_the_checklist_sheet_lists_answers_of_sharing_contractors_only(
    world, link_for, security_records, client_for
):
    link_for(shared={"checklist": True})
    link_for(provider="provider_b")
    security_records(world.org("provider"), overdue=True)
    security_records(world.org("provider_b"), overdue=True)
    sheet = _workbook(client_for("hospital"))["チェックリスト回答"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == CHECKLIST_HEADERS
    assert {r[0] for r in rows[1:]} == {"株式会社さくら臨床検査"}
    (no,) = [r for r in rows[1:] if r[4] == "いいえ"]
    assert no[1] == "3-(3)" and no[5].date().isoformat() == "2026-09-30" and no[6] == "超過"


def test_formula_injection_is_neutralised(world, link_for, client_for):
    Organisation.objects.filter(pk=world.org("provider").pk).update(name='=HYPERLINK("http://evil")')
    link_for()
    sheet = _workbook(client_for("hospital"))["委託先一覧"]
    cell = sheet["A2"]
    assert cell.value == '\'=HYPERLINK("http://evil")' and cell.data_type == "s"


def test_the_export_follows_the_filters(world, link_for, client_for):
    link_for()
    link_for(provider="provider_b", codes=["patient_transport"])
    sheet = _workbook(client_for("hospital"), "?business=patient_transport")["委託先一覧"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["あおば患者搬送株式会社"]
