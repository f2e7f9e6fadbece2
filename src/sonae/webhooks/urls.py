from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("new/", views.endpoint_create, name="create"),
    path("<int:pk>/", views.endpoint_detail, name="detail"),
    path("<int:pk>/edit/", views.endpoint_edit, name="edit"),
    path("<int:pk>/test/", views.endpoint_test, name="test"),
    path("<int:pk>/secret/", views.endpoint_rotate_secret, name="rotate_secret"),
    path("<int:pk>/delete/", views.endpoint_delete, name="delete"),
    path("deliveries/<uuid:delivery_id>/", views.delivery_detail, name="delivery"),
    path("deliveries/<uuid:delivery_id>/redeliver/", views.delivery_redeliver, name="redeliver"),
]
