"""Pages of the hospital portal, mounted at /hospitals/ (see sonae/urls.py)."""

from django.urls import path

from .views import cases, hospital, provider

app_name = "hospitals"

urlpatterns = [
    path("", hospital.dashboard, name="dashboard"),
    # The hospital's side.
    path("contractors/", hospital.contractors, name="contractors"),
    path("contractors/export.xlsx", hospital.contractors_export, name="contractors_export"),
    path("contractors/<int:pk>/", hospital.contractor, name="contractor"),
    path("contractors/<int:pk>/end/", hospital.contractor_end, name="contractor_end"),
    path("requests/<int:pk>/respond/", hospital.link_respond, name="link_respond"),
    path("checklist-request/", hospital.checklist_request, name="checklist_request"),
    path("sites/", hospital.sites, name="sites"),
    path("sites/<int:pk>/toggle/", hospital.site_toggle, name="site_toggle"),
    path("invitations/<str:token>/", hospital.invitation, name="invitation"),
    path("notices/", cases.notices, name="notices"),
    path("notices/<int:pk>/", cases.notice, name="notice"),
    path("notices/<int:pk>/acknowledge/", cases.notice_ack, name="notice_ack"),
    path("notices/<int:pk>/joint/", cases.notice_joint, name="notice_joint"),
    path("notices/<int:pk>/questions/", cases.notice_questions, name="notice_questions"),
    path("notices/<int:pk>/questions/<int:thread>/answer/", cases.notice_answer, name="notice_answer"),
    path("notices/<int:pk>/drafts/<slug:kind>/", cases.notice_draft, name="notice_draft"),
    path("notices/<int:pk>/drafts/<slug:kind>/pdf/", cases.notice_draft_pdf, name="notice_draft_pdf"),
    # The provider's side.
    path("links/", provider.links, name="links"),
    path("links/new/", provider.link_new, name="link_new"),
    path("links/invite/", provider.invitation_new, name="invitation_new"),
    path("links/<int:pk>/", provider.link, name="link"),
    path("links/<int:pk>/end/", provider.link_end, name="link_end"),
    path("links/invitations/<int:pk>/cancel/", provider.invitation_cancel, name="invitation_cancel"),
    path("cases/<str:reference>/", cases.case_questions, name="case_questions"),
    path("cases/<str:reference>/questions/<int:thread>/answer/", cases.case_answer, name="case_answer"),
    path("cases/<str:reference>/joint/<int:hospital>/", cases.case_joint, name="case_joint"),
]
