"""Root URLs. Each app's ``urls.py`` is mounted under its own prefix when the app has one."""

from django.contrib import admin
from django.urls import include, path

from sonae.api import direct
from sonae.api.main import grouped_urls
from sonae.core.modules import module_exists

# (app, URL prefix). Apps add their pages by providing ``sonae/<app>/urls.py`` with an ``app_name``.
APP_URLS = [
    ("enrolment", "enrolment/"),
    ("selfcheck", "selfcheck/"),
    ("incidents", "incidents/"),
    ("duties", "duties/"),
    ("victims", "victims/"),
    ("claims", "claims/"),
    ("hospitals", "hospitals/"),
    ("rights", "rights/"),
    ("webhooks", "settings/webhooks/"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", grouped_urls()),
]
# The API's hot routes, tried first (``sonae.api.direct``; registered by the routers imported above).
urlpatterns[:0] = direct.urls("api/v1/")
urlpatterns += [
    path(prefix, include(f"sonae.{app}.urls"))
    for app, prefix in APP_URLS
    if module_exists(f"sonae.{app}.urls")
]
urlpatterns.append(path("", include("sonae.core.urls")))

handler403 = "sonae.core.views.error_403"
handler404 = "sonae.core.views.error_404"
handler500 = "sonae.core.views.error_500"
