from django.urls import path

from . import views

app_name = "selfcheck"

urlpatterns = [
    path("", views.index, name="index"),
    path("check/", views.check, name="check"),
    path("check/<int:pk>/", views.check_detail, name="check_detail"),
    path("check/<int:pk>/pdf/", views.check_pdf, name="check_pdf"),
    path("history/", views.history, name="history"),
    path("vendor-checklist/", views.vendor_checklist, name="vendor_checklist"),
    path("vendor-checklist/new/", views.vendor_checklist_new, name="vendor_checklist_new"),
    path("vendor-checklist/<int:pk>/", views.vendor_checklist_detail, name="vendor_checklist_detail"),
    path("vendor-checklist/<int:pk>/xlsx/", views.vendor_checklist_xlsx_view, name="vendor_checklist_xlsx"),
    path("vendor-checklist/<int:pk>/pdf/", views.vendor_checklist_pdf, name="vendor_checklist_pdf"),
    path("exposure/", views.exposure, name="exposure"),
    path("exposure/<int:pk>/", views.exposure_detail, name="exposure_detail"),
    path("bcp/", views.bcp, name="bcp"),
    path("bcp/start/", views.bcp_start, name="bcp_start"),
    path("bcp/steps/", views.bcp_steps, name="bcp_steps"),
    path("bcp/edit/<slug:section>/", views.bcp_edit, name="bcp_edit"),
    path("bcp/adopt/", views.bcp_transition, name="bcp_transition"),
    path("bcp/review/", views.bcp_review, name="bcp_review"),
    path("bcp/pdf/", views.bcp_pdf, name="bcp_pdf"),
    path("symptoms/", views.symptoms, name="symptoms"),
]
