import io

import pytest
from openpyxl import load_workbook

from sonae.core.errors import PermissionDenied
from sonae.enrolment.exports import export_workbook
from sonae.enrolment.pdf import application_pdf, certificate_pdf, quote_pdf
from sonae.enrolment.services import application_accept, deposit_import
from tests.pdftext import pdf_text

from .conftest import jst
from .helpers import deposit_csv, quoted, submitted

pytestmark = pytest.mark.django_db


def test_quote_pdf_shows_the_premiums_validity_and_sample_notice(
    year_2025, sakura, sakura_actor, sakura_entry
):
    text = pdf_text(quote_pdf(quoted(sakura_actor, sakura, year_2025)))
    assert "Q-2025-00001" in text
    assert "112,320円" in text and "193,190円" in text
    assert "2025年9月16日" in text
    assert "サンプル" in text


@pytest.fixture
def paid_policy(year_2025, sakura, sakura_actor, agency_actor, sakura_entry):
    application = submitted(sakura_actor, sakura, year_2025)
    application_accept(actor=agency_actor, application=application, at=jst(2025, 9, 8))
    deposit_import(
        actor=agency_actor,
        file_name="b.csv",
        data=deposit_csv(("2025-09-10", "ｻｸﾗﾘﾝｼﾖｳｹﾝｻ", 112320)),
        at=jst(2025, 9, 11),
    )
    application.refresh_from_db()
    return application.policy


def test_application_and_certificate_pdfs(paid_policy):
    assert "加入依頼書" in pdf_text(application_pdf(paid_policy.application))
    text = pdf_text(certificate_pdf(paid_policy))
    assert "加入者証" in text and paid_policy.number in text
    assert "2025年10月1日 16:00" in text
    assert "衛生検査所業務" in text


def test_excel_export_has_japanese_headers_dates_and_yen_as_numbers(paid_policy, agency_actor):
    workbook = load_workbook(io.BytesIO(export_workbook(agency_actor)))
    assert workbook.sheetnames == ["見積", "加入依頼", "入金", "契約"]
    sheet = workbook["契約"]
    headers = [c.value for c in sheet[1]]
    row = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert row["証券番号"] == paid_policy.number
    assert row["保険料"] == 112_320 and isinstance(row["保険料"], int)
    assert row["保険始期"].isoformat() == "2025-10-01T16:00:00"
    deposits = workbook["入金"]
    assert deposits["A2"].value.isoformat().startswith("2025-09-10")
    assert deposits["A2"].number_format == "yyyy/mm/dd"


def test_excel_export_neutralises_formulas(year_2025, sakura, sakura_actor, agency_actor, sakura_entry):
    sakura_entry.name = '=HYPERLINK("http://evil")'
    sakura_entry.save()
    quoted(sakura_actor, sakura, year_2025)
    sheet = load_workbook(io.BytesIO(export_workbook(agency_actor, kinds=["quotes"])))["見積"]
    assert sheet["C2"].value.startswith("'=")
    assert sheet["C2"].data_type == "s"


def test_providers_cannot_export(sakura_actor, year_2025):
    with pytest.raises(PermissionDenied):
        export_workbook(sakura_actor)
