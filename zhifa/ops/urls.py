from __future__ import annotations

from django.urls import path

from zhifa.ops import views

urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
