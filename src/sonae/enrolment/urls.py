from django.urls import path

from . import views

app_name = "enrolment"

urlpatterns = [
    path("", views.index, name="index"),
    # quotes and applications (provider; agency on its behalf)
    path("quotes/", views.quote_list, name="quotes"),
    path("quotes/new/", views.quote_new, name="quote_new"),
    path("quotes/<int:pk>/", views.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("quotes/<int:pk>/decline/", views.quote_decline, name="quote_decline"),
    path("quotes/<int:pk>/apply/", views.application_start, name="application_start"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/review/", views.application_review, name="application_review"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/pdf/", views.application_pdf, name="application_pdf"),
    path("applications/<int:pk>/overpayment/", views.overpayment_resolve, name="overpayment_resolve"),
    # policies
    path("policies/", views.policy_list, name="policies"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/certificate/", views.policy_certificate, name="policy_certificate"),
    path("policies/<int:pk>/cancel/", views.policy_cancel, name="policy_cancel"),
    # agency back office
    path("funnel/", views.funnel, name="funnel"),
    path("export/", views.export, name="export"),
    path("payments/", views.payments, name="payments"),
    path("payments/upload/", views.deposit_upload, name="deposit_upload"),
    path("payments/<int:pk>/match/", views.deposit_match, name="deposit_match"),
    path("payments/<int:pk>/unmatch/", views.deposit_unmatch, name="deposit_unmatch"),
    path("payments/<int:pk>/ignore/", views.deposit_ignore, name="deposit_ignore"),
    # roster and statistics (foundation, agency)
    path("roster/", views.roster, name="roster"),
    path("roster/upload/", views.roster_upload, name="roster_upload"),
    path("roster/imports/<int:pk>/", views.roster_import, name="roster_import"),
    path("roster/<int:pk>/", views.roster_entry, name="roster_entry"),
    path("statistics/", views.statistics, name="statistics"),
]
