"""Drafts of the PPC report, the notices and the announcement: prefilled in Japanese, edited, PDF and DOCX."""

from __future__ import annotations

import io

import pytest

from tests.duties.conftest import LOST_BAG, jst

pytestmark = pytest.mark.django_db

PAYROLL = {  # contract example 6: My Number only
    "discovered_at": "2026-03-10T10:00:00+09:00",
    "role": "controller",
    "data_items": ["name", "my_number", "salary"],
    "persons": 120,
    "cause": "misdelivery_email",
}


def _draft(world, incident, kind):
    from sonae.duties.services import draft_prepare

    return draft_prepare(actor=world.actor("provider"), incident=incident, kind=kind)


def _docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_ppc_preliminary_report_has_the_nine_items_and_marks_the_unknown(world, incident, assess_case):
    from sonae.duties.rendering import draft_html

    assess_case(incident)
    html = draft_html(_draft(world, incident, "ppc_preliminary"))
    assert "個人情報の漏えい等に関する報告書（速報）" in html
    assert "個人情報保護委員会 御中" in html
    assert "令和8年3月11日" in html  # the document date in 和暦
    for heading in (
        "1 概要",
        "2 漏えい等が発生し、又は発生したおそれがある個人データの項目",
        "3 本人の数",
        "4 原因",
        "5 二次被害又はそのおそれの有無及びその内容",
        "6 本人への対応の実施状況",
        "7 公表の実施状況",
        "8 再発防止のための措置",
        "9 その他参考となる事項",
    ):
        assert heading in html
    assert "調査中" in html
    assert "氏名、病棟・病室、食事箋・治療食" in html
    assert "30人" in html
    assert "発覚日時：2026年3月10日 18:00" in html
    assert "委託元：みなと総合病院（当社は委託先）" in html


def test_the_final_report_names_the_preliminary_reports_reception_number(world, incident, assess_case):
    from sonae.duties.models import DutyItem
    from sonae.duties.rendering import draft_html
    from sonae.duties.services import duty_mark_done

    assess_case(incident)
    duty_mark_done(
        actor=world.actor("provider"),
        item=DutyItem.objects.get(incident=incident, kind="ppc_preliminary"),
        done_at=jst(2026, 3, 11, 9, 0),
        reference="PPC-0042",
    )
    html = draft_html(_draft(world, incident, "ppc_final"))
    assert "個人情報の漏えい等に関する報告書（確報）" in html
    assert "2026年3月11日（受付番号 PPC-0042）" in html
    assert "施行規則第8条第2項" in html


def test_the_notice_to_the_entrusting_party_tells_the_hospital_its_dates(world, incident, assess_case):
    from sonae.duties.rendering import draft_html

    assess_case(incident)
    html = draft_html(_draft(world, incident, "entrusting_party_notice"))
    assert "みなと総合病院 御中" in html
    assert "施行規則第9条" in html
    # Received today (2026-03-11): the hospital's 速報 target is the 5th day, its 確報 the 30th day.
    assert "速報の目安は2026年3月15日（日）、確報の期限は2026年4月9日（木）" in html


def test_the_notice_to_individuals_has_rule_10s_five_contents(world, incident, assess_case):
    from sonae.duties.rendering import draft_html

    assess_case(incident)
    html = draft_html(_draft(world, incident, "individual_notice"))
    for heading in (
        "1 概要",
        "2 漏えい等が発生し、又は発生したおそれがある個人情報の項目",
        "3 原因",
        "4 二次被害又はそのおそれの有無及びその内容",
        "5 その他参考となる事項",
    ):
        assert heading in html
    assert "お問い合わせ窓口" in html


def test_the_individual_notice_is_written_for_the_hospital_when_it_notifies(world, incident, assess_case):
    from sonae.duties.rendering import draft_html

    assess_case(incident, {**LOST_BAG, "entrusting_party_notified_at": "2026-03-11T09:00:00+09:00"})
    html = draft_html(_draft(world, incident, "individual_notice"))
    assert "当院が業務を委託しているみどりフードサービス株式会社において" in html


