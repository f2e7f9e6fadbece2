from django.contrib import admin
from django.urls import include, path

from sonae.api.main import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("sonae.core.urls")),
]

handler403 = "sonae.core.views.error_403"
handler404 = "sonae.core.views.error_404"
handler500 = "sonae.core.views.error_500"
