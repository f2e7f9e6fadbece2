"""Pages of the claims workflow, mounted at /claims/ (see sonae/urls.py)."""

from django.urls import path, register_converter

from .views import approvals, claims, coverage, expenses


class ClaimNumberConverter:
    """A claim number: CLM-2025-00001."""

    regex = r"CLM-[0-9A-Z]+-[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CaseReferenceConverter:
    """An incident reference: INC-2025-000123, INC-DEMO-0001."""

    regex = r"INC-[0-9A-Z]+-[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ClaimNumberConverter, "claim")
register_converter(CaseReferenceConverter, "case")

app_name = "claims"

urlpatterns = [
    path("", claims.claim_list, name="list"),
    path("queue/", claims.queue, name="queue"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<int:pk>/", approvals.approval_detail, name="approval_detail"),
    path("approvals/<int:pk>/decide/", approvals.approval_decide, name="approval_decide"),
    path("approvals/<int:pk>/withdraw/", approvals.approval_withdraw, name="approval_withdraw"),
    path("attachments/<int:pk>/", expenses.attachment_download, name="attachment"),
    path("cases/<case:reference>/", expenses.case_expenses, name="expenses"),
    path("cases/<case:reference>/expenses/new/", expenses.expense_create, name="expense_create"),
    path("cases/<case:reference>/expenses/<int:pk>/", expenses.expense_edit, name="expense_edit"),
    path("cases/<case:reference>/expenses/<int:pk>/delete/", expenses.expense_delete, name="expense_delete"),
    path("cases/<case:reference>/expenses/<int:pk>/attach/", expenses.expense_attach, name="expense_attach"),
    path("cases/<case:reference>/expenses.xlsx", expenses.case_expenses_xlsx, name="expenses_xlsx"),
    path("cases/<case:reference>/approvals/new/", approvals.approval_request, name="approval_request"),
    path("cases/<case:reference>/claims/new/", claims.claim_create, name="claim_create"),
    path("cases/<case:reference>/coverage/", coverage.coverage_page, name="coverage"),  # issue 12
    path("<claim:number>/", claims.claim_detail, name="detail"),
    path("<claim:number>/transition/", claims.claim_transition, name="transition"),
    path("<claim:number>/decide/", claims.claim_decide, name="decide"),
    path("<claim:number>/pay/", claims.claim_pay, name="pay"),
    path("<claim:number>/pack.pdf", claims.claim_pdf, name="pdf"),
    path("<claim:number>/expenses.xlsx", claims.claim_xlsx, name="xlsx"),
]