def test_the_my_number_report_exists_only_when_it_applies(world, incident, assess_case):
    from sonae.core.errors import NotFound
    from sonae.duties.rendering import draft_html

    assess_case(incident)
    with pytest.raises(NotFound):
        _draft(world, incident, "my_number_preliminary")
    assess_case(incident, PAYROLL)
    html = draft_html(_draft(world, incident, "my_number_preliminary"))
    assert "特定個人情報の漏えい等に関する報告書（速報）" in html
    assert "本人の数が100人超" in html
    assert "120人" in html


def test_the_public_announcement_offers_a_contact_point(world, incident, assess_case):
    from sonae.duties.rendering import draft_html

    assess_case(incident)
    html = draft_html(_draft(world, incident, "public_announcement"))
    assert "本公表をもってお知らせいたします" in html
    assert "ご自身の情報が対象となっているかどうか" in html


@pytest.mark.parametrize(
    "kind",
    ["ppc_preliminary", "ppc_final", "entrusting_party_notice", "individual_notice", "public_announcement"],
)
def test_every_draft_downloads_as_pdf_and_docx(world, incident, assess_case, client_for, kind):
    assess_case(incident)
    client = client_for("provider")
    url = f"/duties/incident/{incident.reference}/drafts/{kind}/"
    page = client.get(url)
    assert page.status_code == 200
    data = {name: page.context["form"].initial[name] for name in page.context["form"].fields}
    pdf = client.post(url, {**data, "format": "pdf"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"%%EOF" in pdf.content[-1024:]
    assert f'filename="{incident.reference}-' in pdf["Content-Disposition"]
    docx = client.post(url, {**data, "format": "docx"})
    assert docx.status_code == 200
    text = _docx_text(docx.content)
    assert data["title"] in text
    assert "記" in text


def test_edits_in_the_form_reach_the_downloaded_file(world, incident, assess_case, client_for):
    from sonae.core.models import AuditEvent

    assess_case(incident)
    client = client_for("provider")
    url = f"/duties/incident/{incident.reference}/drafts/entrusting_party_notice/"
    form = client.get(url).context["form"]
    data = {name: form.initial[name] for name in form.fields}
    data["section_prevention"] = "配膳時の書類の持ち運びを専用の施錠ケースに限ります。"
    response = client.post(url, {**data, "format": "docx"})
    assert "配膳時の書類の持ち運びを専用の施錠ケースに限ります。" in _docx_text(response.content)
    assert AuditEvent.objects.filter(
        action="duties.draft_exported", data__draft="entrusting_party_notice"
    ).exists()


def test_an_unknown_format_is_refused_in_japanese(world, incident, assess_case, client_for):
    assess_case(incident)
    client = client_for("provider")
    url = f"/duties/incident/{incident.reference}/drafts/ppc_preliminary/"
    form = client.get(url).context["form"]
    response = client.post(url, {**{n: form.initial[n] for n in form.fields}, "format": "xls"})
    assert response.status_code == 400
    assert "出力形式は pdf または docx を指定してください。" in response.content.decode()


def test_a_draft_needs_an_assessment(world, incident, client_for):
    assert (
        client_for("provider")
        .get(f"/duties/incident/{incident.reference}/drafts/ppc_preliminary/")
        .status_code
        == 404
    )


def test_docx_helper_writes_headings_paragraphs_and_tables():
    from sonae.documents.docx import Heading, Paragraph, Table, render_docx

    content = render_docx(
        [Heading("表題"), Paragraph("一行目\n二行目", align="right"), Table((("項目", "値"),))], title="表題"
    )
    text = _docx_text(content)
    assert "表題" in text and "一行目" in text and "二行目" in text and "値" in text
