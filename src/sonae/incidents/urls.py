"""Pages of the incident desk, mounted at /incidents/ (see sonae/urls.py)."""

from django.urls import path, register_converter

from .views import case, intake, notices, vendors, work


class ReferenceConverter:
    """An incident reference: INC-2025-000123, INC-DEMO-0001."""

    regex = r"INC-[0-9A-Z]+-[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")

app_name = "incidents"

urlpatterns = [
    path("", intake.incident_list, name="list"),
    path("report/", intake.report, name="report"),
    path("queue/", intake.queue, name="queue"),
    path("intake/", intake.intake, name="intake"),
    path("intake/providers/", intake.provider_search, name="provider_search"),
    path("notices/", notices.hospital_notices, name="hospital_notices"),
    path("notices/<int:pk>/", notices.hospital_notice, name="hospital_notice"),
    path("notices/<int:pk>/acknowledge/", notices.hospital_notice_ack, name="hospital_notice_ack"),
    path("notices/<int:pk>/pdf/", notices.hospital_notice_pdf, name="hospital_notice_pdf"),
    path("vendors/", vendors.vendors, name="vendors"),
    path("vendors/<int:pk>/", vendors.vendor_edit, name="vendor_edit"),
    path("<ref:reference>/", case.detail, name="detail"),
    path("<ref:reference>/received/", intake.reported, name="reported"),
    path("<ref:reference>/facts/", case.facts, name="facts"),
    path("<ref:reference>/triage/", case.triage, name="triage"),
    path("<ref:reference>/transition/", case.transition, name="transition"),
    path("<ref:reference>/timeline/", case.timeline, name="timeline"),
    path("<ref:reference>/timeline/note/", case.note_add, name="note_add"),
    path("<ref:reference>/timeline/call/", case.call_add, name="call_add"),
    path("<ref:reference>/timeline.pdf", case.timeline_pdf, name="timeline_pdf"),
    path("<ref:reference>/tasks/", work.tasks, name="tasks"),
    path("<ref:reference>/tasks/new/", work.task_create, name="task_create"),
    path("<ref:reference>/tasks/<int:pk>/", work.task_edit, name="task_edit"),
    path("<ref:reference>/evidence/", work.evidence, name="evidence"),
    path("<ref:reference>/evidence/upload/", work.evidence_upload, name="evidence_upload"),
    path("<ref:reference>/evidence/<int:pk>/download/", work.evidence_download, name="evidence_download"),
    path("<ref:reference>/vendors/", work.case_vendors, name="case_vendors"),
    path("<ref:reference>/vendors/dispatch/", work.dispatch, name="dispatch"),
    path("<ref:reference>/notices/", notices.notices, name="notices"),
    path("<ref:reference>/notices/new/", notices.notice_create, name="notice_create"),
    path("<ref:reference>/notices/<int:pk>/", notices.notice_edit, name="notice_edit"),
    path("<ref:reference>/notices/<int:pk>/send/", notices.notice_send, name="notice_send"),
    path("<ref:reference>/notices/<int:pk>/pdf/", notices.notice_pdf, name="notice_pdf"),
]
