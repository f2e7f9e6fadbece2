"""The project's URLs plus ``/bench/trivial/``: a Django view returning a small JSON object (the baseline)."""

from django.http import JsonResponse
from django.urls import path

from sonae.urls import urlpatterns as project_urlpatterns


def trivial(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial/", trivial), *project_urlpatterns]
