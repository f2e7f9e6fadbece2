from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path("report/", views.year_report, name="report"),
    path("hospital/", views.hospital_list, name="hospital_list"),
    path("hospital/<int:pk>/", views.hospital_detail, name="hospital_detail"),
    path("hospital/<int:pk>/<str:action>/", views.hospital_action, name="hospital_action"),
    path("<str:reference>/", views.case_list, name="case"),
    path("<str:reference>/new/", views.request_new, name="new"),
    path("<str:reference>/<int:pk>/", views.request_detail, name="detail"),
    path("<str:reference>/<int:pk>/letter.<str:fmt>", views.reply_letter, name="letter"),
    path("<str:reference>/<int:pk>/disclosure/", views.disclosure, name="disclosure"),
    path("<str:reference>/<int:pk>/<str:action>/", views.request_action, name="action"),
]
