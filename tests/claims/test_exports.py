"""The claim pack: the Japanese PDF (保険金請求書 with the breakdown and the attachments) and the Excel export."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sonae.claims.exports import cell_text, expenses_xlsx
from sonae.claims.pdf import claim_pack_pdf
from sonae.claims.services import approval_decide, approval_request, claim_create, claim_transition
from tests.pdftext import pdf_text

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(world, incident, add_expense):
    approval = approval_request(
        actor=world.actor("provider"),
        incident=incident,
        item="litigation",
        amount=1_000_000,
        reason="損害賠償請求への対応",
        quotes=[("弁護士見積.pdf", PDF_BYTES)],
    )
    approval_decide(actor=world.actor("insurer"), approval=approval, decision="approve")
    add_expense("investigation", 3_500_000, receipt=("調査報告書.pdf", PDF_BYTES))
    add_expense("call_center", 1_000_000, payee='=HYPERLINK("http://evil")', description="+cmd|' /C calc'!A0")
    add_expense(
        "litigation", 1_000_000, payee="桜橋法律事務所", approval=approval, spent_on=date(2025, 11, 21)
    )
    claim = claim_create(actor=world.actor("provider"), incident=incident)
    return claim_transition(actor=world.actor("provider"), claim=claim, to_status="submitted")


def test_claim_pack_pdf_is_a_japanese_claim_form_with_breakdown_and_attachments(claim):
    data = claim_pack_pdf(claim)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for words in (
        "保険金請求書",
        claim.number,
        "P-2025-000001",
        "事故原因・被害範囲調査費用",
        "縮小支払割合を適用しました",
        "免責金額",
        "5,300,000円",  # 3,500,000 + 900,000 − 100,000 + 1,000,000
        "調査報告書.pdf",
        "弁護士見積.pdf",
        "APR-2025-00001",
    ):
        assert words in text, words


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+81", "'+81"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("＝1", "'＝1"),
        ("株式会社", "株式会社"),
        (None, ""),
    ],
)
def test_text_that_would_run_as_a_formula_is_quoted(value, cell):
    assert cell_text(value) == cell


def test_excel_has_japanese_headers_dates_as_dates_and_yen_as_numbers(claim):
    wb = load_workbook(
        BytesIO(
            expenses_xlsx(
                incident=claim.incident, expenses=list(claim.expenses.order_by("spent_on", "id")), claim=claim
            )
        )
    )
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row[0] == "No.")
    header = rows[header_index]
    assert header[1] == "支払日・発生日" and header[6] == "金額（円）" and header[14] == "支払対象額（円）"
    first = ws.cell(row=header_index + 2, column=2)
    assert first.is_date and first.value.date() == date(2025, 11, 20)
    amount = ws.cell(row=header_index + 2, column=7)
    assert amount.value == 3_500_000 and isinstance(amount.value, int) and amount.number_format == "#,##0"
    assert (
        ws.cell(row=header_index + 3, column=15).value == 1_000_000
    )  # per expense: before the item's pay ratio
    payees = [row[2] for row in rows[header_index + 1 : header_index + 4]]
    assert '\'=HYPERLINK("http://evil")' in payees
    assert all(
        ws.cell(row=r, column=c).data_type != "f" for r in range(1, ws.max_row + 1) for c in range(1, 18)
    )
    total = next(row for row in rows if row[0] == "合計")
    assert total[6] == 5_500_000 and total[14] == 5_500_000
    assert "調査報告書.pdf" in rows[header_index + 1][16]


def test_pages_send_the_pdf_and_the_excel(world, claim, client_for):
    insurer = client_for("insurer")
    pdf = insurer.get(reverse("claims:pdf", args=[claim.number]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E4%BF%9D%E9%99%BA" in pdf["Content-Disposition"]
    xlsx = insurer.get(reverse("claims:xlsx", args=[claim.number]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    case = insurer.get(reverse("claims:expenses_xlsx", args=[claim.incident.reference]))
    rows = list(load_workbook(BytesIO(case.content)).active.iter_rows(values_only=True))
    assert any(row[11] == claim.number for row in rows)
