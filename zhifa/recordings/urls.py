from __future__ import annotations

from django.urls import path

from zhifa.recordings import views

urlpatterns = [
    path("cases/<int:pk>/recordings/attach/", views.attach_page, name="recording_attach"),
    path("recordings/<int:pk>/describe/", views.describe_page, name="recording_describe"),
    path("recordings/<int:pk>/derive/", views.derive_page, name="recording_derive"),
    path("recordings/lists/<int:agency_pk>/", views.list_page, name="recording_list"),
]
