"""Enrolment API, the documents of the provider's path: the quote, the application form and the certificate of
insurance as PDF — the same renderers and selectors as the pages' downloads (another organisation's record is 404).
"""

from __future__ import annotations

from sonae.api.files import PDF, file_openapi, file_response, render_or_503
from sonae.core.policy import require

from . import pdf, selectors
from .api import router


@router.get(
    "/enrolment/quotes/{quote_id}/pdf",
    summary="見積書（PDF）",
    description="見積1件を見積書のPDFで返します（画面の見積書と同じもの）。",
    openapi_extra=file_openapi(PDF, description="PDF"),
)
def quote_pdf(request, quote_id: int):
    quote = selectors.quote_get(require(request.auth, "enrolment.quote.view"), quote_id)
    return file_response(render_or_503(lambda: pdf.quote_pdf(quote)), PDF, f"quote-{quote.number}.pdf")


@router.get(
    "/enrolment/applications/{application_id}/pdf",
    summary="加入依頼書（PDF）",
    description="加入依頼1件を加入依頼書のPDFで返します（画面の加入依頼書と同じもの）。",
    openapi_extra=file_openapi(PDF, description="PDF"),
)
def application_pdf(request, application_id: int):
    application = selectors.application_get(
        require(request.auth, "enrolment.application.view"), application_id
    )
    content = render_or_503(lambda: pdf.application_pdf(application))
    return file_response(content, PDF, f"application-{application.number}.pdf")


@router.get(
    "/enrolment/policies/{policy_id}/certificate",
    summary="加入者証（PDF）",
    description="契約1件の加入者証（付保証明）をPDFで返します（画面の加入者証と同じもの）。",
    openapi_extra=file_openapi(PDF, description="PDF"),
)
def policy_certificate(request, policy_id: int):
    policy = selectors.policy_get(require(request.auth, "enrolment.policy.view"), policy_id)
    content = render_or_503(lambda: pdf.certificate_pdf(policy))
    return file_response(content, PDF, f"certificate-{policy.number}.pdf")
