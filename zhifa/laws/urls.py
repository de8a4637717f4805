from __future__ import annotations

from django.urls import path

from zhifa.laws import views

urlpatterns = [
    path("laws/", views.violation_list, name="laws_violations"),
    path("laws/violations/<slug:code>/", views.violation_detail, name="laws_violation"),
    path("laws/texts/", views.text_list, name="laws_texts"),
    path("laws/texts/<slug:code>/", views.text_detail, name="laws_text"),
    path("laws/no-penalty/", views.no_penalty, name="laws_no_penalty"),
    path("laws/benchmarks/<int:agency_pk>/", views.agency_benchmarks_page, name="laws_benchmarks"),
    path("laws/benchmarks/<int:agency_pk>/benchmarks.xlsx", views.benchmarks_export, name="laws_benchmarks_export"),
    path("laws/consistency/", views.consistency_page, name="laws_consistency"),
]
