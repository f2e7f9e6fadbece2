"""Pages of the legal duties app, mounted at /duties/ (see sonae/urls.py)."""

from django.urls import path

from . import views

app_name = "duties"

urlpatterns = [
    path("explain/", views.explain, name="explain"),
    path("incident/<str:reference>/", views.case, name="case"),
    path("incident/<str:reference>/confirm/", views.confirm, name="confirm"),
    path("incident/<str:reference>/refresh/", views.refresh, name="refresh"),
    path("incident/<str:reference>/items/<str:kind>/done/", views.mark_done, name="mark_done"),
    path("incident/<str:reference>/items/<str:kind>/undone/", views.mark_undone, name="mark_undone"),
    path("incident/<str:reference>/versions/<int:number>/", views.version, name="version"),
    path("incident/<str:reference>/diff/", views.diff, name="diff"),
    path("incident/<str:reference>/drafts/<str:kind>/", views.draft, name="draft"),
]
