from __future__ import annotations

from django.urls import path

from zhifa.publicity import views

urlpatterns = [
    path("publicity/", views.desk, name="publicity_desk"),
    path("publicity/cases/<int:case_id>/<int:entry>/", views.prepare, name="publicity_prepare"),
    path("publicity/cases/<int:case_id>/<int:entry>/withhold/", views.withhold, name="publicity_withhold"),
    path("publicity/<int:pk>/", views.detail, name="publicity_detail"),
    path("publicity/repairs/<int:pk>/", views.repair_detail, name="publicity_repair"),
    path("public/decisions/", views.public_list, name="public_decisions"),
    path("public/decisions/<int:pk>/", views.public_detail, name="public_decision"),
    path("public/decisions/<int:pk>/document.pdf", views.public_document, name="public_decision_document"),
    path("public/decisions/<int:pk>/repair/", views.public_repair, name="public_repair"),
    path("public/repairs/", views.public_repair_track, name="public_repair_track"),
]
