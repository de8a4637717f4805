from __future__ import annotations

from django.urls import path

from zhifa.audit import views

urlpatterns = [
    path("audit/", views.audit_events, name="audit_events"),
]
