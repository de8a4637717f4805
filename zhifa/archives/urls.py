from __future__ import annotations

from django.urls import path

from zhifa.archives import views

urlpatterns = [
    path("cases/<int:pk>/binder/", views.binder_page, name="case_binder"),
    path("cases/<int:pk>/binder/pdf/", views.binder_pdf, name="case_binder_pdf"),
    path("cases/<int:pk>/binder/folder/", views.binder_folder, name="case_binder_folder"),
    path("archives/retention/<int:agency_pk>/", views.retention_page, name="retention_page"),
]
