from __future__ import annotations

from django.urls import path

from zhifa.powers import views

urlpatterns = [
    path("agencies/<int:agency_pk>/lists/<str:kind>/", views.list_page, name="list_page"),
    path("agencies/<int:agency_pk>/lists/<str:kind>/template.xlsx", views.list_template, name="list_template"),
    path("lists/versions/<int:pk>/", views.version_page, name="list_version"),
    path("lists/versions/<int:pk>/xlsx", views.version_export, name="list_export"),
]
